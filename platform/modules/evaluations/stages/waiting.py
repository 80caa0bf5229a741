"""What waits for whom (the to-do home): a representative's open evaluations not answered yet;
the committee's grades to decide; the office's campaigns due to open or about to close. One
query each; only what the actor may see. A rater reads only whether they answered themselves
(as `answered` does), never anything about another rater or an answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules.evaluations.models import Campaign, CampaignState, Rater, Receipt, Subject
from lianxin.modules.evaluations.stages.common import is_committee, is_office, settings
from lianxin.modules.waiting import Waiting, in_one, paged, pile, waiting
from lianxin.tenants.models import Township


def to_answer(actor: Actor, township: Township, today: date) -> Waiting:
    """The open evaluations the representative is a rater of and has not answered."""
    rep = casework.representative_of(actor, township)
    if rep is None:
        return Waiting()
    done = select(Receipt.rater_id).where(Receipt.campaign_id == Rater.campaign_id)
    return waiting(
        select(*pile(Campaign.id, Campaign.opened_at, Campaign.closes_on))
        .join(Rater, and_(Rater.campaign_id == Campaign.id, Rater.tenant_id == Campaign.tenant_id))
        .where(
            Rater.representative_id == rep.id,
            Rater.id.not_in(done),
            Campaign.state == CampaignState.OPEN,
            Campaign.opens_on <= today,
            Campaign.closes_on >= today,
        )
    )


def grades_to_decide(actor: Actor, township: Township) -> Waiting:
    """The committee's: subjects of counted, closed campaigns with a proposed grade and none
    decided yet, not about the member himself, and with the responsible leader's opinion when
    the township asks for it (the decision waits for it); `page_id` is the campaign when only
    one."""
    if not is_committee(actor, township):
        return Waiting()
    rep = casework.representative_of(actor, township)
    not_self = or_(Subject.user_id.is_(None), Subject.user_id != actor.user_id)
    if rep is not None:
        not_self = and_(
            not_self,
            or_(Subject.representative_id.is_(None), Subject.representative_id != rep.id),
        )
    query = (
        select(*pile(Subject.id, Campaign.counted_at), *in_one(Campaign.id))
        .join(
            Campaign,
            and_(Campaign.id == Subject.campaign_id, Campaign.tenant_id == Subject.tenant_id),
        )
        .where(
            Campaign.state == CampaignState.CLOSED,
            Campaign.counted_at.is_not(None),
            Subject.proposed_grade.is_not(None),
            Subject.grade.is_(None),
            not_self,
        )
    )
    if settings(township.id)["leader_opinion"]:
        query = query.where(Subject.leader_opinion.is_not(None))
    return paged(db.session.execute(query).one())


def opinions_to_record(actor: Actor, township: Township) -> Waiting:
    """The office's: subjects of counted, closed campaigns with a proposed grade, no grade yet
    and no responsible leader's opinion, which the committee's decision waits for (when the
    township asks for it); `page_id` is the campaign when only one."""
    if not is_office(actor, township) or not settings(township.id)["leader_opinion"]:
        return Waiting()
    query = (
        select(*pile(Subject.id, Campaign.counted_at), *in_one(Campaign.id))
        .join(
            Campaign,
            and_(Campaign.id == Subject.campaign_id, Campaign.tenant_id == Subject.tenant_id),
        )
        .where(
            Campaign.state == CampaignState.CLOSED,
            Campaign.counted_at.is_not(None),
            Subject.proposed_grade.is_not(None),
            Subject.grade.is_(None),
            Subject.leader_opinion.is_(None),
        )
    )
    return paged(db.session.execute(query).one())


@dataclass(frozen=True)
class OfficeWaiting:
    to_open: Waiting = field(default_factory=Waiting)  # drafts whose first day has come
    closing: Waiting = field(default_factory=Waiting)  # open, closing within `lead` days


def office_waiting(actor: Actor, township: Township, today: date, lead: int) -> OfficeWaiting:
    if not is_office(actor, township):
        return OfficeWaiting()
    columns = pile(Campaign.id, Campaign.created_at, Campaign.opens_on)
    to_open = waiting(
        select(*columns).where(Campaign.state == CampaignState.DRAFT, Campaign.opens_on <= today)
    )
    closing = waiting(
        select(*pile(Campaign.id, Campaign.opened_at, Campaign.closes_on)).where(
            Campaign.state == CampaignState.OPEN,
            Campaign.closes_on >= today,
            Campaign.closes_on <= date.fromordinal(today.toordinal() + lead),
        )
    )
    return OfficeWaiting(to_open, closing)
