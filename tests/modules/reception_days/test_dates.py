"""The dates a reception-day rule gives, with China's official calendar (pure functions)."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.modules.reception_days.dates import (
    HolidayShift,
    RuleError,
    parse_month_days,
    plan_year,
    rule_dates,
)

DEFAULT = {"rule": "day_of_month", "day_of_month": 16, "holiday_shift": "next_working_day"}


def test_default_rule_is_the_16th_of_every_month():
    assert rule_dates(DEFAULT, 2025) == [date(2025, m, 16) for m in range(1, 13)]


@pytest.mark.parametrize(
    ("shift", "expected"),
    [
        # 2025-02-16 Sunday; 2025-03-16 Sunday; 2025-08-16 Saturday; 2025-11-16 Sunday.
        ("next_working_day", {2: date(2025, 2, 17), 3: date(2025, 3, 17), 8: date(2025, 8, 18)}),
        (
            "previous_working_day",
            {2: date(2025, 2, 14), 3: date(2025, 3, 14), 8: date(2025, 8, 15)},
        ),
        ("keep", {2: date(2025, 2, 16), 3: date(2025, 3, 16), 8: date(2025, 8, 16)}),
    ],
)
def test_a_rest_day_moves_as_the_setting_says(shift, expected):
    planned = {p.rule_day.month: p for p in plan_year({**DEFAULT, "holiday_shift": shift}, 2025)}
    for month, day in expected.items():
        assert planned[month].day == day
        assert planned[month].moved is (shift != "keep")
    assert planned[6].day == date(2025, 6, 16) and not planned[6].moved  # a Monday


def test_official_holidays_and_adjusted_working_weekends_are_followed():
    # 2025: 1 Oct–8 Oct is the National Day holiday; a rule on 3 October moves to Thursday 9.
    # Sunday 28 September 2025 is an adjusted working day (调休): a rule on it stays.
    settings = {"rule": "date_list", "dates": "10-03, 09-28", "holiday_shift": "next_working_day"}
    assert [(p.rule_day, p.day) for p in plan_year(settings, 2025)] == [
        (date(2025, 9, 28), date(2025, 9, 28)),
        (date(2025, 10, 3), date(2025, 10, 9)),
    ]
    # Spring Festival 2026: 15–23 February; the 16th moves to Tuesday 24 February.
    feb = next(p for p in plan_year(DEFAULT, 2026) if p.rule_day.month == 2)
    assert feb.day == date(2026, 2, 24)


def test_a_move_never_leaves_the_year():
    # 31 December 2028 is a Sunday and 1 January 2029 a holiday: "next" goes back to Friday 29.
    settings = {"rule": "date_list", "dates": "12-31", "holiday_shift": "next_working_day"}
    (planned,) = plan_year(settings, 2028)
    assert planned.day.year == 2028 and planned.day <= date(2028, 12, 31)


def test_two_rule_dates_moving_onto_one_day_become_one_reception_day():
    settings = {
        "rule": "date_list",
        "dates": "08-16, 08-17, 08-18",
        "holiday_shift": "next_working_day",
    }
    assert [p.day for p in plan_year(settings, 2025)] == [date(2025, 8, 18)]


def test_weekday_of_month_third_wednesday_and_last_friday():
    third_wed = {
        "rule": "weekday_of_month",
        "week_of_month": 3,
        "weekday": 3,
        "holiday_shift": "keep",
    }
    days = rule_dates(third_wed, 2025)
    assert len(days) == 12 and all(d.weekday() == 2 and 15 <= d.day <= 21 for d in days)
    last_fri = {"rule": "weekday_of_month", "week_of_month": -1, "weekday": 5}
    assert rule_dates(last_fri, 2025)[0] == date(2025, 1, 31)


def test_a_fifth_weekday_exists_only_in_some_months():
    fifth_mon = {
        "rule": "weekday_of_month",
        "week_of_month": 5,
        "weekday": 1,
        "holiday_shift": "keep",
    }
    assert [d.month for d in rule_dates(fifth_mon, 2025)] == [3, 6, 9, 12]


def test_day_31_skips_short_months():
    assert [d.month for d in rule_dates({"rule": "day_of_month", "day_of_month": 31}, 2025)] == [
        1,
        3,
        5,
        7,
        8,
        10,
        12,
    ]


def test_a_rule_that_gives_no_date_is_an_error():
    with pytest.raises(RuleError):
        plan_year({"rule": "date_list", "dates": ""}, 2025)


@pytest.mark.parametrize("bad", ["13-01", "02-30", "02-29", "1/16", "abc"])
def test_bad_date_list_entries_are_named(bad):
    with pytest.raises(RuleError) as error:
        parse_month_days(f"01-16, {bad}")
    assert bad in str(error.value) and error.value.field == "dates"


def test_date_list_accepts_chinese_separators_and_sorts():
    assert parse_month_days("3-18，01-16、12-16\n01-16") == [(1, 16), (3, 18), (12, 16)]


def test_holiday_shift_values():
    assert {s.value for s in HolidayShift} == {"keep", "next_working_day", "previous_working_day"}
