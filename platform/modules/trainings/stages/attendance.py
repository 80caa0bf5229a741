"""Attendance, day by day: the office checks a representative in on a day of the session (on a
phone, from a searchable roll, one tap each), on that day or later; a check-in made by mistake
is taken back. The day is the Asia/Shanghai date.

A representative may also check themselves in by the day's QR code (`check_in_code.py`); such a
check-in is recorded by their own account (`checked_in_by_id`), the office's by its staff's, so
the roll and the API tell the two apart (`by_scan`) and the office can take back a doubtful one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.errors import TrainingRuleBroken
from lianxin.modules.trainings.models import (
    Answer,
    Half,
    Leave,
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
    if session.cancelled:
        raise TrainingRuleBroken(_("该培训已取消，不能签到"))
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


def _check_in_on(session_id: int, rep_id: int, day: date) -> TrainingCheckIn | None:
    return db.session.scalar(
        select(TrainingCheckIn).where(
            TrainingCheckIn.session_id == session_id,
            TrainingCheckIn.representative_id == rep_id,
            TrainingCheckIn.day == day,
        )
    )


def _insert_once(row: TrainingCheckIn) -> TrainingCheckIn | None:
    """Store a new check-in: None when stored, or the check-in of that representative and day
    that a request of the same moment stored first (a double tap, or the office's tap while the
    representative scans): both found none, and the unique key (tenant, session, representative,
    day) refuses the second row. The savepoint takes back only that row, not the transaction."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        first = _check_in_on(row.session_id, row.representative_id, row.day)
        if first is None:  # an integrity error of another kind
            raise
        return first
    return None


@use_case
def check_in(
    actor: Actor,
    township: Township,
    session_id: int,
    rep_id: int,
    *,
    day: date | None = None,
    half: str | None = None,
    today: date | None = None,
) -> TrainingCheckIn:
    """The representative is present on `day` (today when not given): a day of the session,
    not in the future; they must be invited. `half`: the whole day, or the morning or the
    afternoon only (half a day); when not given, the whole day, or the other half of the day
    of a half-day leave. A second tap is the same check-in; another half corrects it."""
    _write(actor, township)
    session = find_session(township, session_id)
    rep = find_representative(township, rep_id)
    now = kit_today(today)
    day = day or now
    _check_day(session, day, now)
    invitation = _invitation(session, rep.id)
    half = half or rest_of_day(invitation, day)
    done = _check_in_on(session.id, rep.id, day)
    if done is None:
        row = TrainingCheckIn(
            session_id=session.id,
            representative_id=rep.id,
            day=day,
            half=half,
            checked_in_by_id=actor.user_id,
        )
        done = _insert_once(row)
        if done is None:
            if invitation.answer == Answer.PENDING:
                invitation.answer = Answer.CONFIRMED
            db.session.flush()
            _audit_check_in(actor, township, session, rep.id, day, half)
            return row
    if done.half != half:
        done.half = half
        db.session.flush()
        _audit_check_in(actor, township, session, rep.id, day, half)
    return done


def _audit_check_in(
    actor: Actor, township: Township, session: TrainingSession, rep_id: int, day: date, half: str
) -> None:
    """The office's check-in of a representative on a day, new or corrected to another half."""
    _audit(
        "training.check_in",
        actor,
        township,
        "training_session",
        session.id,
        representative=rep_id,
        day=day.isoformat(),
        half=half,
    )


def rest_of_day(invitation: TrainingInvitation, day: date) -> str:
    """The half a representative is present on a day of their half-day leave (not refused):
    the afternoon when the morning is on leave, and the other way round; else the whole day."""
    if invitation.leave_day == day and invitation.leave in (Leave.REQUESTED, Leave.APPROVED):
        if invitation.leave_half == Half.MORNING:
            return Half.AFTERNOON
        if invitation.leave_half == Half.AFTERNOON:
            return Half.MORNING
    return Half.FULL


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


def _by_scan(row: TrainingCheckIn, rep: Representative) -> bool:
    """Whether the representative checked in by scanning the day's code: the check-in was
    recorded by their own account (`self_check_in`), not by the office's staff."""
    return row.checked_in_by_id is not None and row.checked_in_by_id == rep.user_id


def scanned_ids(rows: Iterable[TrainingCheckIn]) -> set[int]:
    """The ids of those of `rows` the representatives made by scanning the day's code
    (`_by_scan`, in one query)."""
    ids = [row.id for row in rows]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(TrainingCheckIn.id)
            .join(
                Representative,
                and_(
                    Representative.id == TrainingCheckIn.representative_id,
                    Representative.tenant_id == TrainingCheckIn.tenant_id,
                ),
            )
            .where(
                TrainingCheckIn.id.in_(ids),
                TrainingCheckIn.checked_in_by_id.is_not(None),
                Representative.user_id == TrainingCheckIn.checked_in_by_id,
            )
        )
    )


@dataclass(frozen=True)
class RollRow:
    representative: Representative
    invitation: TrainingInvitation
    checked_in: bool
    half: str | None = None  # the check-in's half (full/morning/afternoon), if checked in
    leave_half: str | None = None  # a half-day leave on the roll's day: its half
    scanned_at: datetime | None = None  # checked in by scanning the code (not the office): when


def _found(rep: Representative, q: str) -> bool:
    """The roll's search: the name, its pinyin or initials (spaces and case ignored)."""
    key = "".join((rep.name, rep.name_pinyin or "", rep.name_initials or ""))
    return "".join(q.split()).lower() in "".join(key.split()).lower()


def roll(
    actor: Actor, township: Township, session_id: int, day: date, q: str = ""
) -> tuple[list[RollRow], int, int]:
    """(the invited matching `q` with whether they are checked in on `day`, by pinyin, and
    when, if they checked themselves in by the code; how many are invited; how many are
    checked in that day)."""
    _write(actor, township)
    session = find_session(township, session_id)
    invitations = {i.representative_id: i for i in invitations_of(session)}
    present = {c.representative_id: c for c in check_ins_of(session) if c.day == day}
    reps = db.session.scalars(
        select(Representative)
        .where(Representative.id.in_(list(invitations)))
        .order_by(Representative.name_pinyin, Representative.id)
    )
    rows = []
    for rep in reps:
        if q and not _found(rep, q):
            continue
        done = present.get(rep.id)
        rows.append(
            RollRow(
                rep,
                invitations[rep.id],
                done is not None,
                done.half if done is not None else None,
                invitations[rep.id].leave_half if invitations[rep.id].leave_day == day else None,
                done.checked_in_at if done is not None and _by_scan(done, rep) else None,
            )
        )
    return rows, len(invitations), len(present)
