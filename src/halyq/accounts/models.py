"""People who sign in: citizens, office operators, deputies, moderators, administrators.

Personal data of citizens lives here and in `appeals` only. It never reaches a public
page, the public API, an export, the ledger or a log.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("ru", "Русский"), ("kk", "Қазақша"), ("en", "English")],
        default="ru",
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("region of residence"),
    )
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("district of residence"),
    )
    person = models.OneToOneField(
        "directory.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("deputy or activist profile"),
        help_text=_(
            "Set for the account of a deputy or reserve activist: they see what is assigned to them."
        ),
    )
    # The IIN is optional. Stored only encrypted (halyq.accounts.encryption); the keyed
    # hash beside it lets us refuse a second account with the same IIN without
    # decrypting every row. Both are empty when no IIN is on file.
    iin_ciphertext = models.TextField(_("IIN (encrypted)"), blank=True, default="", editable=False)
    iin_digest = models.CharField(
        _("IIN lookup hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_("Set when the person deleted their account; it can never sign in again."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def has_iin(self) -> bool:
        return bool(self.iin_ciphertext)


class ConsentText(models.Model):
    """One published version of the consent to the processing of personal data.

    Versions are never edited once published: a change is a new version, and each
    `Consent` points at the exact text the person agreed to.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self) -> str:
        return f"v{self.version}"


class Consent(models.Model):
    """A person's consent to one version of the text: when given, when withdrawn.

    No IP address or device is recorded: only how it was given and in which language
    the text was shown.
    """

    class Channel(models.TextChoices):
        SIGN_UP = "signup", _("sign-up form")
        RENEWAL = "renewal", _("agreed to a new version")
        SEED = "seed", _("generated demo data")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    consent_text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="consents", verbose_name=_("text")
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    channel = models.CharField(_("how"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language of the text shown"), max_length=2)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.consent_text} ({self.given_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RoleAssignment(models.Model):
    """A staff role held by a user, scoped to a region where the role has a scope.

    Citizens need no assignment (any confirmed account is a citizen); deputies and
    reserve activists are recognised by `User.person`; office operators by the office's
    staff list in `appeals`. Everything else is here.
    """

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("regional moderator")
        ADMINISTRATOR = "administrator", _("central administrator")
        EDITOR = "editor", _("news editor")
        PUBLISHER = "publisher", _("news publisher")

    REGIONAL_ROLES = frozenset({Role.MODERATOR})

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("region"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="unique_role_assignment"
            ),
            models.CheckConstraint(
                condition=models.Q(role="moderator", region__isnull=False)
                | (~models.Q(role="moderator") & models.Q(region__isnull=True)),
                name="moderator_has_region_others_none",
            ),
        ]

    def __str__(self) -> str:
        scope = f" — {self.region}" if self.region_id else ""
        return f"{self.get_role_display()}{scope}"
