"""Working days on Kazakhstan's official calendar (pure Python, no database)."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from halyq.workdays import DEFAULT_TERM_WORKING_DAYS, Calendar, default_calendar

CAL = default_calendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- the 2026 calendar ----------------------------------------------------------------


def test_2026_has_247_working_days():
    # 365 days - 104 Saturdays/Sundays = 261 weekdays, minus the 14 weekday days off
    # listed in test_2026_weekday_days_off. (Calendars printed in 2025 said 246: they
    # still gave Monday 31 August off for Constitution Day, abolished for 2026.)
    assert CAL.working_days_in_year(2026) == 247


def test_2025_and_2027_totals():
    assert CAL.working_days_in_year(2025) == 246
    assert CAL.working_days_in_year(2027) == 247


HOLIDAYS_2026 = [
    "2026-01-01",  # New Year
    "2026-01-02",  # New Year
    "2026-01-07",  # Orthodox Christmas
    "2026-03-08",  # International Women's Day (Sunday)
    "2026-03-21",  # Nauryz (Saturday)
    "2026-03-22",  # Nauryz (Sunday)
    "2026-03-23",  # Nauryz
    "2026-05-01",  # Unity Day
    "2026-05-07",  # Defender of the Fatherland Day
    "2026-05-09",  # Victory Day (Saturday)
    "2026-05-27",  # Kurban ait, first day (package estimate = DUMK's announced date)
    "2026-07-06",  # Capital Day
    "2026-08-30",  # former Constitution Day: a Sunday anyway
    "2026-10-25",  # Republic Day (Sunday)
    "2026-12-16",  # Independence Day
]

# Holidays falling on a Saturday/Sunday move the day off to the next working day.
MOVED_DAYS_OFF_2026 = [
    "2026-03-09",  # from Sunday 8 March
    "2026-03-24",  # from Saturday 21 March (Monday 23rd is Nauryz itself)
    "2026-03-25",  # from Sunday 22 March
    "2026-05-11",  # from Saturday 9 May
    "2026-10-26",  # from Sunday 25 October
]


@pytest.mark.parametrize("day", HOLIDAYS_2026 + MOVED_DAYS_OFF_2026)
def test_2026_days_off(day):
    assert not CAL.is_working_day(d(day))


def test_2026_weekday_days_off():
    year = [d("2026-01-01") + timedelta(days=i) for i in range(365)]
    weekday_days_off = [x for x in year if x.weekday() < 5 and not CAL.is_working_day(x)]
    assert [x.isoformat() for x in weekday_days_off] == [
        "2026-01-01",
        "2026-01-02",
        "2026-01-07",
        "2026-03-09",
        "2026-03-23",
        "2026-03-24",
        "2026-03-25",
        "2026-05-01",
        "2026-05-07",
        "2026-05-11",
        "2026-05-27",
        "2026-07-06",
        "2026-10-26",
        "2026-12-16",
    ]


def test_package_data_we_rely_on():
    kz = holidays.country_holidays("KZ", years=2026)
    assert d("2026-05-27") in kz  # Kurban ait
    assert d("2026-08-30") not in kz and d("2026-08-31") not in kz  # Constitution Day gone
    assert d("2027-03-15") in holidays.country_holidays("KZ", years=2027)  # its new date


@pytest.mark.parametrize(
    "day",
    ["2026-08-31", "2026-03-20", "2026-03-26", "2026-05-08", "2026-12-31", "2026-01-05"],
)
def test_ordinary_2026_weekdays_are_working(day):
    # 31 Aug: no longer Constitution Day; 20 Mar: Oraza ait is not a day off; 31 Dec works
    assert CAL.is_working_day(d(day))


def test_weekends():
    assert not CAL.is_working_day(d("2026-02-07"))  # Saturday
    assert not CAL.is_working_day(d("2026-02-08"))  # Sunday
    assert CAL.is_working_day(d("2026-02-09"))  # Monday


def test_weekend_made_working_day_by_decree_in_package():
    # 2025: Friday 3 January off, Sunday 5 January worked in exchange.
    assert not CAL.is_working_day(d("2025-01-03"))
    assert CAL.is_working_day(d("2025-01-05"))
    # 2013/2014, across the new year: Saturday 28 December 2013 worked for 3 January 2014
    assert CAL.is_working_day(d("2013-12-28"))
    assert not CAL.is_working_day(d("2014-01-03"))


# --- transfers supplied as data ---------------------------------------------------------


def test_extra_working_day_overrides_weekend_and_holiday():
    saturday, holiday = d("2026-11-28"), d("2026-12-16")
    cal = Calendar(extra_working_days=[saturday, holiday])
    assert cal.is_working_day(saturday) and cal.is_working_day(holiday)
    assert cal.working_days_in_year(2026) == 249
    assert not CAL.is_working_day(saturday)  # other calendars unaffected


def test_extra_day_off_overrides_weekday():
    friday = d("2026-12-18")
    cal = Calendar(extra_days_off=[friday])
    assert not cal.is_working_day(friday)
    assert cal.working_days_in_year(2026) == 246


def test_transfer_moves_deadline():
    # A decree moves the day off from Saturday 28 Nov to Friday 18 Dec (made-up example)
    cal = Calendar(extra_days_off=[d("2026-12-18")], extra_working_days=[d("2026-11-28")])
    assert cal.working_days_in_year(2026) == 247
    start = d("2026-11-27")  # Friday
    assert CAL.add_working_days(start, 1) == d("2026-11-30")
    assert cal.add_working_days(start, 1) == d("2026-11-28")
    # ... and later: the term is the same length but skips 18 December
    assert CAL.add_working_days(d("2026-12-14"), 3) == d("2026-12-18")
    assert cal.add_working_days(d("2026-12-14"), 3) == d("2026-12-21")


def test_calendar_pickles_for_worker_processes():
    cal = Calendar(extra_days_off=[d("2026-12-18")])
    cal.add_working_days(d("2026-12-14"), 3)  # build the tables (and the lock) first
    copy = pickle.loads(pickle.dumps(cal))  # noqa: S301 - our own bytes
    assert copy.extra_days_off == {d("2026-12-18")}
    assert copy.add_working_days(d("2026-12-14"), 3) == d("2026-12-21")


def test_same_date_in_both_extras_is_refused():
    with pytest.raises(ValueError, match="2026-12-18"):
        Calendar(extra_days_off=[d("2026-12-18")], extra_working_days=[d("2026-12-18")])


# --- deadlines ----------------------------------------------------------------------------


def test_deadline_across_new_year():
    # Registered Wed 24 Dec 2025 = day 0. Working days: Dec 25, 26, 29, 30, 31 (1-5);
    # 1-2 Jan holidays, 3-4 Jan weekend; Jan 5, 6 (6-7); 7 Jan Christmas; Jan 8, 9 (8-9);
    # Jan 12-16 (10-14); Mon 19 Jan = 15.
    deadline = CAL.add_working_days(d("2025-12-24"), DEFAULT_TERM_WORKING_DAYS)
    assert deadline == d("2026-01-19")
    assert CAL.working_days_between(d("2025-12-24"), deadline) == 15


def test_deadline_across_nauryz():
    # Registered Fri 13 Mar 2026. Mar 16-20 (1-5; Oraza ait on the 20th is a working day);
    # 21-22 weekend/Nauryz, 23 Nauryz, 24-25 moved days off; Mar 26, 27 (6-7);
    # Mar 30, 31, Apr 1, 2, 3 (8-12); Apr 6, 7, 8 (13-15).
    assert CAL.add_working_days(d("2026-03-13"), 15) == d("2026-04-08")


def test_deadline_across_may_holidays():
    # Thu 30 Apr 2026: May 1 off, 2-3 weekend, May 4, 5, 6 (1-3), 7 off, May 8 (4),
    # 9-10 weekend, 11 moved day off, May 12 (5)
    assert CAL.add_working_days(d("2026-04-30"), 5) == d("2026-05-12")


def test_start_on_a_non_working_day_counts_from_next_working_day():
    saturday = d("2026-03-21")  # Nauryz on a Saturday; next working day: Thu 26 March
    assert CAL.next_working_day(saturday) == d("2026-03-26")
    assert CAL.add_working_days(saturday, 0) == d("2026-03-26")
    assert CAL.add_working_days(saturday, 1) == d("2026-03-27")
    assert CAL.add_working_days(saturday, 15) == CAL.add_working_days(d("2026-03-26"), 15)
    assert CAL.add_working_days(d("2026-02-07"), 1) == d("2026-02-10")  # Sat -> Mon=0


def test_n_zero_on_working_day_is_the_day_itself():
    assert CAL.add_working_days(d("2026-02-10"), 0) == d("2026-02-10")
    assert CAL.next_working_day(d("2026-02-10")) == d("2026-02-10")


def test_negative_n_refused():
    with pytest.raises(ValueError, match="n must be >= 0"):
        CAL.add_working_days(d("2026-02-10"), -1)


def test_datetime_refused():
    with pytest.raises(TypeError, match="local"):
        CAL.add_working_days(datetime(2026, 2, 10, 9, 0), 15)


def test_working_days_between():
    assert CAL.working_days_between(d("2026-02-09"), d("2026-02-09")) == 0
    assert CAL.working_days_between(d("2026-02-06"), d("2026-02-09")) == 1  # Fri -> Mon
    assert CAL.working_days_between(d("2026-02-09"), d("2026-02-06")) == -1
    assert CAL.working_days_between(d("2025-12-31"), d("2026-12-31")) == 247


def test_long_terms_and_far_years_extend_the_table():
    cal = Calendar()
    end = cal.add_working_days(d("2026-01-05"), 2000)
    assert cal.working_days_between(d("2026-01-05"), end) == 2000
    assert cal.is_working_day(end)
    assert cal.add_working_days(d("2040-06-01"), 10) > d("2040-06-01")
    assert cal.working_days_in_year(2001) == cal.working_days_between(
        d("2000-12-31"), d("2001-12-31")
    )


# --- properties -------------------------------------------------------------------------

dates = st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31))


@settings(max_examples=500, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=400))
def test_deadline_is_a_working_day_n_working_days_later(start, n):
    deadline = CAL.add_working_days(start, n)
    assert CAL.is_working_day(deadline)
    day0 = CAL.next_working_day(start)
    assert CAL.working_days_between(day0, deadline) == n
    if CAL.is_working_day(start):
        assert day0 == start
        assert CAL.working_days_between(start, deadline) == n
    else:
        assert CAL.working_days_between(start, day0) == 1  # day 0 is the next working day


@settings(max_examples=200, deadline=None)
@given(start=dates, span=st.integers(min_value=0, max_value=800))
def test_between_counts_working_days_one_by_one(start, span):
    end = start + timedelta(days=span)
    expected = sum(CAL.is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))
    assert CAL.working_days_between(start, end) == expected
    assert CAL.working_days_between(end, start) == -expected


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31)))
def test_agrees_with_the_holidays_package(day):
    kz = holidays.country_holidays("KZ", years=day.year)
    assert CAL.is_working_day(day) == kz.is_working_day(day)
