"""The working-day calendar in force: the `holidays` package plus administrators' changes.

`current_calendar()` builds a `halyq.workdays.Calendar` from the `CalendarOverride` rows.
The list of overrides is kept in Django's cache (shared between processes when Redis is
configured) and cleared whenever an override is saved or deleted; without a shared
cache each process re-reads it at most every `CACHE_SECONDS`. Each distinct list builds
one Calendar per process, reused while the list is unchanged.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from halyq.workdays import Calendar

CACHE_KEY = "appeals:calendar-overrides:v1"
CACHE_SECONDS = 300


def _overrides() -> tuple[tuple[date, ...], tuple[date, ...]]:
    cached = cache.get(CACHE_KEY)
    if cached is None:
        from halyq.appeals.models import CalendarOverride

        rows = list(CalendarOverride.objects.order_by("date").values_list("date", "kind"))
        days_off = tuple(day for day, kind in rows if kind == CalendarOverride.Kind.DAY_OFF)
        working = tuple(day for day, kind in rows if kind == CalendarOverride.Kind.WORKING_DAY)
        cached = (days_off, working)
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


@lru_cache(maxsize=8)
def _calendar(days_off: tuple[date, ...], working: tuple[date, ...]) -> Calendar:
    return Calendar(extra_days_off=days_off, extra_working_days=working)


def current_calendar() -> Calendar:
    """The calendar deadlines are computed on, with every administrator's change."""
    days_off, working = _overrides()
    return _calendar(days_off, working)


def invalidate() -> None:
    cache.delete(CACHE_KEY)


@receiver(post_save, sender="appeals.CalendarOverride")
@receiver(post_delete, sender="appeals.CalendarOverride")
def _override_changed(instance, **kwargs) -> None:
    invalidate()
    # The open appeals whose term runs over the day follow the change, once it is saved.
    from halyq.appeals.services import appeals_follow_calendar

    transaction.on_commit(
        lambda: appeals_follow_calendar(day=instance.date, reason=instance.reason)
    )
