"""The public directory: regions, organisations, people and who holds which post.

Shaped after Popolo (persons, organizations, memberships, posts). Nothing private
lives here: every field of these models may be published.
"""

from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from halyq.core.i18n import localized


class Region(models.Model):
    """A first-level unit of Kazakhstan, keyed by its two-digit KATO code."""

    code = models.CharField(
        _("KATO code"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$")]
    )
    slug = models.SlugField(unique=True)
    abbreviation = models.CharField(
        _("abbreviation"), max_length=3, unique=True, help_text=_("Used in appeal numbers.")
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_city = models.BooleanField(_("city of republican significance"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return localized(self, "name").text


class District(models.Model):
    """A district or city inside a region (second-level unit)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(_("KATO code"), max_length=9, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_city = models.BooleanField(_("city"), default=False)

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return localized(self, "name").text


class CouncilLevel(models.Model):
    """A level of representative body (a chamber of Parliament, a regional maslikhat...).

    Data, not an enum: the structure of Parliament was reformed in 2026 and may change.
    """

    code = models.SlugField(unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("council level")
        verbose_name_plural = _("council levels")

    def __str__(self) -> str:
        return localized(self, "name").text


class Organization(models.Model):
    class Classification(models.TextChoices):
        PARTY = "party", _("party")
        BRANCH = "branch", _("regional branch")
        FACTION = "faction", _("deputy faction")
        COUNCIL = "council", _("council")

    slug = models.SlugField(max_length=120, unique=True)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations"
    )
    council_level = models.ForeignKey(
        CouncilLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="councils"
    )
    founding_date = models.DateField(_("founded"), null=True, blank=True)
    dissolution_date = models.DateField(_("dissolved"), null=True, blank=True)

    class Meta:
        ordering = ["classification", "name_ru"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["classification", "region"])]

    def __str__(self) -> str:
        return localized(self, "name").text


class Person(models.Model):
    """A deputy or an activist of the party reserve. Public information only."""

    class Kind(models.TextChoices):
        DEPUTY = "deputy", _("deputy")
        RESERVE = "reserve", _("reserve activist")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_key = models.CharField(
        _("import key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable identifier from the regional branch's list; re-imports match on it."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPUTY)
    family_name_kk = models.CharField(_("family name (Kazakh)"), max_length=100, blank=True)
    given_name_kk = models.CharField(_("given name (Kazakh)"), max_length=100, blank=True)
    patronymic_kk = models.CharField(_("patronymic (Kazakh)"), max_length=100, blank=True)
    family_name_ru = models.CharField(_("family name (Russian)"), max_length=100)
    given_name_ru = models.CharField(_("given name (Russian)"), max_length=100)
    patronymic_ru = models.CharField(_("patronymic (Russian)"), max_length=100, blank=True)
    family_name_en = models.CharField(_("family name (English)"), max_length=100, blank=True)
    given_name_en = models.CharField(_("given name (English)"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="people", verbose_name=_("region")
    )
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    biography_kk = models.TextField(_("biography (Kazakh)"), blank=True)
    biography_ru = models.TextField(_("biography (Russian)"), blank=True)
    biography_en = models.TextField(_("biography (English)"), blank=True)
    public_email = models.EmailField(_("public email"), blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["family_name_ru", "given_name_ru", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["kind", "region"]),
            models.Index(fields=["family_name_ru", "given_name_ru", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:person", kwargs={"public_id": self.public_id})

    def full_name(self, language: str) -> str:
        family = getattr(self, f"family_name_{language}", "")
        given = getattr(self, f"given_name_{language}", "")
        patronymic = getattr(self, f"patronymic_{language}", "")
        return " ".join(part for part in (family, given, patronymic) if part)

    @property
    def name(self) -> str:
        value = localized(self, "family_name")
        return self.full_name(value.language) or self.full_name("ru")


class Post(models.Model):
    """A seat or role in an organisation that people hold over time."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="posts")
    role = models.SlugField(_("role"), max_length=64)
    label_kk = models.CharField(_("label (Kazakh)"), max_length=200, blank=True)
    label_ru = models.CharField(_("label (Russian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "role", "label_ru"], name="unique_post")
        ]

    def __str__(self) -> str:
        return localized(self, "label").text


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on=None):
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(start_date__lte=day) | Q(start_date__isnull=True)).filter(
            Q(end_date__gte=day) | Q(end_date__isnull=True)
        )


class Membership(models.Model):
    """Who held which post or role in which organisation, and when.

    History is never overwritten: a change of seat ends one membership and starts another.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=64, blank=True)
    on_behalf_of = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_memberships",
        help_text=_("The faction or party the person sits for."),
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organization", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.organization}"
