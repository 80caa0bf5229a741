"""Attendance, day by day: the office checks a representative in on a day of the session (on a
phone, from a searchable roll, one tap each), on that day or later; a check-in made by mistake
is taken back. The day is the Asia/Shanghai date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.errors import TrainingRuleBroken
from lianxin.modules.trainings.models import (
    Answer,
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.common import (
    _audit,
    _read,
    _write,
    find_representative,
    find_session,
    invitations_of,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def session_days(session: TrainingSession) -> list[date]:
    return [session.starts_on + timedelta(days=i) for i in range(session.days)]


def default_day(session: TrainingSession, today: date | None = None) -> date:
    """The day the roll opens on: today within the session, else its nearest day."""
    day = kit_today(today)
    return min(max(day, session.starts_on), session.ends_on)


def _check_day(session: TrainingSession, day: date, today: date) -> None:
    if not session.starts_on <= day <= session.ends_on:
        raise TrainingRuleBroken(
            _(
                "%(d)s 不是本期培训的日期（%(a)s 至 %(b)s）",
                d=day.isoformat(),
                a=session.starts_on.isoformat(),
                b=session.ends_on.isoformat(),
            )
        )
    if day > today:
        raise TrainingRuleBroken(_("%(d)s 还没有到，不能签到", d=day.isoformat()))


def _invitation(session: TrainingSession, rep_id: int) -> TrainingInvitation:
    row = db.session.scalar(
        select(TrainingInvitation).where(
            TrainingInvitation.session_id == session.id,
            TrainingInvitation.representative_id == rep_id,
        )
    )
    if row is None:
        raise TrainingRuleBroken(_("该代表不在本期培训的参训名单中"))
    return row


@use_case
def check_in(
    actor: Actor,
    township: Township,
    session_id: int,
    rep_id: int,
    *,
    day: date | None = None,
    today: date | None = None,
) -> TrainingCheckIn:
    """The representative is present on `day` (today when not given): a day of the session,
    not in the future; they must be invited. A second tap is the same check-in."""
    _write(actor, township)
    session = find_session(township, session_id)
    rep = find_representative(township, rep_id)
    now = kit_today(today)
    day = day or now
    _check_day(session, day, now)
    invitation = _invitation(session, rep.id)
    done = db.session.scalar(
        select(TrainingCheckIn).where(
            TrainingCheckIn.session_id == session.id,
            TrainingCheckIn.representative_id == rep.id,
            TrainingCheckIn.day == day,
        )
    )
    if done is not None:
        return done
    row = TrainingCheckIn(
        session_id=session.id, representative_id=rep.id, day=day, checked_in_by_id=actor.user_id
    )
    db.session.add(row)
    if invitation.answer == Answer.PENDING:
        invitation.answer = Answer.CONFIRMED
    db.session.flush()
    _audit(
        "training.check_in",
        actor,
        township,
        "training_session",
        session.id,
        representative=rep.id,
        day=day.isoformat(),
    )
    return row


@use_case
def undo_check_in(
    actor: Actor, township: Township, session_id: int, rep_id: int, day: date
) -> None:
    """Take back a check-in made by mistake."""
    _write(actor, township)
    session = find_session(township, session_id)
    rep = find_representative(township, rep_id)
    gone = db.session.execute(
        delete(TrainingCheckIn).where(
            TrainingCheckIn.session_id == session.id,
            TrainingCheckIn.representative_id == rep.id,
            TrainingCheckIn.day == day,
        )
    ).rowcount
    if not gone:
        raise TrainingRuleBroken(_("该代表当天没有签到"))
    _audit(
        "training.check_in_undo",
        actor,
        township,
        "training_session",
        session.id,
        representative=rep.id,
        day=day.isoformat(),
    )


def check_ins_of(session: TrainingSession) -> list[TrainingCheckIn]:
    return list(
        db.session.scalars(
            select(TrainingCheckIn)
            .where(TrainingCheckIn.session_id == session.id)
            .order_by(TrainingCheckIn.day, TrainingCheckIn.id)
        )
    )


def page_check_ins(
    actor: Actor,
    township: Township,
    session_id: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[TrainingCheckIn], int]:
    _read(actor, township)
    session = find_session(township, session_id)
    return paged(
        select(TrainingCheckIn).where(TrainingCheckIn.session_id == session.id),
        TrainingCheckIn.day,
        TrainingCheckIn.id,
        offset=offset,
        limit=limit,
    )


@dataclass(frozen=True)
class RollRow:
    representative: Representative
    invitation: TrainingInvitation
    checked_in: bool


def _found(rep: Representative, q: str) -> bool:
    """The roll's search: the name, its pinyin or initials (spaces and case ignored)."""
    key = "".join((rep.name, rep.name_pinyin or "", rep.name_initials or ""))
    return "".join(q.split()).lower() in "".join(key.split()).lower()


def roll(
    actor: Actor, township: Township, session_id: int, day: date, q: str = ""
) -> tuple[list[RollRow], int, int]:
    """(the invited matching `q` with whether they are checked in on `day`, by pinyin; how
    many are invited; how many are checked in that day)."""
    _write(actor, township)
    session = find_session(township, session_id)
    invitations = {i.representative_id: i for i in invitations_of(session)}
    present = {c.representative_id for c in check_ins_of(session) if c.day == day}
    reps = db.session.scalars(
        select(Representative)
        .where(Representative.id.in_(list(invitations)))
        .order_by(Representative.name_pinyin, Representative.id)
    )
    rows = [
        RollRow(rep, invitations[rep.id], rep.id in present)
        for rep in reps
        if not q or _found(rep, q)
    ]
    return rows, len(invitations), len(present)
