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
