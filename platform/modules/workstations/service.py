"""Use cases of the workstations module: stations, duty roster, meetings, commitments, reports.

Reads need a membership in the township; writes need the liaison office
(permissions.can_work_in_office). Ids from another township are simply not found: every query
runs in the township's tenant context (and under RLS on PostgreSQL).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin import spreadsheets
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.casework.models import Case, CaseState, Channel, Rating
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules.workstations.models import (
    Commitment,
    Meeting,
    MeetingKind,
    MeetingRepresentative,
    MonthlyReport,
    Shift,
    Station,
    StationKind,
    StationRepresentative,
)
from lianxin.people.models import Representative
from lianxin.people.service import clean_phone
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

MODULE_KEY = "workstations"
SOURCE_TYPE = "workstation"
SHANGHAI = ZoneInfo("Asia/Shanghai")

KIND_LABELS = {
    StationKind.COUNTY: "县级",
    StationKind.TOWNSHIP: "乡镇级",
    StationKind.VILLAGE: "村（社区）级",
    StationKind.ENTERPRISE: "企业",
    StationKind.PERSONAL: "代表个人工作室",
}
MEETING_LABELS = {
    MeetingKind.REGULAR: "常规约见",
    MeetingKind.THEMED: "主题约见",
    MeetingKind.CONCENTRATED: "集中约见",
    MeetingKind.APPOINTED: "指定约见",
}
CHANNEL_OF = {
    MeetingKind.REGULAR: Channel.REGULAR_VISIT,
    MeetingKind.THEMED: Channel.THEMED_VISIT,
    MeetingKind.CONCENTRATED: Channel.CONCENTRATED_VISIT,
    MeetingKind.APPOINTED: Channel.APPOINTED_VISIT,
}


class RosterRuleBroken(Conflict):
    code = "roster_rule"


class CalendarEstimated(Conflict):
    """A shift falls in a year whose official holidays are not known, and publishing was not
    confirmed."""

    code = "calendar_estimated"


CONFIRM_ESTIMATED = _l("该年度国家节假日尚未公布，日期按周一至周五预估，确认发布")


# --- access --------------------------------------------------------------------------------------


_read = permissions.require_member
_write = permissions.require_office


def lead_days(township_id: int) -> int:
    return int(tenants.effective_settings(township_id, MODULE_KEY)["roster_lead_working_days"])


def earliest_publishable(township_id: int, today: date | None = None) -> date:
    """The first duty date a roster may still be published for today.

    "提前三个工作日公布" counts the working days strictly before the duty day, today included:
    a Saturday duty has Friday, Thursday and Wednesday, so it is published by Wednesday. The
    earliest date is therefore the day after the N-th working day from today (today itself
    when N is 0), in the township's county calendar.
    """
    today = today or deadlines.shanghai_today()
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


# --- stations ------------------------------------------------------------------------------------


def _clean_station(data: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def has(name: str) -> bool:
        return not partial or name in data

    if has("kind"):
        kind = str(data.get("kind") or "")
        if kind not in set(StationKind):
            errors["kind"] = [_("请选择类型")]
        out["kind"] = kind
    if has("name"):
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            errors["name"] = [_("请填写名称（不超过100字）")]
        out["name"] = name
    for key, limit in (("address", 200), ("hours", 200), ("liaison_name", 50)):
        if has(key):
            value = str(data.get(key) or "").strip()
            if len(value) > limit:
                errors[key] = [_("内容过长")]
            out[key] = value if key != "liaison_name" else (value or None)
    for key in ("phone", "liaison_phone"):
        if has(key):
            raw = str(data.get(key) or "").strip()
            out[key] = raw or None
            if raw and (len(raw) > 20 or not all(c.isdigit() or c in "-+ " for c in raw)):
                errors[key] = [_("电话号码格式不正确")]
    if has("rules"):
        out["rules"] = str(data.get("rules") or "").strip()
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def list_stations(actor: Actor, township: Township) -> list[Station]:
    _read(actor, township)
    return list(db.session.scalars(select(Station).order_by(Station.id)))


def _station(township: Township, station_id: int) -> Station:
    station = db.session.get(Station, (township.id, int(station_id)))
    if station is None:
        raise NotFound(_("未找到该工作站"))
    return station


def get_station(actor: Actor, township: Township, station_id: int) -> Station:
    _read(actor, township)
    return _station(township, station_id)


def _check_name(name: str, except_id: int | None = None) -> None:
    query = select(Station.id).where(Station.name == name)
    if except_id is not None:
        query = query.where(Station.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的工作站")]})


def create_station(actor: Actor, township: Township, data: Mapping[str, Any]) -> Station:
    _write(actor, township)
    clean = _clean_station(data)
    _check_name(clean["name"])
    station = Station(**clean)
    db.session.add(station)
    db.session.flush()
    audit.record(
        "workstation.create",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        after={"name": station.name, "kind": station.kind},
    )
    db.session.commit()
    return station


def update_station(
    actor: Actor, township: Township, station_id: int, data: Mapping[str, Any]
) -> Station:
    station = get_station(actor, township, station_id)
    _write(actor, township)
    clean = _clean_station(data, partial=True)
    if "name" in clean:
        _check_name(clean["name"], station.id)
    for key, value in clean.items():
        setattr(station, key, value)
    audit.record(
        "workstation.update",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        after={k: str(v) for k, v in clean.items()},
    )
    db.session.commit()
    return station


def _representative(township: Township, rep_id: Any) -> Representative:
    try:
        key = int(rep_id)
    except (TypeError, ValueError):
        raise NotFound(_("未找到该代表")) from None
    rep = db.session.get(Representative, (township.id, key))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


def station_representatives(township: Township, station: Station) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .join(
                StationRepresentative,
                and_(
                    StationRepresentative.representative_id == Representative.id,
                    StationRepresentative.tenant_id == Representative.tenant_id,
                ),
            )
            .where(StationRepresentative.station_id == station.id)
            .order_by(Representative.name_pinyin)
        )
    )


def set_representatives(
    actor: Actor, township: Township, station_id: int, rep_ids: Iterable[Any]
) -> list[Representative]:
    """Attach exactly these representatives to the station (an ended one cannot be added)."""
    station = get_station(actor, township, station_id)
    _write(actor, township)
    wanted = {r.id: r for r in (_representative(township, i) for i in rep_ids)}
    current = {
        link.representative_id: link
        for link in db.session.scalars(
            select(StationRepresentative).where(StationRepresentative.station_id == station.id)
        )
    }
    for rep_id, rep in wanted.items():
        if rep_id not in current and not rep.in_office:
            raise ValidationFailed(
                errors={"representative_ids": [_("%(n)s 的代表资格已终止", n=rep.name)]}
            )
    for rep_id, link in current.items():
        if rep_id not in wanted:
            db.session.delete(link)
    for rep_id in wanted:
        if rep_id not in current:
            db.session.add(StationRepresentative(station_id=station.id, representative_id=rep_id))
    audit.record(
        "workstation.representatives",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        before={"ids": sorted(current)},
        after={"ids": sorted(wanted)},
    )
    db.session.commit()
    return station_representatives(township, station)


# --- duty roster ---------------------------------------------------------------------------------


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


def _as_time(value: Any, name: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(errors={name: [_("时间格式不正确（如 09:00）")]}) from None


def _as_date(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(errors={name: [_("日期格式不正确")]}) from None


def list_shifts(
    actor: Actor, township: Township, station_id: int, *, published_only: bool = False
) -> list[Shift]:
    station = get_station(actor, township, station_id)
    return _shifts(station, published_only=published_only)


def _shifts(
    station: Station, *, published_only: bool = False, since: date | None = None
) -> list[Shift]:
    query = select(Shift).where(Shift.station_id == station.id)
    if published_only:
        query = query.where(Shift.published.is_(True))
    if since is not None:
        query = query.where(Shift.day >= since)
    return list(db.session.scalars(query.order_by(Shift.day, Shift.starts_at, Shift.id)))


def add_shift(actor: Actor, township: Township, station_id: int, data: Mapping[str, Any]) -> Shift:
    station = get_station(actor, township, station_id)
    _write(actor, township)
    rep = _representative(township, data.get("representative_id"))
    day = _as_date(data.get("day"), "day")
    starts_at = _as_time(data.get("starts_at"), "starts_at")
    ends_at = _as_time(data.get("ends_at"), "ends_at")
    if day < deadlines.shanghai_today():
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
    db.session.commit()
    return shift


def get_shift(actor: Actor, township: Township, shift_id: int) -> Shift:
    _read(actor, township)
    shift = db.session.get(Shift, (township.id, int(shift_id)))
    if shift is None:
        raise NotFound(_("未找到该班次"))
    return shift


def _swap_reason(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if not text or len(text) > 200:
        raise ValidationFailed(errors={"reason": [_("请填写换班（替补）原因（不超过200字）")]})
    return text


def swap_shift(
    actor: Actor, township: Township, shift_id: int, rep_id: Any, *, reason: Any = None
) -> Shift:
    """Put another representative on a shift. The rules still hold: qualification and no
    overlap. A published shift changes freely while it is at least N working days ahead; inside
    the lead time (the representative falls ill) only as a substitution with a recorded reason,
    which the public roster shows."""
    shift = get_shift(actor, township, shift_id)
    _write(actor, township)
    rep = _representative(township, rep_id)
    substitution = shift.published and inside_lead_time(township, shift)
    text = _swap_reason(reason) if reason is not None or substitution else None
    if substitution and text is None:
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
    shift.swap_reason = text
    shift.replaced_representative_id = before if text is not None and before != rep.id else None
    after: dict[str, Any] = {"rep": rep.id}
    if text is not None:
        after["reason"] = text
    audit.record(
        "workstation.shift_substitute" if substitution else "workstation.shift_swap",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_shift",
        target_id=shift.id,
        before={"rep": before},
        after=after,
    )
    db.session.commit()
    return shift


def delete_shift(actor: Actor, township: Township, shift_id: int) -> None:
    shift = get_shift(actor, township, shift_id)
    _write(actor, township)
    if shift.published:
        _check_lead(township, shift.day)
    db.session.delete(shift)
    db.session.commit()


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
    db.session.commit()
    return shift


def estimated_years(shifts: Iterable[Shift], today: date | None = None) -> list[int]:
    """The years whose official holidays are not known, among those from today to each shift:
    its lead time is counted on estimated working days (Monday to Friday)."""
    today = today or deadlines.shanghai_today()
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


def publish_roster(
    actor: Actor,
    township: Township,
    station_id: int,
    date_from: Any,
    date_to: Any,
    *,
    confirm_estimated_calendar: bool = False,
) -> list[Shift]:
    """Publish every unpublished shift of the station in [date_from, date_to]; all or nothing."""
    station = get_station(actor, township, station_id)
    _write(actor, township)
    start, end = _as_date(date_from, "date_from"), _as_date(date_to, "date_to")
    if end < start:
        raise ValidationFailed(errors={"date_to": [_("结束日期不能早于开始日期")]})
    shifts = [s for s in _shifts(station) if not s.published and start <= s.day <= end]
    if not shifts:
        raise ValidationFailed(errors={"date_from": [_("这段时间没有待公布的班次")]})
    estimated = _publish(shifts, township, confirm_estimated_calendar)
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
    db.session.commit()
    return shifts


# --- meetings and the cases they feed ------------------------------------------------------------


def list_meetings(actor: Actor, township: Township, station_id: int) -> list[Meeting]:
    station = get_station(actor, township, station_id)
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.station_id == station.id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


def meeting_representatives(meeting: Meeting) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .join(
                MeetingRepresentative,
                and_(
                    MeetingRepresentative.representative_id == Representative.id,
                    MeetingRepresentative.tenant_id == Representative.tenant_id,
                ),
            )
            .where(MeetingRepresentative.meeting_id == meeting.id)
            .order_by(Representative.name_pinyin)
        )
    )


def create_meeting(
    actor: Actor, township: Township, station_id: int, data: Mapping[str, Any]
) -> Meeting:
    station = get_station(actor, township, station_id)
    _write(actor, township)
    reps = [_representative(township, i) for i in data.get("representative_ids") or []]
    kind = str(data.get("kind") or "")
    errors: dict[str, list[str]] = {}
    if kind not in set(MeetingKind):
        errors["kind"] = [_("请选择约见方式")]
    held_on = _as_date(data.get("held_on"), "held_on")
    topic = str(data.get("topic") or "").strip() or None
    if topic and len(topic) > 200:
        errors["topic"] = [_("主题过长")]
    if kind == MeetingKind.THEMED:
        if not topic:
            errors["topic"] = [_("主题约见须填写主题")]
        if not reps:
            errors["representative_ids"] = [_("主题约见须选定参加的代表")]
    if kind == MeetingKind.APPOINTED and len(reps) != 1:
        errors["representative_ids"] = [_("指定约见须指定一名代表")]
    ended = [r.name for r in reps if not r.in_office]
    if ended:
        errors["representative_ids"] = [_("代表资格已终止：%(n)s", n="、".join(ended))]
    if errors:
        raise ValidationFailed(errors=errors)
    meeting = Meeting(station_id=station.id, kind=kind, held_on=held_on, topic=topic)
    db.session.add(meeting)
    db.session.flush()
    for rep in {r.id: r for r in reps}.values():
        db.session.add(MeetingRepresentative(meeting_id=meeting.id, representative_id=rep.id))
    audit.record(
        "workstation.meeting_create",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_meeting",
        target_id=meeting.id,
        after={"kind": kind, "held_on": held_on.isoformat()},
    )
    db.session.commit()
    return meeting


def get_meeting(actor: Actor, township: Township, meeting_id: int) -> Meeting:
    _read(actor, township)
    meeting = db.session.get(Meeting, (township.id, int(meeting_id)))
    if meeting is None:
        raise NotFound(_("未找到该约见活动"))
    return meeting


def record_case(
    actor: Actor, township: Township, meeting_id: int, data: Mapping[str, Any]
) -> casework.NewCase:
    """A person's issue raised at a meeting: a case with the meeting kind's channel, sourced to
    the station. `received_by_id` must be one of the meeting's representatives when it has any."""
    meeting = get_meeting(actor, township, meeting_id)
    _write(actor, township)
    reps = {r.id for r in meeting_representatives(meeting)}
    received = data.get("received_by_id") or None
    if received is not None:
        received = _representative(township, received).id
        if reps and received not in reps:
            raise ValidationFailed(errors={"received_by_id": [_("请选择参加本次约见的代表")]})
    elif len(reps) == 1:
        received = next(iter(reps))
    payload = {
        key: data.get(key)
        for key in ("title", "body", "category", "raiser_name", "raiser_phone", "anonymous")
    }
    payload.update(
        channel=CHANNEL_OF[MeetingKind(meeting.kind)],
        received_by_id=received,
        source_type=SOURCE_TYPE,
        source_id=meeting.station_id,
    )
    return casework.register(actor, township, payload)


def public_station(township: Township, station_id: int) -> Station:
    station = _station(township, station_id)
    if not station.is_active:
        raise NotFound(_("未找到该工作站"))
    return station


def request_appointment(
    township: Township, station_id: int, data: Mapping[str, Any]
) -> casework.NewCase:
    """指定约见 asked for on the public page, for one named representative of the station."""
    station = public_station(township, station_id)
    rep = _representative(township, data.get("representative_id"))
    if rep.id not in {r.id for r in station_representatives(township, station)} or not (
        rep.in_office
    ):
        raise NotFound(_("未找到该代表"))
    payload = {
        key: data.get(key)
        for key in ("title", "body", "category", "raiser_name", "raiser_phone", "anonymous")
    }
    payload.update(
        channel=Channel.APPOINTED_VISIT,
        received_by_id=rep.id,
        source_type=SOURCE_TYPE,
        source_id=station.id,
    )
    return casework.register(None, township, payload)


# --- public commitments --------------------------------------------------------------------------


def list_commitments(
    actor: Actor, township: Township, rep_ids: Iterable[int] | None = None
) -> list[Commitment]:
    _read(actor, township)
    return _commitments(rep_ids)


def _commitments(rep_ids: Iterable[int] | None = None) -> list[Commitment]:
    query = select(Commitment)
    if rep_ids is not None:
        query = query.where(Commitment.representative_id.in_(list(rep_ids)))
    return list(db.session.scalars(query.order_by(Commitment.deadline, Commitment.id)))


def _clean_commitment(data: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if not partial or "text" in data:
        text = str(data.get("text") or "").strip()
        if not text or len(text) > 2000:
            errors["text"] = [_("请填写承诺内容（不超过2000字）")]
        out["text"] = text
    if not partial or "deadline" in data:
        try:
            out["deadline"] = _as_date(data.get("deadline"), "deadline")
        except ValidationFailed:
            errors["deadline"] = [_("请填写完成期限")]
    if "outcome" in data:
        out["outcome"] = str(data.get("outcome") or "").strip() or None
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def add_commitment(actor: Actor, township: Township, data: Mapping[str, Any]) -> Commitment:
    _read(actor, township)
    rep = _representative(township, data.get("representative_id"))
    _write(actor, township)
    commitment = Commitment(representative_id=rep.id, **_clean_commitment(data))
    db.session.add(commitment)
    db.session.flush()
    audit.record(
        "workstation.commitment_add",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_commitment",
        target_id=commitment.id,
    )
    db.session.commit()
    return commitment


def update_commitment(
    actor: Actor, township: Township, commitment_id: int, data: Mapping[str, Any]
) -> Commitment:
    _read(actor, township)
    commitment = db.session.get(Commitment, (township.id, int(commitment_id)))
    if commitment is None:
        raise NotFound(_("未找到该承诺"))
    _write(actor, township)
    for key, value in _clean_commitment(data, partial=True).items():
        setattr(commitment, key, value)
    db.session.commit()
    return commitment


# --- monthly report ------------------------------------------------------------------------------


@dataclass
class MonthFigures:
    station: Station
    month: date
    receptions: int = 0
    people: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    answered_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in Shanghai time, as UTC instants [start, end)."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(nxt, time(), SHANGHAI).astimezone(UTC)
    return start, end


def _figures(township: Township, station: Station, month: date) -> MonthFigures:
    start, end = month_bounds(month)
    cases = list(
        db.session.scalars(
            select(Case).where(
                Case.source_type == SOURCE_TYPE,
                Case.source_id == station.id,
                Case.created_at >= start,
                Case.created_at < end,
            )
        )
    )
    figures = MonthFigures(station, month.replace(day=1), receptions=len(cases))
    people: set[str] = set()
    anonymous = 0
    for case in cases:
        if case.raiser_phone or case.raiser_name:
            people.add(case.raiser_phone or f"name:{case.raiser_name}")
        else:
            anonymous += 1
    figures.people = len(people) + anonymous
    figures.by_state = dict(Counter(c.state for c in cases))
    figures.by_channel = dict(Counter(c.channel for c in cases))
    for case in cases:
        if case.answered_at is not None:
            figures.answered += 1
            answered_on = case.answered_at
            if answered_on.tzinfo is None:
                answered_on = answered_on.replace(tzinfo=UTC)
            if case.due_on is None or answered_on.astimezone(SHANGHAI).date() <= case.due_on:
                figures.answered_on_time += 1
        if case.rating:
            figures.rated += 1
            if case.rating in (Rating.SATISFIED, Rating.BASICALLY_SATISFIED):
                figures.satisfied += 1
    return figures


def monthly_figures(actor: Actor, township: Township, station_id: int, month: date) -> MonthFigures:
    station = get_station(actor, township, station_id)
    return _figures(township, station, month)


def state_label(state: str) -> str:
    try:
        return str(STATE_LABELS[CaseState(state)])
    except ValueError:
        return state


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def report_xlsx(township: Township, figures: MonthFigures) -> bytes:
    book = spreadsheets.Book()
    sheet = book.sheet("月度报告")
    sheet.widths([28])
    month = figures.month.strftime("%Y年%m月")
    sheet.append([f"{township.name} {figures.station.name} {month} 活动情况"], bold=True)
    sheet.append([])
    sheet.append(["接待人次（登记诉求）", figures.receptions])
    sheet.append(["接待群众（人）", figures.people])
    sheet.append(["已答复", figures.answered])
    sheet.append(["按时答复率", _pct(figures.on_time_rate)])
    sheet.append(["已评价", figures.rated])
    sheet.append(["满意率（满意+基本满意）", _pct(figures.satisfaction)])
    sheet.append([])
    sheet.header(["办理状态", "件数"])
    for state, count in sorted(figures.by_state.items()):
        sheet.append([state_label(state), count])
    return book.to_bytes()


def generate_monthly_report(township: Township, station_id: int, month: date) -> MonthlyReport:
    """Build and store one station's .xlsx for `month` (the beat task's work; no actor).

    A report already stored for that month is replaced."""
    from lianxin.storage import service as files

    station = _station(township, station_id)
    first = month.replace(day=1)
    record = files.store_generated(
        township,
        report_xlsx(township, _figures(township, station, first)),
        f"{station.name}-{first.strftime('%Y-%m')}-月度报告.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        purpose="workstation-report",
    )
    report = db.session.scalar(
        select(MonthlyReport).where(
            MonthlyReport.station_id == station.id, MonthlyReport.month == first
        )
    )
    if report is None:
        report = MonthlyReport(station_id=station.id, month=first, file_id=record.id)
        db.session.add(report)
    else:
        report.file_id = record.id
    db.session.commit()
    return report


def previous_month(today: date | None = None) -> date:
    today = today or deadlines.shanghai_today()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def generate_all_reports(township: Township, month: date | None = None) -> int:
    month = month or previous_month()
    ids = list(db.session.scalars(select(Station.id).where(Station.is_active.is_(True))))
    for station_id in ids:
        generate_monthly_report(township, station_id, month)
    return len(ids)


def list_reports(actor: Actor, township: Township, station_id: int) -> list[MonthlyReport]:
    station = get_station(actor, township, station_id)
    return list(
        db.session.scalars(
            select(MonthlyReport)
            .where(MonthlyReport.station_id == station.id)
            .order_by(MonthlyReport.month.desc())
        )
    )


@storage_owners.reader("workstation-report")
def _report_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A monthly report is read by whoever may read its station, while the module is on; a
    replaced month's old file is held by no report."""
    station_id = db.session.scalar(
        select(MonthlyReport.station_id).where(MonthlyReport.file_id == file_id).limit(1)
    )
    if station_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_station(actor, township, station_id)
    return True


def clean_public_phone(value: Any) -> str | None:
    return clean_phone(value)
