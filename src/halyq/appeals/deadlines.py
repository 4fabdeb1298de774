"""Statutory terms of an appeal in working days (Administrative Procedural Code, art. 76).

Rules:
* An appeal received on a non-working day is registered on the next working day.
* The term is `HALYQ_APPEAL_TERM_WORKING_DAYS` (15) working days from registration: the
  registration day is day 0 and the answer is due by the end of the 15th working day.
* One extension, with a written reason, to at most `HALYQ_APPEAL_MAX_EXTENSION_MONTHS` (2)
  calendar months from registration in all (moved to the next working day when that
  date is a day off); the citizen is told at once (the notice must leave within
  `HALYQ_APPEAL_EXTENSION_NOTICE_WORKING_DAYS`, 3, working days).
* An appeal that belongs elsewhere is transferred within
  `HALYQ_APPEAL_TRANSFER_WORKING_DAYS` (3) working days of registration.
* After an answer the citizen has `HALYQ_APPEAL_CONFIRMATION_WORKING_DAYS` (10) working
  days to say whether the problem was resolved; then the appeal closes as "answered,
  not confirmed".
* The person is reminded `HALYQ_APPEAL_DEADLINE_REMINDER_WORKING_DAYS` (2) working days
  before the deadline.

Every term is a setting read when used (never a constant in code), and every date is
the local (Asia/Almaty) date.
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from halyq.appeals.calendar import current_calendar

DEFAULTS = {
    "HALYQ_APPEAL_TERM_WORKING_DAYS": 15,
    "HALYQ_APPEAL_MAX_EXTENSION_MONTHS": 2,
    "HALYQ_APPEAL_TRANSFER_WORKING_DAYS": 3,
    "HALYQ_APPEAL_EXTENSION_NOTICE_WORKING_DAYS": 3,
    "HALYQ_APPEAL_CONFIRMATION_WORKING_DAYS": 10,
    "HALYQ_APPEAL_DEADLINE_REMINDER_WORKING_DAYS": 2,
    "HALYQ_APPEAL_DUE_SOON_WORKING_DAYS": 3,
}


def term(name: str) -> int:
    """One of the terms above, from settings (the default when not configured)."""
    return int(getattr(settings, name, DEFAULTS[name]))


def local_date(moment: datetime | None = None) -> date:
    return timezone.localdate(moment or timezone.now())


@dataclass(frozen=True)
class Registration:
    registered_on: date
    due_on: date


def registration_dates(received_at: datetime) -> Registration:
    calendar = current_calendar()
    registered_on = calendar.next_working_day(local_date(received_at))
    due_on = calendar.add_working_days(registered_on, term("HALYQ_APPEAL_TERM_WORKING_DAYS"))
    return Registration(registered_on, due_on)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


def latest_extended_due(registered_on: date) -> date:
    """The furthest deadline an extension may set."""
    limit = _add_months(registered_on, term("HALYQ_APPEAL_MAX_EXTENSION_MONTHS"))
    return current_calendar().next_working_day(limit)


def transfer_due(registered_on: date) -> date:
    return current_calendar().add_working_days(
        registered_on, term("HALYQ_APPEAL_TRANSFER_WORKING_DAYS")
    )


def working_days_to_answer(registered_on: date, answered_on: date) -> int:
    return max(0, current_calendar().working_days_between(registered_on, answered_on))


def confirmation_window_over(answered_on: date, today: date) -> bool:
    waited = current_calendar().working_days_between(answered_on, today)
    return waited >= term("HALYQ_APPEAL_CONFIRMATION_WORKING_DAYS")


def confirmation_cutoff(today: date) -> date:
    """Appeals answered on or before this date have waited long enough (the auto-close)."""
    calendar = current_calendar()
    days = term("HALYQ_APPEAL_CONFIRMATION_WORKING_DAYS")
    # The latest answered_on with working_days_between(answered_on, today) >= days.
    candidate = today
    while calendar.working_days_between(candidate, today) < days:
        candidate = date.fromordinal(candidate.toordinal() - 1)
    return candidate


def due_soon_limit(today: date) -> date:
    """Deadlines up to this date count as "due soon" in the staff queues."""
    return current_calendar().add_working_days(today, term("HALYQ_APPEAL_DUE_SOON_WORKING_DAYS"))


def reminder_day(today: date) -> date:
    """Appeals due on this date get their reminder today."""
    return current_calendar().add_working_days(
        today, term("HALYQ_APPEAL_DEADLINE_REMINDER_WORKING_DAYS")
    )


def notice_deadline(today: date) -> datetime:
    """By when a notice to the citizen (of an extension or a transfer) must have left."""
    day = current_calendar().add_working_days(
        today, term("HALYQ_APPEAL_EXTENSION_NOTICE_WORKING_DAYS")
    )
    return timezone.make_aware(datetime.combine(day, datetime.max.time()))
