"""Reply deadlines: calendar or working days, China's official calendar, Shanghai dates.

Pure functions: no database, no Flask. A township's setting becomes a `DeadlineRule`; the
case service asks it for a due date and whether a case is due soon or overdue.

Working days follow China's official calendar (ARCHITECTURE.md invariant 9) as the platform
keeps it in `lianxin.work_calendar`: the public holidays and the adjusted weekend working days
(调休), e.g. Sunday 28 September and Saturday 11 October 2025 are working days around the
National Day holiday of 1–8 October, with a county's local holidays on top. For a year whose
official calendar is not loaded yet, working days are estimated as Monday to Friday, and a
deadline over such a year says so (`is_estimated`) until the operator loads the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from lianxin import work_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

SIMPLE = "simple"
COMPLEX = "complex"


class DayCount(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


def is_working_day(day: date, county_id: int | None = None) -> bool:
    """Whether people work on `day` in mainland China (holidays off, 调休 weekends on), with the
    county's local holidays on top when `county_id` is given (lianxin.work_calendar)."""
    return work_calendar.is_working_day(day, county_id)


def calendar_known(year: int) -> bool:
    """Whether the official holidays of `year` are known (loaded by the operator or seeded)."""
    return work_calendar.is_official(year)


def is_estimated(start: date, due: date) -> bool:
    """Whether a working-day deadline from `start` to `due` crosses a year whose official
    calendar is not known yet, so that its due date is an estimate (Monday to Friday)."""
    return not work_calendar.span_official(start, due)


def add_days(start: date, days: int, count: DayCount | str, county_id: int | None = None) -> date:
    """The due date `days` days after `start`; `start` itself is not counted.

    Calendar: `start + days`. Working: the `days`-th working day after `start`, so the result
    is always a working day (unless `days` is 0, which returns `start`).
    """
    count = DayCount(count)
    if days < 0:
        raise ValueError(f"a deadline cannot be {days} days: it must be 0 or more")
    if count is DayCount.CALENDAR or days == 0:
        return start + timedelta(days=days)
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, county_id):
            remaining -= 1
    return day


def _working_days_between(after: date, up_to: date, county_id: int | None = None) -> int:
    """Working days `d` with `after < d <= up_to`."""
    total = 0
    day = after + timedelta(days=1)
    while day <= up_to:
        if is_working_day(day, county_id):
            total += 1
        day += timedelta(days=1)
    return total


def days_left(today: date, due: date, count: DayCount | str, county_id: int | None = None) -> int:
    """Days from `today` to `due`: 0 on the due date, negative once it has passed.

    Calendar: the plain difference. Working: the working days after `today` up to and including
    `due` (due tomorrow, a working day, is 1), so `days_left(s, add_days(s, n, WORKING), WORKING)`
    is `n`. Past the due date it is minus the working days after `due` up to and including
    `today`, and never more than -1: a case past its due date is overdue even if only a weekend
    or a holiday has gone by since.
    """
    count = DayCount(count)
    if count is DayCount.CALENDAR:
        return (due - today).days
    if today <= due:
        return _working_days_between(today, due, county_id)
    return -max(1, _working_days_between(due, today, county_id))


@dataclass(frozen=True)
class Deadline:
    """A computed due date and what it was computed from (stored on the case, to recompute it
    exactly once an estimated year becomes official)."""

    received: date
    days: int
    count: DayCount
    due_on: date
    # Working days counted over a year whose official calendar is not known yet.
    estimated: bool


@dataclass(frozen=True)
class DeadlineRule:
    """A township's reply deadline setting (DOMAIN.md §2: 60 days at most; [002]: 10 / 30).

    `simple_complex` switches on the simple/complex rule; every deadline is capped at
    `max_days` counted as `count` says. On top of that, no due date and no extension goes past
    `max_calendar_days` *calendar* days from the day the case was received: the seed's
    "最长不超过六十天" is calendar days, whatever the township counts its ordinary limits in.
    `due_soon_days` is counted the same way as the deadline (`count`).
    """

    count: DayCount = DayCount.CALENDAR
    max_days: int = 60
    simple_complex: bool = False
    simple_days: int = 10
    complex_days: int = 30
    due_soon_days: int = 3
    county_id: int | None = None
    max_calendar_days: int = 60

    def __post_init__(self) -> None:
        object.__setattr__(self, "count", DayCount(self.count))
        for name in (
            "max_days",
            "simple_days",
            "complex_days",
            "due_soon_days",
            "max_calendar_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of days, 0 or more: {value!r}")

    def days_for(self, complexity: str | None) -> int:
        """How many days a case of this complexity gets: simple/complex under that rule,
        `max_days` otherwise, and never more than `max_days`.

        `complexity` is None, "" (not assessed), "simple" or "complex"; anything else is refused
        so that a typo cannot silently give a case the longest deadline.
        """
        if complexity not in (None, "", SIMPLE, COMPLEX):
            raise ValueError(f"unknown case complexity: {complexity!r}")
        days = self.max_days
        if self.simple_complex and complexity == SIMPLE:
            days = self.simple_days
        elif self.simple_complex and complexity == COMPLEX:
            days = self.complex_days
        return min(days, self.max_days)

    def latest_on(self, received: date) -> date:
        """The last due date any case received on `received` may have, extensions included."""
        return received + timedelta(days=self.max_calendar_days)

    def deadline(
        self, received: date, complexity: str | None = None, *, days: int | None = None
    ) -> Deadline:
        """The due date of a case received on `received` (its Shanghai date), never later than
        `latest_on(received)`, and whether it is an estimate. `days` replays a stored count."""
        days = self.days_for(complexity) if days is None else days
        counted = add_days(received, days, self.count, self.county_id)
        due = min(counted, self.latest_on(received))
        estimated = self.count is DayCount.WORKING and is_estimated(received, due)
        return Deadline(received, days, self.count, due, estimated)

    def due_on(self, received: date, complexity: str | None = None) -> date:
        return self.deadline(received, complexity).due_on

    def days_left(self, today: date, due: date) -> int:
        return days_left(today, due, self.count, self.county_id)

    def is_overdue(self, today: date, due: date) -> bool:
        return today > due

    def is_due_soon(self, today: date, due: date) -> bool:
        """Not yet overdue and at most `due_soon_days` days left (the due date itself included)."""
        return not self.is_overdue(today, due) and 0 <= self.days_left(today, due) <= (
            self.due_soon_days
        )


def a_year_before(day: date) -> date:
    """The same calendar day a year earlier (28 February for 29 February): the oldest date a
    paper form keyed in on `day` may carry."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def shanghai_today(now: datetime | None = None) -> date:
    """The date in Asia/Shanghai at `now` (an aware datetime; the current time by default)."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("naive datetime given; pass a timezone-aware (UTC) datetime")
    return now.astimezone(SHANGHAI).date()
