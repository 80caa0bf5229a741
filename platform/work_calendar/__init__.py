"""China's working calendar as the platform keeps it (issue 19).

CONTRACT (other parts code against these names; the implementation behind them may change):

- `is_working_day(day, county_id=None) -> bool`: whether people work on `day` in mainland China
  (public holidays off, adjusted weekend working days 调休 on), with the county's local
  holidays on top when `county_id` is given.
- `is_official(year) -> bool`: whether the national calendar of `year` is official (loaded from
  the State Council's notice, or seeded from the `chinesecalendar` package) rather than an
  estimate (Monday to Friday).
- `span_official(start, end) -> bool`: every year from `start.year` to `end.year` is official;
  a deadline computed over a span that is not is *estimated* and is recomputed when the year is
  loaded.
- `register_recompute(name, fn)`: `fn(year: int) -> int` recomputes the open deadlines that were
  estimated and fall in `year`, returning how many changed due dates; called after an operator
  loads a year (in the load's transaction), with the operator's audit context active.

This first version only reads the `chinesecalendar` package; the database-backed calendar
replaces the bodies, not the names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import chinese_calendar

Recompute = Callable[[int], int]

_recomputes: dict[str, Recompute] = {}


def register_recompute(name: str, fn: Recompute) -> None:
    _recomputes[name] = fn


def recomputes() -> dict[str, Recompute]:
    return dict(_recomputes)


def is_official(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def span_official(start: date, end: date) -> bool:
    first, last = sorted((start.year, end.year))
    return all(is_official(year) for year in range(first, last + 1))


def is_working_day(day: date, county_id: int | None = None) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5
