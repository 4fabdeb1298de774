"""Working days on the official calendar of the Republic of Kazakhstan.

Used for the statutory deadlines of citizens' appeals (Administrative Procedural Code,
art. 76: by default 15 working days).

Which days are working days
===========================

A day is a **working day** unless it is a Saturday or Sunday, a public holiday, or a day
off moved onto a weekday — with these sources, in this order of precedence:

1. ``extra_working_days`` given to :class:`Calendar` (a later government decree making a
   Saturday a working day): always a working day;
2. ``extra_days_off`` given to :class:`Calendar` (a later decree moving a day off onto a
   weekday, or a newly proclaimed holiday): never a working day;
3. the ``holidays`` package's Kazakhstan calendar (``holidays.country_holidays("KZ")``):

   * public holidays (Law "On holidays in the Republic of Kazakhstan");
   * "observed" days: a holiday falling on a Saturday or Sunday moves the day off to the
     next working day (Labour Code art. 84 / Law on holidays art. 5); the package
     generates these itself, e.g. 2026: 8 March (Sun) -> Mon 9 March; Nauryz 21-22 March
     (Sat-Sun) -> Tue 24 and Wed 25 March (Mon 23 March is itself Nauryz);
     9 May (Sat) -> Mon 11 May; 25 October (Sun) -> Mon 26 October;
   * days off transferred by government decree ("substituted" days, known to the
     package up to 2025), and the Saturdays those decrees made working days
     (``weekend_workdays``, e.g. Sun 5 January 2025 was worked for Fri 3 January);
   * Kurban ait (first day), whose date the package estimates from the Hijri calendar
     after 2025 (2026: Wed 27 May, which is also the date the Spiritual Administration
     of Muslims of Kazakhstan announced);

4. otherwise Monday-Friday are working days.

Holidays that are not days off (e.g. Oraza ait) are not in the package's public
category and are correctly ignored. Religious holidays (Orthodox Christmas, Kurban ait)
are not moved when they fall on a weekend: the package does not move them either.

Known data points (holidays 0.109): 2025 has 246 working days and 2026 has **247**
(261 weekdays minus 14 weekday days off). Note that 30 August (Constitution Day) is not
a holiday in 2026: after the new Constitution (referendum of 15 March 2026) the Ministry
of Labour announced that Constitution Day moves to 15 March from 2027 and 30 August 2026
is an ordinary day. Production calendars printed in 2025 showed 246 working days for
2026 because they still gave Monday 31 August 2026 off; the package (and this module)
follows the current law. Government transfer decrees issued after the package release
must be added with ``extra_days_off``/``extra_working_days``.

Deadlines
=========

``add_working_days(start, n)``: the registration date ``start`` is day 0 and the term
ends at the end of the ``n``-th working day after it. If ``start`` is not a working day
(an appeal received on a Saturday or a holiday), counting starts from the next working
day, which is then day 0 (an appeal is registered on the next working day). So::

    deadline = add_working_days(registered_on, 15)
    answered_on <= deadline        # on time

and ``working_days_between(start, deadline) == n`` whenever ``start`` is a working day.

Speed: each calendar year is computed once (from the ``holidays`` package plus the extra
days) into a sorted list of working-day ordinals and a prefix count, so
:meth:`Calendar.add_working_days` is two list look-ups after a range check.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final

import holidays

__all__ = ["DEFAULT_TERM_WORKING_DAYS", "Calendar", "default_calendar"]

DEFAULT_TERM_WORKING_DAYS: Final = 15
"""Default term for considering an appeal (APC art. 76), in working days."""

COUNTRY: Final = "KZ"
_MIN_YEAR: Final = 1991  # the package's Kazakhstan calendar starts in 1991
_MAX_YEAR: Final = 9998


def _as_date(value: date, name: str) -> date:
    if isinstance(value, datetime):
        raise TypeError(
            f"{name} must be a date, not a datetime: convert it to the local (Kazakhstan) "
            "date first"
        )
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


class _Table:
    """Working-day table over whole years [first_year, last_year] (immutable)."""

    __slots__ = ("base", "count", "end", "first_year", "flags", "last_year", "ordinals")

    def __init__(self, first_year: int, last_year: int, flags: bytes) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.base = date(first_year, 1, 1).toordinal()  # ordinal of flags[0]
        self.end = self.base + len(flags) - 1  # ordinal of 31 December of last_year
        self.flags = flags  # 1 per working day, index = ordinal - base
        count = [0] * (len(flags) + 1)  # count[k] = working days with ordinal < base + k
        ordinals = []  # sorted ordinals of the working days
        running = 0
        for index, flag in enumerate(flags):
            if flag:
                ordinals.append(self.base + index)
                running += 1
            count[index + 1] = running
        self.count = count
        self.ordinals = ordinals


_EMPTY: Final = _Table(2000, 1999, b"")


class Calendar:
    """Kazakhstan working-day calendar with administrator-supplied transfers.

    ``extra_days_off``: dates that are not working days although the package says they
    are (later government transfers, new holidays). ``extra_working_days``: dates that
    are working days although the package says they are not (Saturdays worked under a
    transfer decree). A date may not be in both. Both override the package.

    Dates from 1991 to 9998 are supported. Instances are safe to share between threads;
    the per-year tables are built lazily and cached.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self._days_off = frozenset(_as_date(d, "extra_days_off item") for d in extra_days_off)
        self._working = frozenset(
            _as_date(d, "extra_working_days item") for d in extra_working_days
        )
        if both := self._days_off & self._working:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates listed both as extra days off and working days: {listed}")
        self._lock = threading.Lock()
        self._year_flags: dict[int, bytes] = {}
        self._table = _EMPTY

    def __getstate__(self) -> dict[str, object]:
        # picklable for worker processes: send the data, rebuild the tables lazily there
        return {"extra_days_off": self._days_off, "extra_working_days": self._working}

    def __setstate__(self, state: dict[str, frozenset[date]]) -> None:
        self.__init__(state["extra_days_off"], state["extra_working_days"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return (
            f"Calendar(extra_days_off={len(self._days_off)} dates, "
            f"extra_working_days={len(self._working)} dates)"
        )

    # -- data -------------------------------------------------------------------------

    @property
    def extra_days_off(self) -> frozenset[date]:
        return self._days_off

    @property
    def extra_working_days(self) -> frozenset[date]:
        return self._working

    def _compute_year(self, year: int) -> bytes:
        official = holidays.country_holidays(COUNTRY, years=year)
        start = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - start).days
        flags = bytearray(days)
        for offset in range(days):
            day = start + timedelta(days=offset)
            if day in self._working:
                working = True
            elif day in self._days_off:
                working = False
            else:
                working = official.is_working_day(day)
            flags[offset] = 1 if working else 0
        return bytes(flags)

    def _extend(self, first: int, last: int) -> _Table:
        """A table covering at least the years first..last (with a year of margin)."""
        if not (first >= _MIN_YEAR and last <= _MAX_YEAR):
            raise ValueError(f"dates must be in the years {_MIN_YEAR}..{_MAX_YEAR}")
        with self._lock:
            table = self._table
            if table.first_year <= first and last <= table.last_year:
                return table
            if table.last_year >= table.first_year:
                first = min(first, table.first_year)
                last = max(last, table.last_year)
            first = max(_MIN_YEAR, first - 1)
            last = min(_MAX_YEAR, last + 1)
            for year in range(first, last + 1):
                if year not in self._year_flags:
                    self._year_flags[year] = self._compute_year(year)
            flags = b"".join(self._year_flags[year] for year in range(first, last + 1))
            table = _Table(first, last, flags)
            self._table = table  # one atomic swap: readers see old or new, never a mix
            return table

    def _covering(self, ordinal: int) -> _Table:
        table = self._table
        if table.base <= ordinal <= table.end:
            return table
        year = date.fromordinal(ordinal).year
        return self._extend(year, year)

    # -- queries ------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is a working day (see the module docstring)."""
        ordinal = _as_date(day, "day").toordinal()
        table = self._covering(ordinal)
        return table.flags[ordinal - table.base] == 1

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        return self.add_working_days(day, 0)

    def add_working_days(self, start: date, n: int) -> date:
        """The last day of a term of ``n`` working days starting on ``start``.

        ``start`` (the registration date) is day 0, or, if it is not a working day, the
        next working day is day 0. The result is the ``n``-th working day after day 0;
        for ``n == 0`` it is day 0 itself. Raises ``ValueError`` for ``n < 0``.
        """
        if type(start) is not date:
            _as_date(start, "start")
        if n < 0:
            raise ValueError(f"n must be >= 0, not {n}")
        ordinal = start.toordinal()
        table = self._table
        if not table.base <= ordinal <= table.end:
            table = self._covering(ordinal)
        target = table.count[ordinal - table.base] + n
        while target >= len(table.ordinals):  # runs past the table: add years
            missing = target - len(table.ordinals) + 1
            table = self._extend(table.first_year, table.last_year + missing // 240 + 1)
            target = table.count[ordinal - table.base] + n
        return date.fromordinal(table.ordinals[target])

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days ``d`` with ``start < d <= end``.

        Negative (``-working_days_between(end, start)``) when ``end < start``; 0 when
        they are equal. A working ``start`` itself is not counted: it is day 0.
        """
        first = _as_date(start, "start").toordinal()
        last = _as_date(end, "end").toordinal()
        table = self._table
        low, high = min(first, last), max(first, last) + 1
        if not (table.base <= low and high <= table.end):
            table = self._extend(date.fromordinal(low).year, date.fromordinal(high).year)
        return table.count[last + 1 - table.base] - table.count[first + 1 - table.base]

    def working_days_in_year(self, year: int) -> int:
        """Number of working days in the calendar year ``year``."""
        return self.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))


_DEFAULT: Calendar | None = None


def default_calendar() -> Calendar:
    """A shared :class:`Calendar` without extra days (the package data only)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Calendar()
    return _DEFAULT
