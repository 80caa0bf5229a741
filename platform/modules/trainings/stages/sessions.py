"""Scheduling training sessions (whom: every representative in office, some groups, or named
ones), the representatives' answers (confirm, or ask for leave with a reason) and the office's
decision on a leave request (approved: the absence is excused)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.db.paging import paged
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.errors import TrainingRuleBroken
from lianxin.modules.trainings.inputs import AnswerInput, SessionInput
from lianxin.modules.trainings.models import (
    Answer,
    Audience,
    Leave,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.common import (
    KIND_LABELS,
    _audit,
    _read,
    _write,
    current_term,
    find_group,
    find_invitation,
    find_representative,
    find_session,
    is_office,
    representative_of,
)
from lianxin.notify import service as notify
from lianxin.people.models import GroupMembership, Representative, RepStatus
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

SESSION_ORDER = (TrainingSession.starts_on.desc(), TrainingSession.id.desc())


def session_url(township: Township, session_id: int) -> str:
    """The path of a session's page, for a notification (made absolute where it is delivered)."""
    return f"/t/{township.slug}/trainings/{session_id}"


def list_sessions(actor: Actor, township: Township) -> list[TrainingSession]:
    return page_sessions(actor, township)[0]


def page_sessions(
    actor: Actor, township: Township, *, offset: int = 0, limit: int | None = None
) -> tuple[list[TrainingSession], int]:
    """(one page of the sessions, newest first; how many there are)."""
    _read(actor, township)
    return paged(select(TrainingSession), *SESSION_ORDER, offset=offset, limit=limit)


def get_session(actor: Actor, township: Township, session_id: int) -> TrainingSession:
    _read(actor, township)
    return find_session(township, session_id)


def page_invitations(
    actor: Actor,
    township: Township,
    session_id: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[TrainingInvitation], int]:
    session = get_session(actor, township, session_id)
    return paged(
        select(TrainingInvitation).where(TrainingInvitation.session_id == session.id),
        TrainingInvitation.id,
        offset=offset,
        limit=limit,
    )


def _audience(township: Township, data: SessionInput) -> list[Representative]:
    """The representatives the session is for; another township's group or representative is
    a 404, one whose term ended is refused. A group's members are its current members, of an
    area group or a thematic one (专业小组)."""
    in_office = Representative.status == RepStatus.IN_OFFICE
    order = (Representative.name_pinyin, Representative.id)
    if data.audience == Audience.GROUPS:
        ids = sorted({find_group(township, g).id for g in data.group_ids})
        members = select(GroupMembership.representative_id).where(
            GroupMembership.group_id.in_(ids), GroupMembership.ended_on.is_(None)
        )
        return list(
            db.session.scalars(
                select(Representative)
                .where(
                    in_office,
                    Representative.group_id.in_(ids) | Representative.id.in_(members),
                )
                .order_by(*order)
            )
        )
    if data.audience == Audience.NAMED:
        reps = list(
            {
                r.id: r for r in (find_representative(township, i) for i in data.representative_ids)
            }.values()
        )
        ended = [_("%(n)s 的代表资格已终止", n=r.name) for r in reps if not r.in_office]
        if ended:
            raise ValidationFailed(errors={"representative_ids": ended})
        return reps
    return list(db.session.scalars(select(Representative).where(in_office).order_by(*order)))


@use_case
def schedule_session(actor: Actor, township: Township, data: SessionInput) -> TrainingSession:
    """A session from its first to its last day, for its audience: each representative is
    invited (and told, in the inbox with a link or by SMS without an account)."""
    _write(actor, township)
    reps = _audience(township, data)
    if not reps:
        raise ValidationFailed(errors={"audience": [_("参训对象中没有在任代表")]})
    session = TrainingSession(
        title=data.title,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on or data.starts_on,
        place=data.place,
        content=data.content,
        audience=data.audience,
        group_ids=sorted(set(data.group_ids)) if data.audience == Audience.GROUPS else [],
        term=current_term(),
        created_by_id=actor.user_id,
    )
    db.session.add(session)
    db.session.flush()
    db.session.add_all(
        TrainingInvitation(
            session_id=session.id, representative_id=r.id, term=r.term, answer=Answer.PENDING
        )
        for r in reps
    )
    db.session.flush()
    _tell_invited(township, session, reps)
    _audit(
        "training.schedule",
        actor,
        township,
        "training_session",
        session.id,
        title=session.title,
        kind=session.kind,
        starts_on=session.starts_on.isoformat(),
        ends_on=session.ends_on.isoformat(),
        invited=len(reps),
    )
    return session


def _when(session: TrainingSession) -> str:
    if session.days == 1:
        return session.starts_on.isoformat()
    return f"{session.starts_on.isoformat()} 至 {session.ends_on.isoformat()}"


def _tell_invited(
    township: Township, session: TrainingSession, reps: list[Representative], key: str = "invite"
) -> None:
    with_account = [r.user_id for r in reps if r.user_id is not None]
    by_phone = [(r.name, r.phone) for r in reps if r.user_id is None and r.phone]
    if not with_account and not by_phone:
        return
    notify.notify(
        with_account,
        _("学习培训通知：%(t)s", t=session.title),
        _(
            "请于 %(w)s 在 %(p)s 参加%(k)s，并确认参加或请假。",
            w=_when(session),
            p=session.place or _("（地点另行通知）"),
            k=KIND_LABELS.get(session.kind, session.kind),
        ),
        tenant_id=township.id,
        link=session_url(township, session.id),
        phones=by_phone,
        dedupe_key=f"tr:{township.id}:{session.id}:{key}",
        kind="training.invitation",
    )


def get_invitation(actor: Actor, township: Township, invitation_id: int) -> TrainingInvitation:
    _read(actor, township)
    return find_invitation(township, invitation_id)


def my_invitation(
    actor: Actor, township: Township, session: TrainingSession
) -> TrainingInvitation | None:
    rep = representative_of(actor)
    if rep is None:
        return None
    return db.session.scalar(
        select(TrainingInvitation).where(
            TrainingInvitation.session_id == session.id,
            TrainingInvitation.representative_id == rep.id,
        )
    )


def my_invitations(
    actor: Actor, township: Township
) -> list[tuple[TrainingInvitation, TrainingSession]]:
    """The representative's invitations, newest session first."""
    _read(actor, township)
    rep = representative_of(actor)
    if rep is None:
        return []
    rows = db.session.execute(
        select(TrainingInvitation, TrainingSession)
        .join(
            TrainingSession,
            (TrainingSession.id == TrainingInvitation.session_id)
            & (TrainingSession.tenant_id == TrainingInvitation.tenant_id),
        )
        .where(TrainingInvitation.representative_id == rep.id)
        .order_by(*SESSION_ORDER)
    ).all()
    return [(inv, session) for inv, session in rows]


def _still_open(session: TrainingSession, day: date) -> None:
    """Answers close when the session's last day is over (Asia/Shanghai) or it is cancelled."""
    if session.cancelled:
        raise TrainingRuleBroken(_("该培训已取消"))
    if day > session.ends_on:
        raise TrainingRuleBroken(
            _("培训（%(d)s）已经结束，不能再答复", d=session.ends_on.isoformat())
        )


@use_case
def answer_invitation(
    actor: Actor,
    township: Township,
    invitation_id: int,
    data: AnswerInput,
    *,
    today: date | None = None,
) -> TrainingInvitation:
    """The representative confirms or asks for leave (with a reason) — the office may record it
    for them, from a phone call — until the session's last day is over. A leave request waits
    for the office's decision and is told to the office."""
    _read(actor, township)
    row = find_invitation(township, invitation_id)
    session = find_session(township, row.session_id)
    own = representative_of(actor)
    by_office = own is None or own.id != row.representative_id
    if by_office and not is_office(actor, township):
        raise PermissionDenied(_("只能答复自己的参训通知"))
    _still_open(session, kit_today(today))
    row.answer = data.answer
    row.answered_at = utcnow()
    if data.leave_day is not None and not session.starts_on <= data.leave_day <= session.ends_on:
        raise TrainingRuleBroken(
            _(
                "%(d)s 不是本期培训的日期（%(a)s 至 %(b)s）",
                d=data.leave_day.isoformat(),
                a=session.starts_on.isoformat(),
                b=session.ends_on.isoformat(),
            )
        )
    if data.answer == Answer.LEAVE:
        row.leave = Leave.REQUESTED
        row.leave_reason = data.reason
        row.leave_day = data.leave_day
        row.leave_half = data.leave_half if data.leave_day else None
        row.leave_decided_by_id = None
        row.leave_decided_at = None
    else:
        row.leave = None
        row.leave_reason = None
        row.leave_day = None
        row.leave_half = None
    db.session.flush()
    if data.answer == Answer.LEAVE and not by_office:
        rep = find_representative(township, row.representative_id)
        notify.notify(
            casework._office_user_ids(township),
            _("%(n)s 申请请假：%(t)s", n=rep.name, t=session.title),
            data.reason or "",
            tenant_id=township.id,
            link=session_url(township, session.id),
            dedupe_key=f"tr:{township.id}:{row.id}:leave:{row.answered_at.isoformat()}",
            kind="training.leave_requested",
        )
    _audit(
        "training.answer",
        actor,
        township,
        "training_invitation",
        row.id,
        answer=row.answer,
        by_office=by_office,
        leave_day=row.leave_day.isoformat() if row.leave_day else None,
        leave_half=row.leave_half,
    )
    return row


@use_case
def decide_leave(
    actor: Actor, township: Township, invitation_id: int, approve: bool
) -> TrainingInvitation:
    """The office approves a leave request (the absence is excused) or refuses it (an absence
    stays unexcused); it may change its decision. The representative is told."""
    _write(actor, township)
    row = find_invitation(township, invitation_id)
    if row.answer != Answer.LEAVE or row.leave is None:
        raise TrainingRuleBroken(_("该代表没有请假"))
    session = find_session(township, row.session_id)
    if session.cancelled:
        raise TrainingRuleBroken(_("该培训已取消"))
    row.leave = Leave.APPROVED if approve else Leave.REFUSED
    row.leave_decided_by_id = actor.user_id
    row.leave_decided_at = utcnow()
    db.session.flush()
    rep = find_representative(township, row.representative_id)
    if rep.user_id is not None:
        notify.notify(
            [rep.user_id],
            _("请假已批准：%(t)s", t=session.title)
            if approve
            else _("请假未批准：%(t)s", t=session.title),
            _("请按时参加学习培训。") if not approve else "",
            tenant_id=township.id,
            link=session_url(township, session.id),
            dedupe_key=f"tr:{township.id}:{row.id}:leave_decided:{row.leave_decided_at.isoformat()}",
            kind="training.leave_decided",
        )
    _audit(
        "training.leave_decide",
        actor,
        township,
        "training_invitation",
        row.id,
        leave=row.leave,
    )
    return row
