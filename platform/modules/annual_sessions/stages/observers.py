"""Observers (列席人员): those who sit in on the session without being representatives — migrant
party members, people's-congress deputies, CPPCC members and others the committee invites (001
张家港 "其他人员需要列席会议，由镇党委决定", 004). The office records them per session and may check
them in; they are kept in a table of their own, which nothing that counts 应到, the quorum or a
vote reads (`attendance.roll`, `planning.expected_reps`, the votes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework.deadlines import SHANGHAI
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.annual_sessions.inputs import ObserverInput
from lianxin.modules.annual_sessions.models import (
    Observer,
    ObserverKind,
    Session,
    SessionState,
)
from lianxin.modules.annual_sessions.stages.common import _audit, _get, _require_office, _today
from lianxin.modules.annual_sessions.stages.planning import get_session, session_days
from lianxin.spreadsheets import table
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

OBSERVER_KINDS = {
    ObserverKind.MIGRANT_MEMBER: "流动党员",
    ObserverKind.CONGRESS_DEPUTY: "人大代表",
    ObserverKind.CPPCC_MEMBER: "政协委员",
    ObserverKind.OTHER: "其他",
}


@dataclass(frozen=True)
class ObserverCount:
    registered: int
    checked_in: int


def observers(actor: Actor, township: Township, session_id: int) -> list[Observer]:
    """The session's observers (the office), in the order they were recorded."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    return _of(session)


def _of(session: Session) -> list[Observer]:
    return list(
        db.session.scalars(
            select(Observer).where(Observer.session_id == session.id).order_by(Observer.id)
        )
    )


def observer_count(township: Township, session: Session) -> ObserverCount:
    rows = _of(session)
    return ObserverCount(len(rows), sum(1 for o in rows if o.checked_in_at is not None))


def get_observer(actor: Actor, township: Township, observer_id: int) -> Observer:
    _require_office(actor, township)
    return _get(Observer, township, observer_id, _("未找到该列席人员"))


@use_case
def add_observer(
    actor: Actor, township: Township, session_id: int, data: ObserverInput
) -> Observer:
    """Record one who sits in on the session (the office), until it closes; the same name and
    unit once a session."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state == SessionState.CLOSED:
        raise Conflict(_("会议已闭幕，不能再登记列席人员"))
    twice = db.session.scalar(
        select(Observer.id).where(
            Observer.session_id == session.id,
            Observer.name == data.name,
            Observer.unit == data.unit,
        )
    )
    if twice is not None:
        raise ValidationFailed(errors={"name": [_("%(n)s 已登记为列席人员", n=data.name)]})
    row = Observer(session_id=session.id, name=data.name, kind=data.kind, unit=data.unit)
    db.session.add(row)
    db.session.flush()
    _audit(
        "observer_add",
        actor,
        township,
        "annual_session_observer",
        row.id,
        session=session.id,
        name=row.name,
        kind=row.kind,
    )
    return row


@use_case
def remove_observer(actor: Actor, township: Township, observer_id: int) -> None:
    """Take off one recorded by mistake (the office): not after they checked in, nor once the
    session has closed (the record then stands)."""
    row = get_observer(actor, township, observer_id)
    session = _get(Session, township, row.session_id, _("未找到该次会议"))
    if session.state == SessionState.CLOSED:
        raise Conflict(_("会议已闭幕，列席记录不能再改"))
    if row.checked_in_at is not None:
        raise Conflict(_("%(n)s 已签到，不能删除", n=row.name))
    _audit(
        "observer_remove",
        actor,
        township,
        "annual_session_observer",
        row.id,
        session=session.id,
        name=row.name,
    )
    db.session.delete(row)
    db.session.flush()


@use_case
def check_in_observer(
    actor: Actor, township: Township, observer_id: int, *, today: date | None = None
) -> Observer:
    """Staff check an observer in, on the session's days as for representatives; it changes
    nothing of the roll (应到, 到会, the quorum)."""
    row = get_observer(actor, township, observer_id)
    session = _get(Session, township, row.session_id, _("未找到该次会议"))
    if session.state not in (SessionState.AGENDA_FIXED, SessionState.OPEN):
        raise Conflict(_("议程确定后、会期内才能签到"))
    day = _today(today)
    if not session.held_on <= day <= session.ends_on:
        raise Conflict(_("只能在会期内（%(d)s）签到", d=session_days(session)))
    if row.checked_in_at is not None:
        raise Conflict(_("%(n)s 已签到", n=row.name), code="already_checked_in")
    row.checked_in_at = utcnow()
    _audit(
        "observer_check_in",
        actor,
        township,
        "annual_session_observer",
        row.id,
        session=session.id,
    )
    return row


def observers_xlsx(actor: Actor, township: Township, session_id: int) -> bytes:
    """The session's observers as a spreadsheet (the office): name, kind, unit, check-in."""
    session = get_session(actor, township, session_id)
    rows = observers(actor, township, session_id)
    return table(
        _("%(t)s 列席人员", t=session.title),
        [_("姓名"), _("类别"), _("单位或身份"), _("签到时间")],
        [
            [
                o.name,
                OBSERVER_KINDS.get(ObserverKind(o.kind), o.kind),
                o.unit,
                _local(o.checked_in_at),
            ]
            for o in rows
        ],
        widths=(14, 12, 40, 18),
    )


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
