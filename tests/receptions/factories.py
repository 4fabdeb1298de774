"""Factories for reception tests. They set up state directly; behaviour goes through services."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import factory
from django.utils import timezone

from halyq.appeals.models import Appeal, Category, ReceptionOffice
from halyq.directory.models import Region
from halyq.receptions.models import Booking, Reception
from tests.factories import PersonFactory, UserFactory


class ReceptionOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionOffice
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"office-{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="71"))
    name_ru = factory.Sequence(lambda n: f"Приёмная {n}")
    name_kk = factory.Sequence(lambda n: f"Қабылдау бөлмесі {n}")
    name_en = factory.Sequence(lambda n: f"Reception office {n}")
    address_ru = "ул. Абая, 1"
    address_en = "1 Abai Street"
    opening_hours_ru = "пн–пт 9:00–18:00"
    phone = "+77172000000"


class ReceptionFactory(factory.django.DjangoModelFactory):
    """A reception a week from today, 10:00–12:00 in 30-minute slots (4 slots)."""

    class Meta:
        model = Reception

    office = factory.SubFactory(ReceptionOfficeFactory)
    person = factory.SubFactory(PersonFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    start_time = time(10, 0)
    end_time = time(12, 0)
    slot_minutes = 30
    slot_count = 4


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    reception = factory.SubFactory(ReceptionFactory)
    slot_start = time(10, 0)
    citizen = factory.SubFactory(UserFactory)
    channel = Booking.Channel.ONLINE


def appeal_at(office: ReceptionOffice, author) -> Appeal:
    """An appeal registered at `office` through the appeals service (a web appeal by `author`)."""
    from halyq.appeals.services import appeal_register

    return appeal_register(
        author=author,
        office=office,
        category=Category.objects.order_by("order", "code").first(),
        text="Во дворе третий месяц не вывозят мусор, просим принять меры.",
        idempotency_key=uuid.uuid4(),
    )
