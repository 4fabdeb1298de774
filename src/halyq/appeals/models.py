"""Public reception offices and citizens' appeals.

Personal data of citizens (appeal text, attachments, contacts) lives here and in
`accounts` only, and never reaches a public page, the public API, an export, the
ledger or a log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from halyq.core.i18n import localized


class ReceptionOffice(models.Model):
    """A public reception office (общественная приёмная) of a regional branch."""

    slug = models.SlugField(max_length=120, unique=True)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        verbose_name=_("district"),
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    address_kk = models.CharField(_("address (Kazakh)"), max_length=300, blank=True)
    address_ru = models.CharField(_("address (Russian)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    opening_hours_kk = models.CharField(_("opening hours (Kazakh)"), max_length=300, blank=True)
    opening_hours_ru = models.CharField(_("opening hours (Russian)"), max_length=300)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    receiving_people = models.ManyToManyField(
        "directory.Person",
        blank=True,
        related_name="reception_offices",
        verbose_name=_("deputies and activists who receive here"),
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="operated_offices",
        verbose_name=_("operators"),
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["region__code", "name_ru"]
        verbose_name = _("reception office")
        verbose_name_plural = _("reception offices")

    def __str__(self) -> str:
        return localized(self, "name").text
