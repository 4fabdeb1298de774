"""Citizens racing for the same slots: one wins each slot, the others get a clear refusal.

Real threads on real connections (SQLite file or PostgreSQL), started together by a barrier.
"""

from __future__ import annotations

import threading
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import translation

from halyq.receptions import services
from halyq.receptions.models import Booking
from tests import factories
from tests.receptions.factories import ReceptionFactory, ReceptionOfficeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(reception, citizens, slot_for):
    """Every citizen tries to book at once; returns (bookings, refusal codes, other errors)."""
    barrier = threading.Barrier(len(citizens))
    booked, refused, crashed = [], [], []

    def attempt(index, citizen):
        try:
            translation.activate("en")  # each thread starts in the default language
            barrier.wait(timeout=10)
            booked.append(
                services.booking_create(
                    citizen=citizen, reception=reception, slot_start=slot_for(index)
                )
            )
        except ValidationError as error:
            codes = [e.code for errors in getattr(error, "error_dict", {}).values() for e in errors]
            refused.append((codes or [e.code for e in error.error_list], error.messages))
        except Exception as error:  # reported by the test; a thread cannot fail it itself
            crashed.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(index, citizen))
        for index, citizen in enumerate(citizens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return booked, refused, crashed


def setup(slots: int, citizens: int):
    office = ReceptionOfficeFactory()
    person = factories.PersonFactory()
    office.receiving_people.add(person)
    minutes = 10 * 60 + 30 * slots
    reception = ReceptionFactory(
        office=office,
        person=person,
        start_time=time(10, 0),
        end_time=time(minutes // 60, minutes % 60),
        slot_minutes=30,
        slot_count=slots,
    )
    return reception, [factories.UserFactory() for _ in range(citizens)]


def test_two_citizens_racing_for_the_last_slot_one_wins_the_other_is_told():
    reception, (first, second) = setup(slots=1, citizens=2)
    booked, refused, crashed = race(reception, [first, second], lambda index: time(10, 0))
    assert crashed == []
    assert len(booked) == 1
    assert len(refused) == 1
    codes, messages = refused[0]
    assert codes == ["full"]
    assert "All times at this reception are taken" in messages[0]
    assert Booking.objects.filter(reception=reception, status="booked").count() == 1


def test_many_citizens_racing_for_few_slots_never_double_book():
    reception, citizens = setup(slots=3, citizens=8)
    slots = reception.slot_starts()
    booked, refused, crashed = race(reception, citizens, lambda index: slots[index % 3])
    assert crashed == []
    assert len(booked) == 3
    assert len(refused) == 5
    assert all(codes[0] in {"slot_taken", "full"} for codes, _ in refused)
    taken = list(
        Booking.objects.filter(reception=reception, status="booked").values_list(
            "slot_start", flat=True
        )
    )
    assert sorted(taken) == slots


def test_one_citizen_double_submitting_gets_one_booking():
    reception, (citizen,) = setup(slots=4, citizens=1)
    slots = reception.slot_starts()
    booked, refused, crashed = race(
        reception, [citizen, citizen, citizen], lambda index: slots[index]
    )
    assert crashed == []
    assert len(booked) == 1
    assert [codes for codes, _ in refused] == [["already_booked"], ["already_booked"]]
    assert Booking.objects.filter(reception=reception, citizen=citizen).count() == 1
