"""What the rating reads: which appeals count, and the calendar they are measured on."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from halyq.appeals import services
from halyq.appeals.calendar import current_calendar
from halyq.appeals.models import CalendarOverride, Channel
from halyq.appeals.selectors import rating_appeals
from halyq.integrity.pseudonyms import pseudonym
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db


def _feed(**kwargs):
    today = date.today()
    return {
        row["appeal"]: row
        for row in rating_appeals(
            since=today - timedelta(days=30), until=today + timedelta(days=30), **kwargs
        )
    }


def test_only_appeals_a_real_citizen_stands_behind_count(world):
    confirmed = f.web_appeal(world.citizen_a, world.office_x)
    world.citizen_b.email_confirmed_at = None
    world.citizen_b.save()
    unconfirmed = f.web_appeal(world.citizen_b, world.office_x)
    visitor = services.appeal_register(
        channel=Channel.WALK_IN,
        registered_by=world.operator_x,
        office=world.office_x,
        category=f.category(),
        text="Просьба отремонтировать освещение во дворе дома 3.",
        citizen_name="Visitor",
        citizen_email="v@example.kz",
        idempotency_key=uuid.uuid4(),
    )
    rejected = f.web_appeal(world.citizen_a, world.office_x)
    services.appeal_transition(
        appeal_id=rejected.pk,
        action="reject",
        user=world.operator_x,
        version=rejected.version,
        data=services.TransitionInput(reason="Спам"),
    )
    counting = _feed()
    assert set(counting) == {pseudonym("appeal", confirmed.pk)}
    everything = _feed(include_not_counting=True)
    assert len(everything) == 4
    assert everything[pseudonym("appeal", unconfirmed.pk)]["counts"] is False
    services.appeal_visitor_confirm(appeal_id=visitor.pk, link=True)
    assert pseudonym("appeal", visitor.pk) in _feed()
    row = _feed()[pseudonym("appeal", confirmed.pk)]
    assert row["region"] == "71" and row["category"] == "housing" and row["resolution"] is None


def test_calendar_changes_are_seen_at_once():
    day = date(2026, 2, 10)
    assert current_calendar().is_working_day(day)
    override = CalendarOverride.objects.create(date=day, kind="day_off", reason="Decree")
    assert not current_calendar().is_working_day(day)
    override.delete()
    assert current_calendar().is_working_day(day)
    saturday = date(2026, 2, 7)
    CalendarOverride.objects.create(date=saturday, kind="working_day", reason="Moved working day")
    assert current_calendar().is_working_day(saturday)


def test_the_feed_of_some_people_is_exactly_their_part_of_the_whole_feed(world):
    f.web_appeal(world.citizen_a, world.office_x, addressed_person=world.deputy_person)
    f.web_appeal(world.citizen_b, world.office_y, addressed_person=world.other_person)
    everything = _feed(include_not_counting=True)
    theirs = _feed(include_not_counting=True, person_ids=[world.deputy_person.id])
    assert theirs and len(theirs) < len(everything)
    assert theirs == {
        key: row
        for key, row in everything.items()
        if row["person"] == str(world.deputy_person.public_id)
    }
