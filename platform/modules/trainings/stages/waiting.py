"""What waits for whom (the to-do home): a representative's invitations to answer; the office's
leave requests to decide and the sessions under way today whose attendance is to be taken. One
query each; only what the actor may see."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.trainings.models import (
    Answer,
    Leave,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.common import is_office, representative_of
from lianxin.modules.waiting import Waiting, in_one, paged, pile
from lianxin.tenants.models import Township

_SESSION = and_(
    TrainingSession.id == TrainingInvitation.session_id,
    TrainingSession.tenant_id == TrainingInvitation.tenant_id,
)


def invitations_to_answer(actor: Actor, township: Township, today: date) -> Waiting:
    """The representative's invitations not answered yet, to sessions not over."""
    rep = representative_of(actor)
    if rep is None:
        return Waiting()
    row = db.session.execute(
        select(
            *pile(TrainingInvitation.id, TrainingInvitation.invited_at, TrainingSession.starts_on),
            *in_one(TrainingInvitation.session_id),
        )
        .join(TrainingSession, _SESSION)
        .where(
            TrainingInvitation.representative_id == rep.id,
            TrainingInvitation.answer == Answer.PENDING,
            TrainingSession.ends_on >= today,
            TrainingSession.cancelled_at.is_(None),
        )
    ).one()
    return paged(row)


def leave_to_decide(actor: Actor, township: Township) -> Waiting:
    """For the office: leave requests not decided yet."""
    if not is_office(actor, township):
        return Waiting()
    row = db.session.execute(
        select(
            *pile(TrainingInvitation.id, TrainingInvitation.answered_at, TrainingSession.starts_on),
            *in_one(TrainingInvitation.session_id),
        )
        .join(TrainingSession, _SESSION)
        .where(TrainingInvitation.leave == Leave.REQUESTED, TrainingSession.cancelled_at.is_(None))
    ).one()
    return paged(row)


def attendance_to_take(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: the sessions under way today (attendance is taken day by day)."""
    if not is_office(actor, township):
        return Waiting()
    row = db.session.execute(
        select(
            *pile(TrainingSession.id, TrainingSession.created_at, TrainingSession.ends_on),
            *in_one(TrainingSession.id),
        ).where(
            TrainingSession.starts_on <= today,
            TrainingSession.ends_on >= today,
            TrainingSession.cancelled_at.is_(None),
        )
    ).one()
    return paged(row)
