"""The in-memory calendar: one dict per year (national) and per (county, year).

`add_days` asks day by day, so a lookup is a dict read. The cache belongs to the app (one per
database), is dropped in-process by every write (`invalidate`), and across processes when the
revision row has moved: read at most once per request or app context (`g`), cleared by
`views.bp`'s before-request hook.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, g
from sqlalchemy import select

from lianxin.db import db
from lianxin.work_calendar.models import WorkCalendarDay, WorkCalendarRevision, WorkCalendarYear

EXTENSION = "lianxin.work_calendar"
CHECKED = "lianxin_calendar_checked"


@dataclass
class Calendar:
    revision: int | None = None
    national: dict[int, dict[date, bool]] = field(default_factory=dict)
    official: dict[int, bool] = field(default_factory=dict)
    county: dict[tuple[int, int], dict[date, bool]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.revision = None
            self.national = {}
            self.official = {}
            self.county = {}


def _cache() -> Calendar:
    cache: Calendar | None = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, Calendar())
    return cache


def read_revision() -> int:
    return int(db.session.scalar(select(WorkCalendarRevision.revision)) or 0)


def _fresh() -> Calendar:
    cache = _cache()
    if not g.get(CHECKED):
        g.setdefault(CHECKED, True)
        revision = read_revision()
        if revision != cache.revision:
            cache.clear()
            cache.revision = revision
    return cache


def invalidate() -> None:
    """Drop this process's cache (after a write, a commit or a rollback)."""
    if EXTENSION in current_app.extensions:
        _cache().clear()
    g.pop(CHECKED, None)


def _days(year: int, county_id: int | None) -> dict[date, bool]:
    query = select(WorkCalendarDay.day, WorkCalendarDay.working).where(
        WorkCalendarDay.day >= date(year, 1, 1), WorkCalendarDay.day <= date(year, 12, 31)
    )
    query = query.where(
        WorkCalendarDay.county_id.is_(None)
        if county_id is None
        else WorkCalendarDay.county_id == county_id
    )
    return {row.day: bool(row.working) for row in db.session.execute(query)}


def _national(cache: Calendar, year: int) -> dict[date, bool]:
    found = cache.national.get(year)
    if found is None:
        found = _days(year, None)
        cache.national[year] = found
    return found


def is_official(year: int) -> bool:
    cache = _fresh()
    found = cache.official.get(year)
    if found is None:
        found = db.session.get(WorkCalendarYear, year) is not None
        cache.official[year] = found
    return found


def is_working_day(day: date, county_id: int | None = None) -> bool:
    cache = _fresh()
    if county_id is not None:
        local = cache.county.get((county_id, day.year))
        if local is None:
            local = _days(day.year, county_id)
            cache.county[(county_id, day.year)] = local
        if day in local:
            return local[day]
    national = _national(cache, day.year)
    if day in national:
        return national[day]
    return day.weekday() < 5
