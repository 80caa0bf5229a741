"""What waits for whom (the to-do home): a representative's consultations still to answer; the
office's open ones closing within the township's warning days, and the closed ones still
waiting for the committee's answer. One query each; only what the actor may see."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, select

from lianxin.auth.actor import Actor
from lianxin.modules.consultations.models import Consultation, Invitee, Receipt, State
from lianxin.modules.consultations.stages.common import (
    is_office,
    own_representative,
    settings,
)
from lianxin.modules.kit import today
from lianxin.modules.waiting import Waiting, pile, waiting
from lianxin.tenants.models import Township


def to_answer(actor: Actor, township: Township) -> Waiting:
    """Open consultations the acting representative was asked in and has not answered."""
    rep = own_representative(actor, township)
    if rep is None:
        return Waiting()
    voted = select(Receipt.invitee_id)
    return waiting(
        select(*pile(Consultation.id, Consultation.opened_at, Consultation.deadline))
        .join(
            Invitee,
            and_(
                Invitee.consultation_id == Consultation.id,
                Invitee.tenant_id == Consultation.tenant_id,
            ),
        )
        .where(
            Invitee.representative_id == rep.id,
            Invitee.answered_at.is_(None),
            Invitee.id.not_in(voted),
            Consultation.state == State.OPEN,
            Consultation.deadline >= today(),
        )
    )


def closing_soon(actor: Actor, township: Township) -> Waiting:
    """Open consultations whose deadline falls within the township's warning days (office)."""
    if not is_office(actor, township):
        return Waiting()
    day = today()
    last = day + timedelta(days=int(settings(township.id)["closing_days"]))
    return waiting(
        select(*pile(Consultation.id, Consultation.opened_at, Consultation.deadline)).where(
            Consultation.state == State.OPEN,
            Consultation.deadline >= day,
            Consultation.deadline <= last,
        )
    )


def feedback_due(actor: Actor, township: Township) -> Waiting:
    """Closed consultations whose answer has not gone back to the representatives (office)."""
    if not is_office(actor, township):
        return Waiting()
    return waiting(
        select(*pile(Consultation.id, Consultation.closed_at)).where(
            Consultation.state == State.CLOSED
        )
    )
