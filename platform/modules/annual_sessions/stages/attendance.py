"""Attendance: leave, check-in (by staff or by the session's QR code), the roll and the quorum,
opening and closing the session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions.errors import QuorumNotMet
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Session,
    SessionState,
    Vote,
    VoteState,
)
from lianxin.modules.annual_sessions.stages.agenda import _rep_of
from lianxin.modules.annual_sessions.stages.common import (
    MODULE_KEY,
    _audit,
    _get,
    _require_office,
    _today,
    settings,
)
from lianxin.modules.annual_sessions.stages.planning import (
    expected_count,
    expected_reps,
    get_session,
    session_days,
)
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- attendance ----------------------------------------------------------------------------------


def _attendance(session: Session, rep_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.session_id == session.id, Attendance.representative_id == rep_id
        )
    )


def _leave_from(session: Session, first: date | None, today: date) -> date:
    """The leave's first day: by default the first day not yet past; never a past day, and
    within the session's days."""
    if first is None:
        return max(today, session.held_on)
    if first < today:
        message = _("不能为已经过去的日子请假（今天是 %(d)s）", d=today.isoformat())
        raise ValidationFailed(errors={"leave_from": [message]})
    if not session.held_on <= first <= session.ends_on:
        message = _("请假起始日须在会期内（%(d)s）", d=session_days(session))
        raise ValidationFailed(errors={"leave_from": [message]})
    return first


@use_case
def request_leave(
    actor: Actor,
    township: Township,
    session_id: int,
    reason: str,
    *,
    leave_from: date | None = None,
    today: date | None = None,
) -> Attendance:
    """A representative asks leave from a day to the session's last: before opening (for the
    whole session by default) or, once open, for the days that remain."""
    session = get_session(actor, township, session_id)
    rep = _rep_of(actor, township, session)
    day = _today(today)
    if session.state == SessionState.CLOSED:
        raise Conflict(_("会议已闭幕，不能再请假"))
    if day > session.ends_on:
        raise Conflict(_("会期（%(d)s）已过，不能再请假", d=session_days(session)))
    first = _leave_from(session, leave_from, day)
    row = _attendance(session, rep.id) or Attendance(
        session_id=session.id, representative_id=rep.id
    )
    row.status, row.leave_reason, row.leave_from = AttendanceStatus.LEAVE_REQUESTED, reason, first
    db.session.add(row)
    db.session.flush()
    notify.notify(
        casework._office_user_ids(township),
        _("%(n)s 请假：%(t)s", n=rep.name, t=session.title),
        _("%(d)s 起：%(t)s", d=first.isoformat(), t=reason),
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/{session.id}/attendance",
        dedupe_key=f"as:{township.id}:{session.id}:leave:{rep.id}:{row.id}:{first}",
        kind="session.leave",
    )
    _audit(
        "leave_request", actor, township, "annual_session", session.id, rep=rep.id, first=str(first)
    )
    return row


@use_case
def decide_leave(
    actor: Actor, township: Township, session_id: int, rep_id: int, *, approve: bool
) -> Attendance:
    session = get_session(actor, township, session_id)
    rep = _get(Representative, township, rep_id, _("未找到该代表"))
    _require_office(actor, township)
    row = _attendance(session, rep.id)
    if row is None or row.status != AttendanceStatus.LEAVE_REQUESTED:
        raise Conflict(_("没有待审批的请假"))
    if approve:
        row.status = AttendanceStatus.LEAVE_APPROVED
    else:  # one who has checked in stays present
        row.status = (
            AttendanceStatus.PRESENT
            if row.checked_in_at is not None
            else AttendanceStatus.LEAVE_REFUSED
        )
    _audit("leave", actor, township, "annual_session", session.id, rep=rep.id, approve=approve)
    return row


def _check_in(
    township: Township, session: Session, rep: Representative, *, self_: bool, today: date | None
) -> Attendance:
    if session.state not in (SessionState.AGENDA_FIXED, SessionState.OPEN):
        raise Conflict(_("议程确定后、会期内才能签到"))
    day = _today(today)
    if not session.held_on <= day <= session.ends_on:
        if session.ends_on == session.held_on:
            raise Conflict(_("只能在会议当天（%(d)s）签到", d=session.held_on.isoformat()))
        raise Conflict(_("只能在会期内（%(d)s）签到", d=session_days(session)))
    if rep.id not in {r.id for r in expected_reps(township, session)}:
        raise PermissionDenied(_("%(n)s 不是本次会议的应到代表", n=rep.name))
    row = _attendance(session, rep.id) or Attendance(
        session_id=session.id, representative_id=rep.id
    )
    if row.status == AttendanceStatus.PRESENT:
        raise Conflict(_("%(n)s 已签到", n=rep.name), code="already_checked_in")
    row.checked_in_at = row.checked_in_at or utcnow()
    row.self_checked_in = self_
    later_leave = row.leave_from is not None and row.leave_from > day
    if not (
        later_leave
        and row.status in (AttendanceStatus.LEAVE_REQUESTED, AttendanceStatus.LEAVE_APPROVED)
    ):
        # Here today; a leave from a later day still stands, one from today or before ends.
        row.status = AttendanceStatus.PRESENT
    db.session.add(row)
    return row


@use_case
def check_in(
    actor: Actor, township: Township, session_id: int, rep_id: int, *, today: date | None = None
) -> Attendance:
    """Staff check a representative in."""
    session = get_session(actor, township, session_id)
    rep = _get(Representative, township, rep_id, _("未找到该代表"))
    _require_office(actor, township)
    return _check_in(township, session, rep, self_=False, today=today)


def checkin_token_matches(session: Session, token: str | None) -> bool:
    """Compared as UTF-8 bytes: `compare_digest` refuses str with non-ASCII characters (a 500)."""
    return secrets.compare_digest(str(token or "").encode(), session.checkin_token.encode())


@use_case
def self_check_in(
    actor: Actor, township: Township, session_id: int, token: str, *, today: date | None = None
) -> Attendance:
    """A representative scans the session's QR code and checks in."""
    session = get_session(actor, township, session_id)
    if not checkin_token_matches(session, token):
        raise NotFound(_("签到码无效"))
    rep = _rep_of(actor, township, session)
    return _check_in(township, session, rep, self_=True, today=today)


@dataclass
class Roll:
    """The session's roll (not a day's): `present` is everyone who checked in on any day, also
    those who left afterwards with leave for the remaining days (`left_early`); `on_leave` is
    leave without having come."""

    expected: int
    present: int
    on_leave: int
    leave_requested: int
    quorum_needed: int
    left_early: int = 0

    @property
    def quorum_met(self) -> bool:
        return self.present >= self.quorum_needed

    @property
    def absent(self) -> int:
        return self.expected - self.present - self.on_leave


def quorum_needed(township: Township, expected: int) -> int:
    percent = int(settings(township.id)["quorum_percent"])
    return -(-expected * percent // 100)  # ceiling: 4/5 of 100 is 80, of 101 is 81


def _came(row: Attendance) -> bool:
    return row.status == AttendanceStatus.PRESENT or row.checked_in_at is not None


def _here(row: Attendance, day: date) -> bool:
    """Checked in and not on granted leave on `day`."""
    on_leave = row.status == AttendanceStatus.LEAVE_APPROVED and (
        row.leave_from is None or row.leave_from <= day
    )
    return _came(row) and not on_leave


def roll(township: Township, session: Session) -> Roll:
    rows = list(db.session.scalars(select(Attendance).where(Attendance.session_id == session.id)))
    approved = [r for r in rows if r.status == AttendanceStatus.LEAVE_APPROVED]
    expected = expected_count(township, session)
    return Roll(
        expected,
        sum(1 for r in rows if _came(r)),
        sum(1 for r in approved if not _came(r)),
        sum(1 for r in rows if r.status == AttendanceStatus.LEAVE_REQUESTED),
        quorum_needed(township, expected),
        sum(1 for r in approved if _came(r)),
    )


def attendance(
    actor: Actor, township: Township, session_id: int
) -> list[tuple[Representative, Attendance | None]]:
    session = get_session(actor, township, session_id)
    rows = {
        a.representative_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    return [(r, rows.get(r.id)) for r in expected_reps(township, session)]


@use_case
def open_session(actor: Actor, township: Township, session_id: int) -> Session:
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state != SessionState.AGENDA_FIXED:
        raise Conflict(_("议程确定后才能开会"))
    current = roll(township, session)
    if not current.quorum_met:
        raise QuorumNotMet(
            _(
                "到会代表 %(p)d 人，不足应到代表 %(e)d 人的 %(q)d%%（须 %(n)d 人），不能开会",
                p=current.present,
                e=current.expected,
                q=int(settings(township.id)["quorum_percent"]),
                n=current.quorum_needed,
            )
        )
    session.state, session.opened_at = SessionState.OPEN, utcnow()
    session.expected_count = current.expected
    _audit(
        "open",
        actor,
        township,
        "annual_session",
        session.id,
        present=current.present,
        expected=current.expected,
    )
    return session


@use_case
def close_session(actor: Actor, township: Township, session_id: int) -> Session:
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state != SessionState.OPEN:
        raise Conflict(_("会议未在进行中"))
    still = db.session.scalar(
        select(func.count())
        .select_from(Vote)
        .where(Vote.session_id == session.id, Vote.state == VoteState.OPEN)
    )
    if still:
        raise Conflict(_("还有 %(n)d 项表决未结束", n=still))
    session.state, session.closed_at = SessionState.CLOSED, utcnow()
    _audit("close", actor, township, "annual_session", session.id)
    return session
