"""Factories for the appeals tests: offices, staff, and appeals made through the services."""

from __future__ import annotations

import io
import re
import uuid

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from halyq.accounts.models import RoleAssignment
from halyq.appeals import services
from halyq.appeals.attachments import check_upload
from halyq.appeals.models import Category, ReceptionOffice
from tests.factories import PersonFactory, UserFactory, region


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionOffice
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"office-{n}")
    region = factory.LazyFunction(lambda: region("71"))
    name_ru = factory.Sequence(lambda n: f"Приёмная {n}")
    name_kk = factory.Sequence(lambda n: f"Қабылдау бөлмесі {n}")
    name_en = factory.Sequence(lambda n: f"Reception office {n}")
    address_ru = "ул. Абая, 1"
    address_kk = "Абай к-сі, 1"
    address_en = "1 Abai Street"
    opening_hours_ru = "Пн–Пт 9:00–18:00"
    opening_hours_kk = "Дс–Жм 9:00–18:00"
    opening_hours_en = "Mon–Fri 9:00–18:00"
    phone = "+7 7172 00 00 00"


def category(code: str = "housing") -> Category:
    return Category.objects.get(code=code)


def operator_of(office, **kwargs):
    user = UserFactory(**kwargs)
    office.operators.add(user)
    return user


def deputy_user(person, **kwargs):
    user = UserFactory(**kwargs)
    user.person = person
    user.save()
    return user


def moderator_of(region_obj, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.MODERATOR, region=region_obj)
    return user


def administrator(**kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.ADMINISTRATOR)
    return user


PNG_1x1 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_MINIMAL = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def private_root():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.PRIVATE_MEDIA_ROOT)


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str = "photo.png", content: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)


def web_appeal(
    author, office, *, text="В нашем доме третий месяц нет горячей воды.", files=(), **kwargs
):
    """A web appeal by `author` through the service (with optional checked attachments)."""
    kwargs.setdefault("category", category())
    return services.appeal_register(
        author=author,
        office=office,
        text=text,
        idempotency_key=kwargs.pop("idempotency_key", uuid.uuid4()),
        attachments=[check_upload(f) for f in files],
        **kwargs,
    )


def visitor_appeal(
    operator,
    office,
    *,
    channel="walk_in",
    text="Просьба отремонтировать освещение во дворе дома 3.",
    **kwargs,
):
    """An appeal an operator registers for a visitor (walk-in unless told), via the service.

    The visitor gives an email unless `citizen_phone` is given instead.
    """
    if "citizen_phone" not in kwargs:
        kwargs.setdefault("citizen_email", "visitor@example.kz")
    kwargs.setdefault("category", category())
    return services.appeal_register(
        channel=channel,
        registered_by=operator,
        office=office,
        text=text,
        citizen_name=kwargs.pop("citizen_name", "Visitor"),
        idempotency_key=kwargs.pop("idempotency_key", uuid.uuid4()),
        **kwargs,
    )


def assign(appeal, user, person):
    return services.appeal_transition(
        appeal_id=appeal.pk,
        action="assign",
        user=user,
        version=appeal.version,
        data=services.TransitionInput(person=person),
    )


__all__ = ["PersonFactory", "UserFactory", "region"]


def texted_code(text: str) -> str:
    """The six-digit code in a confirmation text (not the number's digits, nor a link's)."""
    words = re.sub(r"https?://\S+", "", text)
    return re.search(r"(?<![-\d])\d{6}(?!\d)", words).group()
