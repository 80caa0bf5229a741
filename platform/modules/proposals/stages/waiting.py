"""What waits for whom (the to-do home): the office's proposals to review and to assign and the
extension requests; the committee's inquiries; a unit's assignments; a representative's
invitations to co-sign and answers to rate. One query a pile; only what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentStatus,
    Extension,
    ExtensionStatus,
    Kind,
    Proposal,
    Signature,
    SignatureStatus,
    State,
)
from lianxin.modules.proposals.stages.common import is_committee, is_office, representative_of
from lianxin.modules.waiting import Waiting, as_waiting, pile, waiting
from lianxin.tenants.models import Township

# Waiting for the office to assign (again): accepted or rated unsatisfied (not an inquiry, which
# the committee answers).
TO_ASSIGN = (State.ACCEPTED, State.UNSATISFIED)


@dataclass(frozen=True)
class OfficeWaiting:
    to_review: Waiting = field(default_factory=Waiting)
    to_assign: Waiting = field(default_factory=Waiting)
    extensions: Waiting = field(default_factory=Waiting)


def office_waiting(actor: Actor, township: Township) -> OfficeWaiting:
    if not is_office(actor, township):
        return OfficeWaiting()
    columns = pile(Proposal.id, Proposal.updated_at)
    to_review = waiting(select(*columns).where(Proposal.state == State.SUBMITTED))
    to_assign = waiting(
        select(*columns).where(
            Proposal.state.in_([s.value for s in TO_ASSIGN]), Proposal.kind != Kind.INQUIRY
        )
    )
    extensions = waiting(
        select(*pile(Assignment.proposal_id, Extension.created_at, distinct=True))
        .join(
            Assignment,
            and_(
                Assignment.id == Extension.assignment_id,
                Assignment.tenant_id == Extension.tenant_id,
            ),
        )
        .where(Extension.status == ExtensionStatus.PENDING)
    )
    return OfficeWaiting(to_review, to_assign, extensions)


def inquiries_waiting(actor: Actor, township: Township) -> Waiting:
    """The inquiries (质询) the committee has to answer."""
    if not is_committee(actor, township):
        return Waiting()
    return waiting(
        select(*pile(Proposal.id, Proposal.updated_at)).where(
            Proposal.kind == Kind.INQUIRY, Proposal.state.in_([s.value for s in TO_ASSIGN])
        )
    )


@dataclass(frozen=True)
class UnitWaiting:
    assigned: Waiting = field(default_factory=Waiting)
    overdue: int = 0


def unit_waiting(actor: Actor, township: Township, today: date) -> UnitWaiting:
    """The proposals assigned to the actor's units and not answered by them yet."""
    units = casework.unit_ids_of(actor, township)
    if not units:
        return UnitWaiting()
    row = db.session.execute(
        select(
            *pile(Assignment.proposal_id, Assignment.created_at, Assignment.due_on, distinct=True),
            func.count(case((Assignment.due_on < today, Assignment.proposal_id)).distinct()),
        ).where(Assignment.unit_id.in_(units), Assignment.status == AssignmentStatus.ACTIVE)
    ).one()
    return UnitWaiting(as_waiting(row), int(row[4] or 0))


@dataclass(frozen=True)
class RepresentativeWaiting:
    invitations: Waiting = field(default_factory=Waiting)
    to_rate: Waiting = field(default_factory=Waiting)


def representative_waiting(actor: Actor, township: Township) -> RepresentativeWaiting:
    """The drafts the representative is invited to co-sign, and their answered ones to rate."""
    rep = representative_of(actor, township)
    if rep is None:
        return RepresentativeWaiting()
    invitations = waiting(
        select(*pile(Signature.proposal_id, Proposal.updated_at))
        .join(
            Proposal,
            and_(Proposal.id == Signature.proposal_id, Proposal.tenant_id == Signature.tenant_id),
        )
        .where(
            Signature.representative_id == rep.id,
            Signature.status == SignatureStatus.INVITED,
            Proposal.state == State.DRAFT,
        )
    )
    to_rate = waiting(
        select(*pile(Proposal.id, Proposal.answered_at)).where(
            Proposal.author_id == rep.id,
            Proposal.state == State.ANSWERED,
            Proposal.rating.is_(None),
        )
    )
    return RepresentativeWaiting(invitations, to_rate)
