"""The working-day calendar used for programme deadlines.

A measure's deadline is the end of its planned completion day; when that day is not a
working day (a weekend, a holiday or a transferred day off) the deadline is the end of
the next working day. An item is overdue from the day after its deadline while it is
not done, partly done or cancelled (see `models.TrackedItemQuerySet.with_display_status`).

Transfers decreed after the `holidays` package's release come from the settings
`HALYQ_EXTRA_DAYS_OFF` and `HALYQ_EXTRA_WORKING_DAYS` (lists of ISO dates, default
empty); after changing them run `halyq shell -c "from halyq.programmes.services import
item_refresh_deadlines; item_refresh_deadlines()"` so the stored deadlines follow.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from halyq.workdays import Calendar

_cache: dict[tuple, Calendar] = {}


def _dates(values) -> tuple[date, ...]:
    return tuple(sorted(v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values))


def working_calendar() -> Calendar:
    """The configured calendar (one instance per configuration, built lazily)."""
    days_off = _dates(getattr(settings, "HALYQ_EXTRA_DAYS_OFF", ()) or ())
    working = _dates(getattr(settings, "HALYQ_EXTRA_WORKING_DAYS", ()) or ())
    key = (days_off, working)
    calendar = _cache.get(key)
    if calendar is None:
        calendar = _cache[key] = Calendar(extra_days_off=days_off, extra_working_days=working)
    return calendar


def deadline_for(planned_end: date, calendar: Calendar | None = None) -> date:
    """The last day on which delivery is on time for a planned completion date."""
    return (calendar or working_calendar()).next_working_day(planned_end)


def working_days_late(deadline: date, today: date, calendar: Calendar | None = None) -> int:
    """Working days after the deadline up to and including today (0 if not late)."""
    if today <= deadline:
        return 0
    return max((calendar or working_calendar()).working_days_between(deadline, today), 0)
