"""What the rating reads: which appeals count, and the calendar they are measured on."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta

import pytest

from halyq.appeals import services
from halyq.appeals.calendar import current_calendar
from halyq.appeals.models import Appeal, CalendarOverride, Category
from halyq.appeals.selectors import rating_appeal_columns
from halyq.scoring.columns import NO_DATE, NO_DAYS, RES_PARTLY, RES_UNCONFIRMED, RES_YES
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db


def _feed(**kwargs):
    """{appeal id: its row} from the columns the rating reads."""
    today = date.today()
    columns = rating_appeal_columns(
        since=today - timedelta(days=30), until=today + timedelta(days=30), **kwargs
    )
    names = [field.name for field in fields(columns)]
    return {
        row["appeal"]: row
        for row in (
            {name: getattr(columns, name)[at].item() for name in names}
            for at in range(len(columns))
        )
    }


def test_only_appeals_a_real_citizen_stands_behind_count(world):
    confirmed = f.web_appeal(world.citizen_a, world.office_x)
    world.citizen_b.email_confirmed_at = None
    world.citizen_b.save()
    unconfirmed = f.web_appeal(world.citizen_b, world.office_x)
    visitor = f.visitor_appeal(world.operator_x, world.office_x, citizen_email="v@example.kz")
    rejected = f.web_appeal(world.citizen_a, world.office_x)
    services.appeal_transition(
        appeal_id=rejected.pk,
        action="reject",
        user=world.operator_x,
        version=rejected.version,
        data=services.TransitionInput(reason="Спам"),
    )
    counting = _feed()
    assert set(counting) == {confirmed.pk}
    everything = _feed(include_not_counting=True)
    assert len(everything) == 4
    assert everything[unconfirmed.pk]["counts"] is False
    services.appeal_visitor_confirm(appeal_id=visitor.pk, link=True)
    assert visitor.pk in _feed()
    row = _feed()[confirmed.pk]
    assert row["region"] == world.office_x.region_id
    assert Category.objects.get(id=row["category"]).code == "housing"
    assert row["resolution"] == RES_UNCONFIRMED and row["answered"] == NO_DATE
    assert row["working_days"] == NO_DAYS
    assert row["registered"] == confirmed.registered_on.toordinal()
    assert row["due"] == confirmed.due_on.toordinal()


@pytest.mark.parametrize(
    ("resolution", "code"), [("yes", RES_YES), ("partly", RES_PARTLY), ("", RES_UNCONFIRMED)]
)
def test_an_answer_is_read_as_ordinals_working_days_and_a_resolution_code(world, resolution, code):
    appeal = f.web_appeal(world.citizen_a, world.office_x, addressed_person=world.deputy_person)
    started = date.today() - timedelta(days=20)
    answered = date.today() - timedelta(days=3)
    Appeal.objects.filter(pk=appeal.pk).update(
        term_started_on=started,
        answered_on=answered,
        answered_by=world.other_person,
        resolution=resolution,
    )
    row = _feed()[appeal.pk]
    assert row["answered"] == answered.toordinal()
    assert row["working_days"] == current_calendar().working_days_between(started, answered) > 0
    assert row["resolution"] == code
    assert row["person"] == world.other_person.id  # who answered, before who was addressed


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
        key: row for key, row in everything.items() if row["person"] == world.deputy_person.id
    }
