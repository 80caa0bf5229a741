"""What waits for whom (the to-do home): a representative's invitations to answer and the
meetings they will sit in on; the office's suggestions not yet answered and the
representatives who have not sat in this term. One query each; only what the actor may see."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.sittings.models import Answer, Invitation, Meeting, Outcome, Suggestion
from lianxin.modules.sittings.stages.common import (
    is_office,
    representative_of,
    settings,
)
from lianxin.modules.waiting import Waiting, in_one, paged, pile
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import Township

_MEETING = and_(Meeting.id == Invitation.meeting_id, Meeting.tenant_id == Invitation.tenant_id)


def _mine(actor: Actor, answer: Answer, today: date) -> Waiting:
    rep = representative_of(actor)
    if rep is None:
        return Waiting()
    row = db.session.execute(
        select(
            *pile(Invitation.id, Invitation.invited_at, Meeting.held_on),
            *in_one(Invitation.meeting_id),
        )
        .join(Meeting, _MEETING)
        .where(
            Invitation.representative_id == rep.id,
            Invitation.answer == answer,
            Meeting.held_at.is_(None),
            Meeting.held_on >= today,
        )
    ).one()
    return paged(row)


def invitations_to_answer(actor: Actor, township: Township, today: date) -> Waiting:
    """The representative's invitations not answered yet, to meetings still to come."""
    return _mine(actor, Answer.PENDING, today)


def meetings_to_attend(actor: Actor, township: Township, today: date) -> Waiting:
    """The coming meetings the representative said they will sit in on."""
    return _mine(actor, Answer.CONFIRMED, today)


def suggestions_unanswered(actor: Actor, township: Township) -> Waiting:
    """The office's suggestions neither registered as a case nor answered in writing."""
    if not is_office(actor, township):
        return Waiting()
    row = db.session.execute(
        select(*pile(Suggestion.id, Suggestion.created_at), *in_one(Suggestion.meeting_id)).where(
            Suggestion.outcome == Outcome.PENDING
        )
    ).one()
    return paged(row)


def not_yet_sat_in(actor: Actor, township: Township) -> int:
    """For the office: how many representatives in office are below the minimum sittings of
    their term."""
    if not is_office(actor, township):
        return 0
    need = int(settings(township.id)["min_per_term"])
    if need <= 0:
        return 0
    sat = (
        select(func.count(Invitation.id))
        .where(
            Invitation.representative_id == Representative.id,
            Invitation.tenant_id == Representative.tenant_id,
            Invitation.term == Representative.term,
            Invitation.attended.is_(True),
        )
        .correlate(Representative)
        .scalar_subquery()
    )
    return int(
        db.session.scalar(
            select(func.count(Representative.id)).where(
                Representative.status == RepStatus.IN_OFFICE, sat < need
            )
        )
        or 0
    )
