"""The duty roster: shifts put on, swapped and published, each at least N working days before
its day ("提前三个工作日公布"), counted on the township's county calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.db import db, utcnow
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.workstations.errors import (
    CONFIRM_ESTIMATED,
    CalendarEstimated,
    RosterRuleBroken,
)
from lianxin.modules.workstations.inputs import RosterPublishInput, ShiftInput
from lianxin.modules.workstations.models import Shift, Station
from lianxin.modules.workstations.stages.stations import (
    _read,
    _write,
    find_representative,
    get_station,
    settings,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- the lead time --------------------------------------------------------------------------------


def lead_days(township_id: int) -> int:
    return int(settings(township_id)["roster_lead_working_days"])


def earliest_publishable(township_id: int, today: date | None = None) -> date:
    """The first duty date a roster may still be published for today.

    "提前三个工作日公布" counts the working days strictly before the duty day, today included:
    a Saturday duty has Friday, Thursday and Wednesday, so it is published by Wednesday. The
    earliest date is therefore the day after the N-th working day from today (today itself
    when N is 0), in the township's county calendar.
    """
    today = kit.today(today)
    needed = lead_days(township_id)
    township = db.session.get(Township, township_id)
    county_id = township.county_id if township is not None else None
    day = today
    while needed:
        if deadlines.is_working_day(day, county_id):
            needed -= 1
        day += timedelta(days=1)
    return day


def inside_lead_time(township: Township, shift: Shift, today: date | None = None) -> bool:
    return shift.day < earliest_publishable(township.id, today)


# --- shifts ---------------------------------------------------------------------------------------


def _qualified_on(rep: Representative, day: date) -> bool:
    return bool(rep.in_office)


def _check_shift(
    township: Township,
    rep: Representative,
    day: date,
    starts_at: time,
    ends_at: time,
    except_id: int | None = None,
) -> None:
    if not _qualified_on(rep, day):
        raise RosterRuleBroken(_("%(n)s 的代表资格已终止，不能排班", n=rep.name))
    if starts_at >= ends_at:
        raise ValidationFailed(errors={"ends_at": [_("结束时间须晚于开始时间")]})
    query = select(Shift).where(
        Shift.representative_id == rep.id,
        Shift.day == day,
        Shift.starts_at < ends_at,
        Shift.ends_at > starts_at,
    )
    if except_id is not None:
        query = query.where(Shift.id != except_id)
    clash = db.session.scalar(query)
    if clash is not None:
        other = db.session.get(Station, (township.id, clash.station_id))
        raise RosterRuleBroken(
            _(
                "%(n)s 在 %(d)s %(s)s–%(e)s 已在%(st)s值班，时间重叠",
                n=rep.name,
                d=day.isoformat(),
                s=clash.starts_at.strftime("%H:%M"),
                e=clash.ends_at.strftime("%H:%M"),
                st=other.name if other else "",
            )
        )


def _check_lead(township: Township, day: date, today: date | None = None) -> None:
    first = earliest_publishable(township.id, today)
    if day < first:
        raise RosterRuleBroken(
            _(
                "值班表须在值班日之前至少 %(n)d 个工作日公布：%(d)s 的值班已来不及，"
                "今天只能公布 %(f)s 及以后的值班",
                n=lead_days(township.id),
                d=day.isoformat(),
                f=first.isoformat(),
            )
        )


def list_shifts(
    actor: Actor, township: Township, station_id: int, *, published_only: bool = False
) -> list[Shift]:
    station = get_station(actor, township, station_id)
    return station_shifts(station, published_only=published_only)


def page_shifts(
    actor: Actor, township: Township, station_id: int, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Shift], int]:
    """(one page of the station's roster, how many shifts it has)."""
    station = get_station(actor, township, station_id)
    return paged(_shifts_query(station), *SHIFT_ORDER, offset=offset, limit=limit)


SHIFT_ORDER = (Shift.day, Shift.starts_at, Shift.id)


def _shifts_query(
    station: Station, *, published_only: bool = False, since: date | None = None
) -> Select[tuple[Shift]]:
    query = select(Shift).where(Shift.station_id == station.id)
    if published_only:
        query = query.where(Shift.published.is_(True))
    if since is not None:
        query = query.where(Shift.day >= since)
    return query


def station_shifts(
    station: Station, *, published_only: bool = False, since: date | None = None
) -> list[Shift]:
    query = _shifts_query(station, published_only=published_only, since=since)
    return list(db.session.scalars(query.order_by(*SHIFT_ORDER)))


def _as_time(value: str, name: str) -> time:
    """A shift's "HH:MM", read once the station and the representative are found (so that a
    foreign id in the API body is a 404 whatever its times: inputs.ShiftInputSchema)."""
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(errors={name: [_("时间格式不正确（如 09:00）")]}) from None


@use_case
def add_shift(actor: Actor, township: Township, station_id: int, data: ShiftInput) -> Shift:
    station = get_station(actor, township, station_id)
    _write(actor, township)
    rep = find_representative(township, data.representative_id)
    day = data.day
    starts_at = _as_time(data.starts_at, "starts_at")
    ends_at = _as_time(data.ends_at, "ends_at")
    if day < kit.today():
        raise ValidationFailed(errors={"day": [_("不能为过去的日期排班")]})
    _check_shift(township, rep, day, starts_at, ends_at)
    shift = Shift(
        station_id=station.id,
        representative_id=rep.id,
        day=day,
        starts_at=starts_at,
        ends_at=ends_at,
        published=False,
    )
    db.session.add(shift)
    db.session.flush()
    audit.record(
        "workstation.shift_add",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_shift",
        target_id=shift.id,
        after={"rep": rep.id, "day": day.isoformat()},
    )
    return shift


def get_shift(actor: Actor, township: Township, shift_id: int) -> Shift:
    _read(actor, township)
    shift = db.session.get(Shift, (township.id, int(shift_id)))
    if shift is None:
        raise NotFound(_("未找到该班次"))
    return shift


@use_case
def swap_shift(
    actor: Actor, township: Township, shift_id: int, rep_id: int, *, reason: str | None = None
) -> Shift:
    """Put another representative on a shift. The rules still hold: qualification and no
    overlap. A published shift changes freely while it is at least N working days ahead; inside
    the lead time (the representative falls ill) only as a substitution with a recorded reason
    (`reason`, as inputs.SwapInputSchema loads it), which the public roster shows. Choosing
    the representative already on the shift changes nothing, reason or not."""
    shift = get_shift(actor, township, shift_id)
    _write(actor, township)
    rep = find_representative(township, rep_id)
    if rep.id == shift.representative_id:
        return shift  # the person already on it (a stray tap on 换班): nothing changes
    substitution = shift.published and inside_lead_time(township, shift)
    if substitution and reason is None:
        raise RosterRuleBroken(
            _(
                "%(d)s 的值班表已公布，且距值班已不足 %(n)d 个工作日：只能安排替补，请填写原因",
                d=shift.day.isoformat(),
                n=lead_days(township.id),
            ),
            errors={"reason": [_("请填写替补原因（如代表生病）")]},
        )
    _check_shift(township, rep, shift.day, shift.starts_at, shift.ends_at, except_id=shift.id)
    before = shift.representative_id
    shift.representative_id = rep.id
    shift.swap_reason = reason
    shift.replaced_representative_id = before if reason is not None and before != rep.id else None
    after: dict[str, Any] = {"rep": rep.id}
    if reason is not None:
        after["reason"] = reason
    audit.record(
        "workstation.shift_substitute" if substitution else "workstation.shift_swap",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_shift",
        target_id=shift.id,
        before={"rep": before},
        after=after,
    )
    return shift


@use_case
def delete_shift(actor: Actor, township: Township, shift_id: int) -> None:
    shift = get_shift(actor, township, shift_id)
    _write(actor, township)
    if shift.published:
        _check_lead(township, shift.day)
    db.session.delete(shift)


@use_case
def publish_shift(
    actor: Actor, township: Township, shift_id: int, *, confirm_estimated_calendar: bool = False
) -> Shift:
    shift = get_shift(actor, township, shift_id)
    _write(actor, township)
    if not shift.published:
        estimated = _publish([shift], township, confirm_estimated_calendar)
        audit.record(
            "workstation.shift_publish",
            actor=actor,
            tenant_id=township.id,
            target_type="workstation_shift",
            target_id=shift.id,
            after={"calendar_estimated": True} if estimated else None,
        )
    return shift


def estimated_years(shifts: Iterable[Shift], today: date | None = None) -> list[int]:
    """The years whose official holidays are not known, among those from today to each shift:
    its lead time is counted on estimated working days (Monday to Friday)."""
    today = kit.today(today)
    years: set[int] = set()
    for shift in shifts:
        first, last = sorted((today.year, shift.day.year))
        years |= {y for y in range(first, last + 1) if not deadlines.calendar_known(y)}
    return sorted(years)


def _publish(shifts: list[Shift], township: Township, confirmed: bool = False) -> bool:
    """Publish these shifts (all or nothing); whether their dates were estimated."""
    years = estimated_years(shifts)
    if years and not confirmed:
        raise CalendarEstimated(
            _(
                "国务院尚未公布 %(y)s 年的节假日安排，工作日按周一至周五预估；请确认后再公布",
                y="、".join(str(y) for y in years),
            ),
            errors={"confirm_estimated_calendar": [str(CONFIRM_ESTIMATED)]},
        )
    for shift in shifts:
        _check_lead(township, shift.day)
        rep = db.session.get(Representative, (township.id, shift.representative_id))
        if rep is None or not _qualified_on(rep, shift.day):
            raise RosterRuleBroken(
                _("%(n)s 的代表资格已终止，不能公布其值班", n=rep.name if rep else "")
            )
    now = utcnow()
    for shift in shifts:
        shift.published, shift.published_at = True, now
    return bool(years)


@use_case
def publish_roster(
    actor: Actor, township: Township, station_id: int, data: RosterPublishInput
) -> list[Shift]:
    """Publish every unpublished shift of the station in [date_from, date_to]; all or nothing."""
    station = get_station(actor, township, station_id)
    _write(actor, township)
    start, end = data.date_from, data.date_to
    shifts = [s for s in station_shifts(station) if not s.published and start <= s.day <= end]
    if not shifts:
        raise ValidationFailed(errors={"date_from": [_("这段时间没有待公布的班次")]})
    estimated = _publish(shifts, township, data.confirm_estimated_calendar)
    after: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "count": len(shifts)}
    if estimated:
        after["calendar_estimated"] = True
    audit.record(
        "workstation.roster_publish",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        after=after,
    )
    return shifts
