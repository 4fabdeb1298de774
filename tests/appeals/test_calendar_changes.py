"""A government transfer of days added later moves the deadlines it reaches, and only those."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.appeals.calendar import current_calendar
from halyq.appeals.models import Appeal, CalendarOverride
from halyq.appeals.workflow import State
from halyq.integrity.models import LedgerEntry
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db


def change_calendar(capture, day, kind, reason="Постановление Правительства"):
    with capture(execute=True):
        return CalendarOverride.objects.create(date=day, kind=kind, reason=reason)


def a_working_day_inside_the_term(appeal):
    return current_calendar().add_working_days(appeal.term_started_on, 3)


def test_a_new_day_off_inside_the_term_moves_the_deadline_a_working_day_later(
    world, django_capture_on_commit_callbacks
):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    before = Appeal.objects.get(pk=appeal.pk)
    day = a_working_day_inside_the_term(appeal)
    change_calendar(django_capture_on_commit_callbacks, day, CalendarOverride.Kind.DAY_OFF)
    after = Appeal.objects.get(pk=appeal.pk)
    assert after.due_on == current_calendar().add_working_days(before.due_on, 1)
    assert after.due_on > before.due_on and after.version == before.version + 1
    event = after.events.get(action="deadline_moved")
    assert event.reason == "Постановление Правительства" and event.actor is None
    assert event.details == {
        "previous_due_on": before.due_on.isoformat(),
        "due_on": after.due_on.isoformat(),
    }
    entry = LedgerEntry.objects.get(kind="appeal.deadline_moved")
    assert entry.payload["due_on"] == after.due_on.isoformat()
    assert entry.payload["previous_due_on"] == before.due_on.isoformat()


def test_removing_the_change_moves_it_back_and_a_new_working_day_brings_it_forward(
    world, django_capture_on_commit_callbacks
):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    original = Appeal.objects.get(pk=appeal.pk).due_on
    override = change_calendar(
        django_capture_on_commit_callbacks,
        a_working_day_inside_the_term(appeal),
        CalendarOverride.Kind.DAY_OFF,
    )
    with django_capture_on_commit_callbacks(execute=True):
        override.delete()
    assert Appeal.objects.get(pk=appeal.pk).due_on == original
    saturday = appeal.term_started_on + timedelta(days=(5 - appeal.term_started_on.weekday()) % 7)
    if saturday == appeal.term_started_on:
        saturday += timedelta(days=7)
    assert not current_calendar().is_working_day(saturday) and saturday <= original
    change_calendar(django_capture_on_commit_callbacks, saturday, CalendarOverride.Kind.WORKING_DAY)
    assert Appeal.objects.get(pk=appeal.pk).due_on < original


def test_extended_answered_and_unreached_appeals_keep_their_deadlines(
    world, django_capture_on_commit_callbacks
):
    extended = f.web_appeal(world.citizen_a, world.office_x)
    Appeal.objects.filter(pk=extended.pk).update(extended_at=timezone.now())
    answered = f.web_appeal(world.citizen_a, world.office_x)
    Appeal.objects.filter(pk=answered.pk).update(state=State.ANSWERED)
    f.web_appeal(world.citizen_a, world.office_x)  # open, not extended
    due = {a.pk: a.due_on for a in Appeal.objects.all()}
    after_every_term = current_calendar().add_working_days(max(due.values()), 2)
    change_calendar(
        django_capture_on_commit_callbacks, after_every_term, CalendarOverride.Kind.DAY_OFF
    )
    assert {a.pk: a.due_on for a in Appeal.objects.all()} == due
    change_calendar(
        django_capture_on_commit_callbacks,
        a_working_day_inside_the_term(extended),
        CalendarOverride.Kind.DAY_OFF,
    )
    moved = {a.pk for a in Appeal.objects.all() if a.due_on != due[a.pk]}
    assert extended.pk not in moved and answered.pk not in moved and len(moved) == 1
    assert LedgerEntry.objects.filter(kind="appeal.deadline_moved").count() == 1
