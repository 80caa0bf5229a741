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
  loads a year (in the load's transaction), with the operator's audit context active:
  `current_loader()` is the operator's `Actor` while the recomputes run (None otherwise).

Inside an app context the calendar is the database's (`work_calendar_days`, `_years`), cached
in memory per year and per (county, year) (`lookup.py`): `add_days` asks day by day. Outside an
app context (pure unit tests) it is the `chinesecalendar` package, estimated past its last year.
Writing goes through `service.py` (the operator's page, `lianxin calendar load`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import TYPE_CHECKING

import chinese_calendar
from flask import has_app_context

if TYPE_CHECKING:
    from lianxin.auth.actor import Actor

Recompute = Callable[[int], int]

_recomputes: dict[str, Recompute] = {}
_loader: ContextVar[Actor | None] = ContextVar("lianxin_calendar_loader", default=None)


def register_recompute(name: str, fn: Recompute) -> None:
    _recomputes[name] = fn


def recomputes() -> dict[str, Recompute]:
    return dict(_recomputes)


def current_loader() -> Actor | None:
    """The operator whose load of a year is running the recomputes (for their audit entries)."""
    return _loader.get()


@contextmanager
def loading_as(actor: Actor) -> Iterator[None]:
    token = _loader.set(actor)
    try:
        yield
    finally:
        _loader.reset(token)


def _package_official(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _package_working(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def is_official(year: int) -> bool:
    if not has_app_context():
        return _package_official(year)
    from lianxin.work_calendar import lookup

    return lookup.is_official(year)


def span_official(start: date, end: date) -> bool:
    first, last = sorted((start.year, end.year))
    return all(is_official(year) for year in range(first, last + 1))


def is_working_day(day: date, county_id: int | None = None) -> bool:
    if not has_app_context():
        return _package_working(day)
    from lianxin.work_calendar import lookup

    return lookup.is_working_day(day, county_id)
