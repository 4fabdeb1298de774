"""Builders for programme tests: they go through the services, as the app does."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from halyq.programmes import services
from halyq.programmes.evidence import EvidenceInput
from halyq.programmes.models import Convocation, Programme
from tests import factories

CONVOCATION_START = date(2023, 3, 29)


def convocation() -> Convocation:
    found = Convocation.objects.filter(code="VIII").first()
    return found or services.convocation_create(
        code="VIII", start_date=CONVOCATION_START, end_date=date(2028, 3, 28)
    )


def programme(region, district=None, code: str | None = None) -> Programme:
    return services.programme_create(
        actor=None,
        code=code or (f"{district.code}-viii" if district else f"{region.code}-viii"),
        convocation=convocation(),
        region=region,
        district=district,
        title_ru=f"Программа {region.code}",
        title_en=f"Programme {region.code}{' ' + district.code if district else ''}",
    )


def item(programme, code="1", *, start=date(2024, 1, 10), end=date(2024, 12, 20), **fields):
    fields.setdefault("title_ru", f"Мероприятие {code}")
    fields.setdefault("title_en", f"Measure {code}")
    return services.item_create(
        actor=None, programme=programme, code=code, start_date=start, planned_end_date=end, **fields
    )


def link(day=date(2024, 6, 1), url="https://akimat.example.kz/act/1") -> EvidenceInput:
    return EvidenceInput(evidence_date=day, url=url, caption="Act")


def jpeg_with_gps(name="photo.jpg") -> SimpleUploadedFile:
    """A small JPEG carrying EXIF with a GPS position and a camera owner's name."""
    image = Image.new("RGB", (40, 30), (200, 40, 40))
    exif = Image.Exif()
    exif[0x013B] = "Resident Name"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 10.0, 0.0), 3: "E", 4: (71.0, 26.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name="act.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def user(**fields):
    return factories.UserFactory(**fields)
