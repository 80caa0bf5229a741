"""Reply deadlines: calendar and working days across Chinese public holidays with 调休 weekends.

The holiday facts below are the State Council's published arrangements, written out here day by
day; the first tests check that the installed chinesecalendar package agrees with them, the
rest check the arithmetic against them. Nothing here needs the app or a database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import chinese_calendar
import pytest

from lianxin.casework import deadlines
from lianxin.casework.deadlines import (
    DayCount,
    DeadlineRule,
    add_days,
    days_left,
    is_working_day,
    shanghai_today,
)

CAL = DayCount.CALENDAR
WORK = DayCount.WORKING


def d(month_day: str, year: int = 2025) -> date:
    month, day = month_day.split("-")
    return date(year, int(month), int(day))


# National Day + Mid-Autumn 2025: 1–8 October off; Sunday 28 September and Saturday 11 October
# are adjusted working days. Every day from Friday 26 September to Monday 13 October:
NATIONAL_DAY_2025 = {
    d("09-26"): True,  # Fri
    d("09-27"): False,  # Sat
    d("09-28"): True,  # Sun, adjusted working day
    d("09-29"): True,
    d("09-30"): True,
    **{d(f"10-{n:02}"): False for n in range(1, 9)},  # Wed 1 – Wed 8 October
    d("10-09"): True,  # Thu
    d("10-10"): True,  # Fri
    d("10-11"): True,  # Sat, adjusted working day
    d("10-12"): False,  # Sun
    d("10-13"): True,  # Mon
}

# Spring Festival 2026: 15–23 February off; Saturday 14 and Saturday 28 February are working days.
SPRING_FESTIVAL_2026 = {
    **{date(2026, 2, n): True for n in range(9, 15)},  # Mon 9 – Sat 14 (adjusted)
    **{date(2026, 2, n): False for n in range(15, 24)},  # Sun 15 – Mon 23
    **{date(2026, 2, n): True for n in range(24, 29)},  # Tue 24 – Sat 28 (adjusted)
    date(2026, 3, 1): False,  # Sun
    date(2026, 3, 2): True,  # Mon
}

# The working days after Friday 13 February 2026, in order, read off the table above.
WORKING_AFTER_2026_02_13 = [
    date(2026, 2, 14),
    date(2026, 2, 24),
    date(2026, 2, 25),
    date(2026, 2, 26),
    date(2026, 2, 27),
    date(2026, 2, 28),
    date(2026, 3, 2),
]


# -- the package agrees with the published arrangements ------------------------------------------


@pytest.mark.parametrize(
    "day, working", sorted({**NATIONAL_DAY_2025, **SPRING_FESTIVAL_2026}.items())
)
def test_the_official_calendar_is_the_packages(day, working):
    assert is_working_day(day) is working
    assert chinese_calendar.is_workday(day) is working


def test_the_adjusted_weekend_days_are_weekends():
    for day in (d("09-28"), d("10-11"), date(2026, 2, 14), date(2026, 2, 28)):
        assert day.weekday() >= 5 and is_working_day(day)
    for day in (d("10-01"), d("10-03"), d("10-06"), date(2026, 2, 17)):
        assert day.weekday() < 5 and not is_working_day(day)


# -- adding days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, expected",
    [
        (1, d("09-28")),  # Saturday 27 is off, Sunday 28 is an adjusted working day
        (3, d("09-30")),  # plain Monday–Friday would say 1 October
        (4, d("10-09")),  # 1–8 October skipped
        (5, d("10-10")),
        (6, d("10-11")),  # the adjusted Saturday
        (7, d("10-13")),  # Sunday 12 is an ordinary day off
    ],
)
def test_working_days_across_national_day_2025(days, expected):
    assert add_days(d("09-26"), days, WORK) == expected


@pytest.mark.parametrize(
    "days, expected",
    [(1, d("09-27")), (3, d("09-29")), (10, d("10-06")), (60, d("11-25"))],
)
def test_calendar_days_ignore_holidays(days, expected):
    assert add_days(d("09-26"), days, CAL) == expected


def test_a_case_received_on_a_holiday_starts_counting_after_it():
    assert add_days(d("10-03"), 1, WORK) == d("10-09")
    assert add_days(d("10-03"), 1, CAL) == d("10-04")


@pytest.mark.parametrize("days", range(1, len(WORKING_AFTER_2026_02_13) + 1))
def test_working_days_across_spring_festival_2026(days):
    assert add_days(date(2026, 2, 13), days, WORK) == WORKING_AFTER_2026_02_13[days - 1]


@pytest.mark.parametrize("count", list(DayCount))
def test_zero_days_is_the_start_day_even_on_a_holiday(count):
    assert add_days(d("10-03"), 0, count) == d("10-03")


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_days(d("09-26"), -1, CAL)


def test_an_unknown_count_is_refused():
    with pytest.raises(ValueError):
        add_days(d("09-26"), 1, "fortnightly")
    assert add_days(d("09-26"), 1, "working") == d("09-28")


@pytest.mark.parametrize("start", [d("09-01"), d("09-26"), d("10-01"), date(2026, 1, 20)])
def test_working_due_dates_are_working_days_and_days_left_counts_them_back(start):
    for days in range(1, 61):
        due = add_days(start, days, WORK)
        assert is_working_day(due)
        assert days_left(start, due, WORK) == days
        assert due > add_days(start, days - 1, WORK)


# -- days left -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, due, count, expected",
    [
        (d("09-26"), d("09-26"), CAL, 0),
        (d("09-26"), d("09-27"), CAL, 1),
        (d("10-02"), d("09-30"), CAL, -2),
        (d("09-29"), d("09-30"), WORK, 1),  # due tomorrow
        (d("09-26"), d("09-30"), WORK, 3),  # Sat off, Sun adjusted working day
        (d("09-30"), d("10-09"), WORK, 1),  # the whole holiday in between
        (d("09-30"), d("09-30"), WORK, 0),
        (d("10-10"), d("09-30"), WORK, -2),  # 9 and 10 October have gone by
        (d("10-09"), d("09-30"), WORK, -1),
        (d("10-03"), d("09-30"), WORK, -1),  # only holidays since: still overdue
        (d("10-13"), d("10-10"), WORK, -2),  # Sat 11 counts, Sun 12 does not
    ],
)
def test_days_left(today, due, count, expected):
    assert days_left(today, due, count) == expected


# -- the township's rule -------------------------------------------------------------------------


def test_default_rule_is_sixty_calendar_days():
    rule = DeadlineRule()
    assert rule.days_for(None) == rule.days_for("simple") == rule.days_for("complex") == 60
    assert rule.due_on(d("09-26")) == d("11-25")


def test_simple_and_complex_when_the_township_uses_that_rule():
    rule = DeadlineRule(simple_complex=True)
    assert rule.days_for("simple") == 10
    assert rule.days_for("complex") == 30
    assert rule.days_for(None) == rule.days_for("") == 60  # not assessed yet
    assert rule.due_on(d("09-26"), "simple") == d("10-06")


def test_simple_counted_in_working_days_across_national_day():
    rule = DeadlineRule(count=WORK, simple_complex=True)
    # Working days after Fri 26 Sep: 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15, 16 Oct.
    assert rule.due_on(d("09-26"), "simple") == d("10-16")


def test_never_more_than_the_maximum():
    rule = DeadlineRule(max_days=20, simple_complex=True, complex_days=30)
    assert rule.days_for("complex") == 20
    assert rule.days_for("simple") == 10
    assert DeadlineRule(max_days=5, simple_complex=True).days_for("simple") == 5


def test_a_complexity_enum_from_the_models_is_accepted():
    from enum import StrEnum

    class Complexity(StrEnum):
        SIMPLE = "simple"
        COMPLEX = "complex"

    rule = DeadlineRule(simple_complex=True)
    assert rule.days_for(Complexity.SIMPLE) == 10
    assert rule.days_for(Complexity.COMPLEX) == 30


def test_an_unknown_complexity_is_refused():
    with pytest.raises(ValueError, match="complexity"):
        DeadlineRule(simple_complex=True).days_for("medium")


@pytest.mark.parametrize(
    "field, value",
    [("max_days", -1), ("simple_days", -10), ("due_soon_days", -1), ("complex_days", 1.5)],
)
def test_a_bad_setting_is_refused(field, value):
    with pytest.raises(ValueError, match=field):
        DeadlineRule(**{field: value})


def test_the_count_may_come_from_a_stored_string():
    assert DeadlineRule(count="working").count is DayCount.WORKING
    with pytest.raises(ValueError):
        DeadlineRule(count="lunar")


@pytest.mark.parametrize(
    "today_offset, soon, overdue",
    [
        (-10, False, False),
        (-4, False, False),
        (-3, True, False),
        (0, True, False),
        (1, False, True),
    ],
)
def test_due_soon_boundary_in_calendar_days(today_offset, soon, overdue):
    rule = DeadlineRule(due_soon_days=3)
    due = d("11-25")
    today = due + timedelta(days=today_offset)
    assert rule.is_due_soon(today, due) is soon
    assert rule.is_overdue(today, due) is overdue


def test_due_soon_in_working_days_sees_through_the_holiday():
    rule = DeadlineRule(count=WORK, due_soon_days=3)
    # From Fri 26 Sep: Tue 30 Sep is 3 working days away, Thu 9 Oct is 4.
    assert rule.is_due_soon(d("09-26"), d("09-30"))
    assert not rule.is_due_soon(d("09-26"), d("10-09"))
    # From Tue 30 Sep, 9 October is one working day away despite the eight days off.
    assert rule.is_due_soon(d("09-30"), d("10-09"))


def test_past_due_is_overdue_not_due_soon_even_over_a_holiday():
    rule = DeadlineRule(count=WORK)
    assert rule.is_overdue(d("10-01"), d("09-30"))
    assert not rule.is_due_soon(d("10-01"), d("09-30"))
    assert rule.days_left(d("10-01"), d("09-30")) == -1


# -- Shanghai dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "utc, expected",
    [
        (datetime(2025, 9, 30, 23, 30, tzinfo=UTC), d("10-01")),
        (datetime(2025, 9, 30, 15, 59, tzinfo=UTC), d("09-30")),
        (datetime(2025, 9, 30, 16, 0, tzinfo=UTC), d("10-01")),
        (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), date(2026, 1, 1)),
        (datetime(2025, 9, 30, 10, 0, tzinfo=timezone(timedelta(hours=-8))), d("10-01")),
    ],
)
def test_shanghai_today(utc, expected):
    assert shanghai_today(utc) == expected


def test_shanghai_today_now_and_naive():
    assert abs(shanghai_today() - datetime.now(UTC).date()) <= timedelta(days=1)
    with pytest.raises(ValueError, match="naive"):
        shanghai_today(datetime(2025, 9, 30, 23, 30))


# -- years the package does not cover ------------------------------------------------------------


@pytest.fixture
def package_ends_in_2026(monkeypatch):
    real = chinese_calendar.is_workday

    def is_workday(day):
        if day.year > 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)


def test_an_uncovered_year_is_estimated_as_weekdays(package_ends_in_2026):
    # 4–10 January 2027: Monday to Sunday.
    week = [date(2027, 1, n) for n in range(4, 11)]
    assert [is_working_day(day) for day in week] == [True] * 5 + [False] * 2
    assert is_working_day(date(2027, 10, 1))  # a Friday: the estimate knows no holidays
    assert deadlines.is_estimated(date(2026, 12, 30), date(2027, 1, 4))
    assert not deadlines.is_estimated(date(2026, 12, 1), date(2026, 12, 31))


def test_a_deadline_running_into_an_uncovered_year(package_ends_in_2026):
    # Thu 31 Dec 2026 is a working day; then Fri 1 Jan 2027 (estimate: a weekday), then Mon 4.
    assert add_days(date(2026, 12, 30), 1, WORK) == date(2026, 12, 31)
    assert add_days(date(2026, 12, 30), 3, WORK) == date(2027, 1, 4)
