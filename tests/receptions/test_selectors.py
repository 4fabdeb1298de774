"""The rating's reception records: one per reception in the window, exactly what the engine takes."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from halyq.receptions import selectors
from halyq.scoring.model import ReceptionRecord
from tests.receptions.factories import BookingFactory, ReceptionFactory


def test_records_match_the_engine_and_tell_held_from_not_held(world):
    today = timezone.localdate()
    held = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=today - timedelta(days=20),
        status="held",
        booked_count=3,
        attended_count=2,
    )
    cancelled = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=today - timedelta(days=10),
        status="cancelled",
        cancel_reason="illness",
        booked_count=1,
        attended_count=0,
    )
    unrecorded = ReceptionFactory(
        office=world.astana_office, person=world.alikhan, date=today - timedelta(days=2)
    )
    BookingFactory(reception=unrecorded, citizen=world.aigerim)
    BookingFactory(
        reception=unrecorded, citizen=world.boris, slot_start=time(10, 30), status="cancelled"
    )
    ReceptionFactory(
        office=world.astana_office, person=world.alikhan, date=today
    )  # undecided: left out
    ReceptionFactory(
        office=world.almaty_office, person=world.gulnar, date=today - timedelta(days=400)
    )  # outside

    records = list(selectors.rating_receptions(since=today - timedelta(days=365), until=today))
    alikhan = str(world.alikhan.public_id)
    assert records == [
        {
            "person_id": alikhan,
            "held_on": held.date,
            "scheduled_slots": 4,
            "booked": 3,
            "attended": 2,
            "held": True,
        },
        {
            "person_id": alikhan,
            "held_on": cancelled.date,
            "scheduled_slots": 4,
            "booked": 1,
            "attended": 0,
            "held": False,
        },
        {
            "person_id": alikhan,
            "held_on": unrecorded.date,
            "scheduled_slots": 4,
            "booked": 1,
            "attended": 0,
            "held": False,
        },
    ]
    for record in records:
        ReceptionRecord(**record)  # the engine's own type accepts every record


def test_the_window_is_inclusive_at_both_ends(world):
    today = timezone.localdate()
    first = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=today - timedelta(days=30),
        status="held",
        booked_count=0,
        attended_count=0,
    )
    last = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=today - timedelta(days=1),
        status="held",
        booked_count=0,
        attended_count=0,
    )
    dates = [r["held_on"] for r in selectors.rating_receptions(since=first.date, until=last.date)]
    assert dates == [first.date, last.date]
    assert (
        list(
            selectors.rating_receptions(
                since=first.date + timedelta(days=1), until=last.date - timedelta(days=1)
            )
        )
        == []
    )


def test_public_slots_say_taken_but_not_by_whom(world, reception):
    BookingFactory(reception=reception, citizen=world.aigerim, slot_start=time(10, 30))
    slots = selectors.reception_slots(reception=reception, user=world.boris)
    assert [(s["start"], s["taken"], s["mine"]) for s in slots] == [
        (time(10, 0), False, False),
        (time(10, 30), True, False),
        (time(11, 0), False, False),
        (time(11, 30), False, False),
    ]
    assert set(slots[0]) == {"start", "taken", "mine", "past"}
    mine = selectors.reception_slots(reception=reception, user=world.aigerim)
    assert [s["mine"] for s in mine] == [False, True, False, False]


def test_some_peoples_records_are_exactly_their_part_of_all_records(world):
    today = timezone.localdate()
    for person, office in (
        (world.alikhan, world.astana_office),
        (world.gulnar, world.almaty_office),
    ):
        ReceptionFactory(office=office, person=person, date=today - timedelta(days=3))
    window = {"since": today - timedelta(days=365), "until": today}
    everything = list(selectors.rating_receptions(**window))
    theirs = list(selectors.rating_receptions(**window, person_ids=[world.gulnar.id]))
    assert len(theirs) == 1 and len(everything) == 2
    assert theirs == [r for r in everything if r["person_id"] == str(world.gulnar.public_id)]
