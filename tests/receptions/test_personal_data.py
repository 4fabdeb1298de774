"""Download my data and delete my account reach the bookings; the rating's counts survive."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from halyq.accounts import personal_data
from halyq.receptions import selectors
from halyq.receptions.models import Booking
from tests.receptions.factories import BookingFactory, ReceptionFactory


def test_the_provider_is_registered():
    assert "receptions" in {provider.name for provider in personal_data.providers()}


def test_export_has_my_bookings_only(world, reception):
    BookingFactory(reception=reception, citizen=world.aigerim, topic="Roads")
    BookingFactory(reception=reception, citizen=world.boris, slot_start=time(11, 0), topic="Boris")
    exported = personal_data.export_all(world.aigerim)["receptions"]
    assert len(exported) == 1
    assert exported[0]["topic"] == "Roads"
    assert exported[0]["time"] == "10:00"
    assert exported[0]["person"] == str(world.alikhan.public_id)


def test_erase_detaches_the_citizen_frees_future_slots_and_keeps_the_counts(world, reception):
    past = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=5),
        status="held",
        booked_count=1,
        attended_count=1,
    )
    attended = BookingFactory(
        reception=past, citizen=world.aigerim, status="attended", topic="Private"
    )
    upcoming = BookingFactory(reception=reception, citizen=world.aigerim)
    visitor = BookingFactory(
        reception=reception,
        citizen=None,
        visitor_name="Visitor",
        visitor_phone="+77010000000",
        channel="operator",
        created_by=world.operator,
        slot_start=time(11, 0),
    )
    before = list(selectors.rating_receptions(since=past.date, until=timezone.localdate()))

    from halyq.receptions.personal_data import erase_bookings

    erase_bookings(world.aigerim)
    attended.refresh_from_db()
    upcoming.refresh_from_db()
    visitor.refresh_from_db()
    assert (attended.citizen, attended.topic, attended.status) == (None, "", "attended")
    assert attended.personal_data_erased_at is not None
    assert (upcoming.citizen, upcoming.status) == (None, "cancelled")
    assert visitor.visitor_name == "Visitor"  # someone else's data stays
    assert list(selectors.rating_receptions(since=past.date, until=timezone.localdate())) == before
    assert not Booking.objects.filter(citizen=world.aigerim).exists()
    assert personal_data.export_all(world.aigerim)["receptions"] == []
