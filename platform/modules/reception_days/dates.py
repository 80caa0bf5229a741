"""The dates a reception-day rule gives in a year. Pure functions: no database, no Flask.

A rule is one of three kinds (DOMAIN.md §2: by default the 16th of every month):

- `day_of_month`: the same day every month; a month without that day (the 31st in April) has
  no reception day that month;
- `weekday_of_month`: e.g. the third Wednesday, or the last Friday (`week` -1);
- `date_list`: month-day pairs ("01-16, 03-18"), the same every year.

A date that is not a working day in China's official calendar (a public holiday or a weekend
that is not an adjusted working day) stays, or moves to the next or the previous working day,
as the township's `holiday_shift` setting says. A move never leaves the year: a move that would
is made the other way. Two rule dates that move onto the same day become one reception day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _

from lianxin.casework.deadlines import is_working_day


class RuleKind(StrEnum):
    DAY_OF_MONTH = "day_of_month"
    WEEKDAY_OF_MONTH = "weekday_of_month"
    DATE_LIST = "date_list"


class HolidayShift(StrEnum):
    KEEP = "keep"
    NEXT = "next_working_day"
    PREVIOUS = "previous_working_day"


class RuleError(ValueError):
    """The rule cannot give any date (or is malformed); `field` names the setting at fault."""

    def __init__(self, message: str, field: str = "rule") -> None:
        super().__init__(message)
        self.field = field


_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def parse_month_days(text: str) -> list[tuple[int, int]]:
    """ "01-16, 3-18\\n12-16" → [(1, 16), (3, 18), (12, 16)]; raises RuleError on a bad entry.

    February 29 is refused: it exists one year in four, and a yearly list should not silently
    lose a date three years out of four.
    """
    out: list[tuple[int, int]] = []
    for raw in re.split(r"[\s,，、;；]+", text.strip()):
        if not raw:
            continue
        match = _MONTH_DAY.match(raw)
        if not match:
            raise RuleError(_("“%(v)s”不是“月-日”格式（如 01-16）", v=raw), "dates")
        month, day = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2023, month)[1]:
            raise RuleError(_("“%(v)s”不是有效日期", v=raw), "dates")
        if (month, day) not in out:
            out.append((month, day))
    return sorted(out)


@dataclass(frozen=True)
class PlannedDay:
    day: date  # the reception day after any holiday move
    rule_day: date  # the date the rule gave

    @property
    def moved(self) -> bool:
        return self.day != self.rule_day


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date | None:
    """The `week`-th (1–5, or -1 for the last) `weekday` (0 Monday … 6 Sunday) of the month."""
    days = calendar.monthrange(year, month)[1]
    matches = [
        date(year, month, d)
        for d in range(1, days + 1)
        if date(year, month, d).weekday() == weekday
    ]
    if week == -1:
        return matches[-1]
    return matches[week - 1] if week <= len(matches) else None


def rule_dates(settings: dict[str, Any], year: int) -> list[date]:
    """The dates the rule gives in `year`, before any holiday move."""
    kind = settings.get("rule", RuleKind.DAY_OF_MONTH)
    out: list[date] = []
    if kind == RuleKind.DAY_OF_MONTH:
        day = int(settings.get("day_of_month", 16))
        for month in range(1, 13):
            if day <= calendar.monthrange(year, month)[1]:
                out.append(date(year, month, day))
    elif kind == RuleKind.WEEKDAY_OF_MONTH:
        week, weekday = int(settings.get("week_of_month", 3)), int(settings.get("weekday", 1)) - 1
        for month in range(1, 13):
            found = _nth_weekday(year, month, week, weekday)
            if found is not None:
                out.append(found)
    elif kind == RuleKind.DATE_LIST:
        out = [date(year, m, d) for m, d in parse_month_days(str(settings.get("dates") or ""))]
    else:
        raise RuleError(_("未知的接待日规则：%(v)s", v=kind))
    return out


def _shift(day: date, shift: HolidayShift) -> date:
    if shift is HolidayShift.KEEP or is_working_day(day):
        return day
    step = timedelta(days=1 if shift is HolidayShift.NEXT else -1)
    moved = day
    while not is_working_day(moved):
        moved += step
    if moved.year != day.year:  # never leave the year: go the other way instead
        moved = day
        while not is_working_day(moved):
            moved -= step
    return moved


def plan_year(settings: dict[str, Any], year: int) -> list[PlannedDay]:
    """The reception days of `year` under the township's settings; RuleError if there are none."""
    shift = HolidayShift(settings.get("holiday_shift", HolidayShift.NEXT))
    planned: dict[date, PlannedDay] = {}
    for rule_day in rule_dates(settings, year):
        day = _shift(rule_day, shift)
        planned.setdefault(day, PlannedDay(day, rule_day))
    if not planned:
        raise RuleError(_("按当前规则，这一年没有任何接待日；请检查接待日规则设置"))
    return [planned[d] for d in sorted(planned)]
