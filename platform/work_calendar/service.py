"""Use cases of the working calendar: the operator loads a year, a county keeps its local
holidays, everyone reads which years are official. Each write is one transaction, audited,
and drops the in-memory calendar (lookup.invalidate) whatever its outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from lianxin import work_calendar
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor, Grant
from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.tenants.models import County
from lianxin.usecases import use_case
from lianxin.work_calendar import fileformat, lookup
from lianxin.work_calendar.models import (
    CalendarSource,
    WorkCalendarDay,
    WorkCalendarRevision,
    WorkCalendarYear,
)

# Who loads from the command line: whoever runs `lianxin calendar` on the server operates it.
COMMAND_LINE = Actor(
    user_id=None, name="命令行 lianxin calendar", grants=(Grant(0, Role.PLATFORM_ADMIN),)
)
WARN_FROM_MONTH = 11  # from November, next year's missing calendar is a warning


class CalendarFileInvalid(ValidationFailed):
    code = "calendar_file_invalid"


@dataclass(frozen=True)
class ParsedCalendar:
    years: tuple[int, ...]
    days: tuple[fileformat.FileRow, ...]  # only the days that differ from Monday–Friday
    ignored: tuple[str, ...]  # rows that change nothing, each said in words
    ignored_days: tuple[date, ...]


@dataclass(frozen=True)
class LoadResult:
    years: tuple[int, ...]
    off_days: int
    working_days: int
    ignored: tuple[str, ...]
    recomputed: dict[int, dict[str, int]]


@dataclass(frozen=True)
class YearStatus:
    year: int
    official: bool
    source: str | None
    loaded_at: datetime | None
    loaded_by: str | None
    off_days: int
    working_days: int


def _ignored(row: fileformat.FileRow) -> str | None:
    weekend = row.day.weekday() >= 5
    if row.working and not weekend:
        return _(
            "第 %(n)d 行：%(d)s 是工作日，标为“上班”不改变什么，已忽略。",
            n=row.line,
            d=row.day.isoformat(),
        )
    if not row.working and weekend:
        return _("第 %(n)d 行：%(d)s 是周末，本就休息，已忽略。", n=row.line, d=row.day.isoformat())
    return None


def parse_calendar(text: str, filename: str | None = None) -> ParsedCalendar:
    """The file's years and differing days; raises CalendarFileInvalid listing every problem."""
    rows, errors = fileformat.read_rows(text, filename)
    if errors:
        raise CalendarFileInvalid(
            _("文件有误，未保存任何内容：%(first)s", first=errors[0]), errors={"file": errors}
        )
    ignored, ignored_days, days = [], [], []
    for row in rows:
        note = _ignored(row)
        if note is None:
            days.append(row)
        else:
            ignored.append(note)
            ignored_days.append(row.day)
    years = tuple(sorted({row.day.year for row in rows}))
    return ParsedCalendar(
        years, tuple(sorted(days, key=lambda r: r.day)), tuple(ignored), tuple(ignored_days)
    )


@contextmanager
def _calendar_write() -> Iterator[None]:
    """A write that moves the revision, in the use case's transaction (which commits or rolls
    back right after it); the cache is dropped either way."""
    try:
        yield
        db.session.execute(
            update(WorkCalendarRevision).values(revision=WorkCalendarRevision.revision + 1)
        )
    finally:
        lookup.invalidate()


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _national_rows(year: int) -> list[WorkCalendarDay]:
    first, last = _year_bounds(year)
    return list(
        db.session.scalars(
            select(WorkCalendarDay).where(
                WorkCalendarDay.county_id.is_(None),
                WorkCalendarDay.day >= first,
                WorkCalendarDay.day <= last,
            )
        )
    )


def require_operator(actor: Actor) -> None:
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied(_("只有平台管理员可以载入全国工作日历。"))


@use_case
def load_calendar(actor: Actor, text: str, *, filename: str | None = None) -> LoadResult:
    """Make the file's year(s) official: their national days replaced by the file's (county
    rows untouched), every registered recompute run with each year, all in one transaction."""
    require_operator(actor)
    parsed = parse_calendar(text, filename)
    recomputed: dict[int, dict[str, int]] = {}
    with _calendar_write():
        now = utcnow()
        previous = {}
        for year in parsed.years:
            old = db.session.get(WorkCalendarYear, year)
            previous[year] = {
                "official": old is not None,
                "source": old.source if old else None,
                "days": len(_national_rows(year)),
            }
            first, last = _year_bounds(year)
            db.session.execute(
                delete(WorkCalendarDay).where(
                    WorkCalendarDay.county_id.is_(None),
                    WorkCalendarDay.day >= first,
                    WorkCalendarDay.day <= last,
                )
            )
            if old is None:
                old = WorkCalendarYear(year=year)
                db.session.add(old)
            old.source = CalendarSource.STATE_COUNCIL.value
            old.loaded_by_id = actor.user_id
            old.loaded_at = now
        for row in parsed.days:
            db.session.add(
                WorkCalendarDay(
                    day=row.day,
                    county_id=None,
                    working=row.working,
                    name=row.name,
                    source=CalendarSource.STATE_COUNCIL.value,
                    changed_by_id=actor.user_id,
                    changed_at=now,
                )
            )
        db.session.flush()
        # The recomputes read the new calendar through the cache: drop what it holds now.
        lookup.invalidate()
        with work_calendar.loading_as(actor):
            for year in parsed.years:
                recomputed[year] = {
                    name: int(fn(year)) for name, fn in work_calendar.recomputes().items()
                }
        for year in parsed.years:
            days = [r for r in parsed.days if r.day.year == year]
            audit.record(
                "work_calendar.loaded",
                actor=actor,
                target_type="work_calendar_year",
                target_id=year,
                before=previous[year],
                after={
                    "source": CalendarSource.STATE_COUNCIL.value,
                    "file": filename,
                    "off_days": sum(not r.working for r in days),
                    "working_days": sum(r.working for r in days),
                    "ignored_rows": sum(d.year == year for d in parsed.ignored_days),
                    "recomputed": recomputed[year],
                },
            )
    return LoadResult(
        years=parsed.years,
        off_days=sum(not r.working for r in parsed.days),
        working_days=sum(r.working for r in parsed.days),
        ignored=parsed.ignored,
        recomputed=recomputed,
    )


def year_statuses(today: date | None = None) -> list[YearStatus]:
    """Every year from the first official one to next year (or the last official one), newest
    first: official or estimated, where from, and how many days differ from Monday–Friday."""
    from lianxin.casework import deadlines

    today = today or deadlines.shanghai_today()
    years = {y.year: y for y in db.session.scalars(select(WorkCalendarYear))}
    loaders = {y.loaded_by_id for y in years.values() if y.loaded_by_id}
    names = {
        row.id: row.display_name
        for row in db.session.execute(
            select(User.id, User.display_name).where(User.id.in_(loaders))
        )
    }
    counts: dict[int, list[int]] = {}
    for day, working in db.session.execute(
        select(WorkCalendarDay.day, WorkCalendarDay.working).where(
            WorkCalendarDay.county_id.is_(None)
        )
    ):
        counts.setdefault(day.year, [0, 0])[1 if working else 0] += 1
    first = min(years, default=today.year)
    last = max(max(years, default=today.year), today.year + 1)
    statuses = []
    for year in range(last, first - 1, -1):
        row = years.get(year)
        off, working = counts.get(year, [0, 0])
        statuses.append(
            YearStatus(
                year=year,
                official=row is not None,
                source=row.source if row else None,
                loaded_at=row.loaded_at if row else None,
                loaded_by=names.get(row.loaded_by_id) if row and row.loaded_by_id else None,
                off_days=off,
                working_days=working,
            )
        )
    return statuses


def missing_next_year(today: date | None = None) -> int | None:
    """Next year, from November on (Asia/Shanghai), while its official calendar is missing."""
    from lianxin.casework import deadlines

    today = today or deadlines.shanghai_today()
    if today.month < WARN_FROM_MONTH:
        return None
    upcoming = today.year + 1
    return None if work_calendar.is_official(upcoming) else upcoming


def is_warned(actor: Actor) -> bool:
    """Who is told that next year is missing: the operator and county admins."""
    return actor.is_platform_admin or any(g.role is Role.COUNTY_ADMIN for g in actor.grants)


# --- a county's local holidays ------------------------------------------------------------------


def _require_county_admin(actor: Actor, county: County) -> None:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied(_("只有县级管理员可以设置本县的地方假日。"))


def _as_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if fileformat.ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationFailed(
        _("日期“%(d)s”无效，应写作 YYYY-MM-DD。", d=text), errors={"day": [_("日期无效")]}
    )


def _local_row(county: County, day: date) -> WorkCalendarDay | None:
    return db.session.scalars(
        select(WorkCalendarDay).where(
            WorkCalendarDay.county_id == county.id, WorkCalendarDay.day == day
        )
    ).first()


def local_holidays(actor: Actor, county: County, year: int) -> list[WorkCalendarDay]:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    first, last = _year_bounds(year)
    return list(
        db.session.scalars(
            select(WorkCalendarDay)
            .where(
                WorkCalendarDay.county_id == county.id,
                WorkCalendarDay.day >= first,
                WorkCalendarDay.day <= last,
            )
            .order_by(WorkCalendarDay.day)
        )
    )


@use_case
def add_local_holiday(actor: Actor, county: County, day: date | str, name: str) -> WorkCalendarDay:
    """A weekday the county's offices close (e.g. an anniversary holiday of a minority
    autonomous county); only a day that is a working day nationally changes anything."""
    _require_county_admin(actor, county)
    day = _as_date(day)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写假日名称。"), errors={"name": [_("必填")]})
    if len(name) > fileformat.NAME_MAX:
        raise ValidationFailed(
            _("假日名称不能超过 %(n)d 个字。", n=fileformat.NAME_MAX), errors={"name": [_("过长")]}
        )
    if not fileformat.FIRST_YEAR <= day.year <= fileformat.LAST_YEAR:
        raise ValidationFailed(_("年份超出范围。"), errors={"day": [_("年份超出范围")]})
    if _local_row(county, day) is not None:
        raise ValidationFailed(
            _("%(d)s 已是本县的地方假日。", d=day.isoformat()), errors={"day": [_("重复")]}
        )
    if not work_calendar.is_working_day(day):
        message = (
            _("%(d)s 是周末，本就休息，无需设为地方假日。", d=day.isoformat())
            if day.weekday() >= 5
            else _("%(d)s 已是全国法定节假日，无需设为地方假日。", d=day.isoformat())
        )
        raise ValidationFailed(message, errors={"day": [message]})
    with _calendar_write():
        row = WorkCalendarDay(
            day=day,
            county_id=county.id,
            working=False,
            name=name,
            source=CalendarSource.COUNTY.value,
            changed_by_id=actor.user_id,
            changed_at=utcnow(),
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            "work_calendar.local_holiday_added",
            actor=actor,
            county_id=county.id,
            target_type="work_calendar_day",
            target_id=day.isoformat(),
            after={"day": day.isoformat(), "name": name, "working": False},
        )
    return row


@use_case
def remove_local_holiday(actor: Actor, county: County, day: date | str) -> None:
    _require_county_admin(actor, county)
    day = _as_date(day)
    with _calendar_write():
        row = _local_row(county, day)
        if row is None:
            raise ValidationFailed(
                _("%(d)s 不是本县的地方假日。", d=day.isoformat()), errors={"day": [_("不存在")]}
            )
        audit.record(
            "work_calendar.local_holiday_removed",
            actor=actor,
            county_id=county.id,
            target_type="work_calendar_day",
            target_id=day.isoformat(),
            before={"day": day.isoformat(), "name": row.name, "working": row.working},
        )
        db.session.delete(row)
