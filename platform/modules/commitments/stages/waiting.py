"""What waits for whom (the to-do home). The office: commitments to approve, and overdue ones
to close. A representative: their returned commitments to revise, approved ones due within the
township's reminder days, and approved ones to report progress on (overdue, or nothing noted
for a quarter). One query each; only what the actor may see."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select

from lianxin.auth.actor import Actor
from lianxin.modules.commitments.models import Commitment, Progress, Status
from lianxin.modules.commitments.stages.common import is_office, representative_of, settings
from lianxin.modules.registry import SHANGHAI
from lianxin.modules.waiting import Waiting, pile, waiting
from lianxin.tenants.models import Township

QUIET_DAYS = 90  # an open commitment with no progress noted for a quarter waits for a report


def to_approve(actor: Actor, township: Township) -> Waiting:
    """For the office: commitments written and waiting for approval."""
    if not is_office(actor, township):
        return Waiting()
    return waiting(
        select(*pile(Commitment.id, Commitment.updated_at, Commitment.due_on)).where(
            Commitment.status == Status.PENDING
        )
    )


def overdue(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: approved commitments whose deadline has passed, not closed yet."""
    if not is_office(actor, township):
        return Waiting()
    return waiting(
        select(*pile(Commitment.id, Commitment.approved_at, Commitment.due_on)).where(
            Commitment.status == Status.APPROVED, Commitment.due_on < today
        )
    )


def returned_to_me(actor: Actor, township: Township) -> Waiting:
    """The representative's commitments returned by the office, to revise."""
    rep = representative_of(actor)
    if rep is None:
        return Waiting()
    return waiting(
        select(*pile(Commitment.id, Commitment.updated_at, Commitment.due_on)).where(
            Commitment.representative_id == rep.id, Commitment.status == Status.RETURNED
        )
    )


def due_soon(actor: Actor, township: Township, today: date) -> Waiting:
    """The representative's approved commitments due from today to the reminder days ahead."""
    rep = representative_of(actor)
    if rep is None:
        return Waiting()
    days = int(settings(township.id)["remind_days"])
    return waiting(
        select(*pile(Commitment.id, Commitment.approved_at, Commitment.due_on)).where(
            Commitment.representative_id == rep.id,
            Commitment.status == Status.APPROVED,
            Commitment.due_on >= today,
            Commitment.due_on <= today + timedelta(days=days),
        )
    )


def to_report(actor: Actor, township: Township, today: date) -> Waiting:
    """The representative's approved commitments to report progress on: past their deadline
    (述诺 before the office's close), or with nothing noted for a quarter since approval."""
    rep = representative_of(actor)
    if rep is None:
        return Waiting()
    quiet = today - timedelta(days=QUIET_DAYS)
    quiet_since = datetime.combine(quiet, time(), SHANGHAI).astimezone(UTC)
    last = (
        select(func.max(Progress.noted_on))
        .where(Progress.commitment_id == Commitment.id, Progress.tenant_id == Commitment.tenant_id)
        .correlate(Commitment)
        .scalar_subquery()
    )
    return waiting(
        select(*pile(Commitment.id, Commitment.approved_at, Commitment.due_on)).where(
            Commitment.representative_id == rep.id,
            Commitment.status == Status.APPROVED,
            or_(
                Commitment.due_on < today,
                and_(
                    Commitment.approved_at < quiet_since,
                    or_(last.is_(None), last < quiet),
                ),
            ),
        )
    )
