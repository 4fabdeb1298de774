"""The seed step: realistic receptions and bookings, consistent with what the services leave."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Q

from halyq.appeals.models import ReceptionOffice
from halyq.directory.models import Person
from halyq.integrity.models import LedgerEntry
from halyq.integrity.selectors import entries_up_to
from halyq.ledger.chain import verify_chain
from halyq.receptions import selectors
from halyq.receptions.models import Booking, Reception
from halyq.seeding.directory import seed_directory
from halyq.seeding.receptions import seed_receptions
from halyq.seeding.scale import DEMO
from tests import factories

TODAY = date(2026, 6, 15)


def offices_for(world, regions=4) -> None:
    """What the appeals step provides: an office per region (the first few, to keep the
    test quick), its deputies receiving there."""
    for region in world.regions[:regions]:
        office = ReceptionOffice.objects.create(
            slug=f"office-{region.code}",
            region=region,
            name_ru=f"Приёмная {region.code}",
            address_ru="ул. Абая, 1",
            opening_hours_ru="9–18",
        )
        office.receiving_people.set(Person.objects.filter(region=region))
        office.operators.add(factories.UserFactory())


def generate(seed=2026):
    rng = random.Random(seed)
    world = seed_directory(rng, DEMO)
    offices_for(world)
    factories.UserFactory.create_batch(5)  # citizens who may have booked online
    return seed_receptions(rng, DEMO, world, today=TODAY)


@pytest.mark.django_db
def test_demo_receptions_are_realistic_and_consistent():
    result = generate()
    deputies = Person.objects.filter(kind="deputy", reception_offices__isnull=False).count()
    assert result.receptions == Reception.objects.count()
    assert 11 * deputies <= result.receptions <= 15 * deputies
    assert not Reception.objects.filter(person__kind="reserve").exists()
    assert not Reception.objects.filter(date__week_day__in=[1, 7]).exists()  # no weekends
    past = Reception.objects.filter(date__lt=TODAY)
    held_share = past.filter(status="held").count() / past.count()
    assert 0.75 < held_share < 0.95
    assert past.filter(status="cancelled").exists()
    assert Reception.objects.filter(date__gte=TODAY, status="scheduled").exists()
    assert not Reception.objects.filter(date__gt=TODAY + timedelta(days=40)).exists()
    assert not Reception.objects.filter(date__lt=TODAY - timedelta(days=366)).exists()

    # Frozen counts equal the bookings, exactly as the services leave them.
    for reception in Reception.objects.filter(status="held").annotate(
        came=Count("bookings", filter=Q(bookings__status="attended")),
        marked=Count("bookings", filter=Q(bookings__status__in=["attended", "no_show"])),
        unmarked=Count("bookings", filter=Q(bookings__status="booked")),
    )[:300]:
        assert (reception.attended_count, reception.booked_count, reception.unmarked) == (
            reception.came,
            reception.marked,
            0,
        )
    assert (
        not Booking.objects.filter(reception__status="cancelled")
        .exclude(status="cancelled")
        .exists()
    )
    attended = Booking.objects.filter(status="attended").count()
    marked = Booking.objects.filter(status__in=["attended", "no_show"]).count()
    assert 0.78 < attended / marked < 0.92
    assert Booking.objects.filter(channel="online").exists()
    assert Booking.objects.filter(channel="operator").exists()
    # Slot rules hold: no slot taken twice (the constraint would have refused it anyway).
    assert (
        not Booking.objects.filter(status__in=["booked", "attended", "no_show"])
        .values("reception", "slot_start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )

    # The ledger has the events the services would have written, and the chain is valid.
    assert LedgerEntry.objects.filter(kind="reception.scheduled").count() == result.receptions
    assert LedgerEntry.objects.filter(kind="reception.held").count() == result.held
    assert LedgerEntry.objects.filter(kind="reception.cancelled").count() == result.cancelled
    assert verify_chain(entries_up_to(result.events)).ok

    records = list(selectors.rating_receptions(since=TODAY - timedelta(days=365), until=TODAY))
    assert (
        sum(r["held"] for r in records)
        == Reception.objects.filter(status="held", date__gte=TODAY - timedelta(days=365)).count()
    )


@pytest.mark.django_db
def test_the_step_is_deterministic_for_a_seed_and_a_day():
    def snapshot():
        with transaction.atomic():
            generate(seed=11)
            rows = list(
                Reception.objects.order_by("person__public_id", "date").values_list(
                    "person__public_id", "date", "start_time", "status", "booked_count"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = snapshot()
    assert first and snapshot() == first


@pytest.mark.django_db
def test_without_offices_the_step_creates_nothing():
    world = seed_directory(random.Random(1), DEMO)
    result = seed_receptions(random.Random(1), DEMO, world, today=TODAY)
    assert (result.receptions, result.bookings, Reception.objects.count()) == (0, 0, 0)
