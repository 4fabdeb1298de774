""" "Overdue" is derived from the deadline on the working-day calendar, never stored."""

from __future__ import annotations

from datetime import date

import pytest

from halyq.programmes import services
from halyq.programmes.calendar import deadline_for, working_days_late
from halyq.programmes.models import OVERDUE, Status, TrackedItem
from halyq.programmes.selectors import status_counts
from tests.programmes import factories as make

pytestmark = pytest.mark.django_db


def shown(item, today):
    return TrackedItem.objects.with_display_status(today).get(pk=item.pk).display_status


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day():
    assert deadline_for(date(2024, 12, 20)) == date(2024, 12, 20)  # an ordinary Friday
    assert deadline_for(date(2024, 3, 9)) == date(2024, 3, 11)  # Saturday after 8 March
    assert deadline_for(date(2024, 3, 21)) == date(2024, 3, 26)  # Nauryz and its observed days
    assert deadline_for(date(2025, 12, 16)) == date(2025, 12, 17)  # Independence Day


def test_overdue_starts_the_day_after_the_end_of_the_deadline(tracker):
    item = make.item(tracker["programme"], start=date(2024, 1, 10), end=date(2024, 3, 21))
    assert item.deadline == date(2024, 3, 26)
    assert shown(item, date(2024, 3, 22)) == Status.NOT_STARTED  # the holiday itself
    assert shown(item, date(2024, 3, 26)) == Status.NOT_STARTED  # the last day is still on time
    assert shown(item, date(2024, 3, 27)) == OVERDUE
    assert item.is_overdue(date(2024, 3, 27)) and not item.is_overdue(date(2024, 3, 26))


@pytest.mark.parametrize("status", [Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED])
def test_open_items_past_their_deadline_are_overdue(tracker, status):
    item = make.item(tracker["programme"], end=date(2024, 12, 20))
    if status != Status.NOT_STARTED:
        services.item_report(actor=None, item=item, status=status, progress=30)
    assert shown(item, date(2024, 12, 23)) == OVERDUE
    item.refresh_from_db()
    assert item.status == status, "overdue is shown, never stored"


@pytest.mark.parametrize("status", [Status.DONE, Status.PARTLY_DONE, Status.CANCELLED])
def test_closed_items_are_never_overdue(tracker, status):
    item = make.item(tracker["programme"], end=date(2024, 12, 20))
    if status == Status.CANCELLED:
        services.item_cancel(actor=None, item=item, reason="Merged")
    else:
        services.item_report(
            actor=None, item=item, status=status, progress=50, evidence=[make.link()]
        )
    assert shown(item, date(2030, 1, 1)) == status


def test_transferred_days_off_from_the_settings_move_deadlines(tracker, settings):
    item = make.item(tracker["programme"], end=date(2024, 12, 20))
    settings.HALYQ_EXTRA_DAYS_OFF = ["2024-12-20"]
    assert services.item_refresh_deadlines() == 1
    item.refresh_from_db()
    assert item.deadline == date(2024, 12, 23)
    assert shown(item, date(2024, 12, 23)) == Status.NOT_STARTED
    settings.HALYQ_EXTRA_DAYS_OFF = []
    services.item_refresh_deadlines()
    item.refresh_from_db()
    assert item.deadline == date(2024, 12, 20)


def test_counts_and_filters_use_the_derived_status(tracker):
    programme = tracker["programme"]
    late = make.item(programme, "1", end=date(2024, 12, 20))
    make.item(programme, "2", end=date(2030, 12, 20))
    done = make.item(programme, "3", end=date(2024, 12, 20))
    services.item_report(actor=None, item=done, status=Status.DONE, evidence=[make.link()])
    today = date(2025, 1, 10)
    counts = status_counts(TrackedItem.objects.all(), today)
    assert counts[OVERDUE] == 1 and counts[Status.NOT_STARTED] == 1 and counts[Status.DONE] == 1
    assert counts["total"] == 3
    overdue = TrackedItem.objects.with_display_status_in([OVERDUE], today)
    assert list(overdue) == [late]
    not_started = TrackedItem.objects.with_display_status_in([Status.NOT_STARTED], today)
    assert late not in not_started


def test_working_days_late_skips_days_off():
    # deadline Friday 20 Dec 2024; Monday 23 is 1 working day late, the weekend is 0
    assert working_days_late(date(2024, 12, 20), date(2024, 12, 21)) == 0
    assert working_days_late(date(2024, 12, 20), date(2024, 12, 23)) == 1
    assert working_days_late(date(2024, 12, 20), date(2024, 12, 20)) == 0
