"""Participation (how many, never who) and the reminders of raters who have not answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import Conflict
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    PublicCode,
    Rater,
    Receipt,
    Shape,
)
from lianxin.modules.evaluations.stages.common import (
    _audit,
    _require_runner,
    get_campaign,
    settings,
)
from lianxin.modules.kit import today
from lianxin.notify import service as notify
from lianxin.notify.models import OutboxMessage
from lianxin.people.models import PartyMember, Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


@dataclass
class Participation:
    eligible: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.eligible if self.eligible else None


def participation(actor: Actor, township: Township, campaign_id: int) -> Participation:
    campaign = get_campaign(actor, township, campaign_id)
    return campaign_participation(campaign)


def campaign_participation(campaign: Campaign) -> Participation:
    if campaign.shape == Shape.PUBLIC:
        issued = db.session.scalar(
            select(func.count())
            .select_from(PublicCode)
            .where(PublicCode.campaign_id == campaign.id)
        )
        used = db.session.scalar(
            select(func.count())
            .select_from(PublicCode)
            .where(PublicCode.campaign_id == campaign.id, PublicCode.used.is_(True))
        )
        return Participation(issued or 0, used or 0)
    eligible = db.session.scalar(
        select(func.count()).select_from(Rater).where(Rater.campaign_id == campaign.id)
    )
    done = db.session.scalar(
        select(func.count()).select_from(Receipt).where(Receipt.campaign_id == campaign.id)
    )
    return Participation(eligible or 0, done or 0)


def _pending_raters(campaign: Campaign) -> list[Rater]:
    done = select(Receipt.rater_id).where(Receipt.campaign_id == campaign.id)
    return list(
        db.session.scalars(
            select(Rater).where(Rater.campaign_id == campaign.id, Rater.id.not_in(done))
        )
    )


@use_case
def remind_non_respondents(
    township: Township, campaign: Campaign, *, actor: Actor | None = None
) -> int:
    """The system reminds everyone who has not answered (inbox for an account, SMS for a phone
    without one); the office learns how many, never who. Once a day at most per campaign."""
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    day = today().isoformat()
    key = f"evaluations.remind:{township.id}:{campaign.id}:{day}"
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        raise Conflict(_("今天已经提醒过了"), code="already_reminded")
    pending = _pending_raters(campaign)
    title = _("请参加评议：%(t)s", t=campaign.title)
    body = _("评议将于 %(d)s 结束，请按时提交。", d=campaign.closes_on.isoformat())
    users: list[int] = []
    for rater in pending:
        person: Any
        if rater.guest_name is not None:
            continue  # named by the office, reached by it: no account, no phone kept
        if rater.representative_id is not None:
            person = db.session.get(Representative, (township.id, rater.representative_id))
        else:
            person = db.session.get(PartyMember, (township.id, rater.party_member_id))
        if person is None:
            continue
        if getattr(person, "user_id", None):
            users.append(person.user_id)
        elif person.phone:
            notify.enqueue(
                "sms",
                {"phone": person.phone, "text": f"{title} {body}", "confidential": True},
                tenant_id=township.id,
            )
    notify.notify(
        users,
        title,
        body,
        tenant_id=township.id,
        link=f"/t/{township.slug}/evaluations/{campaign.id}/answer",  # the form itself
        dedupe_key=key,
        kind="reminder",
        # Who has not answered yet is the rater's secret: the delivery report counts, never names.
        confidential=True,
    )
    if actor is not None:
        _audit("remind", actor, township, "evaluation_campaign", campaign.id, count=len(pending))
    return len(pending)


@use_case
def remind(actor: Actor, township: Township, campaign_id: int) -> int:
    """The office asks the system to remind those who have not answered yet."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_runner(actor, township, campaign)
    return remind_non_respondents(township, campaign, actor=actor)


def remind_due(township: Township) -> int:
    """The beat's reminder: open campaigns closing within the township's reminder days."""
    lead = int(settings(township.id)["reminder_days"])
    day = today()
    sent = 0
    for campaign in db.session.scalars(
        select(Campaign).where(Campaign.state == CampaignState.OPEN)
    ).all():
        if 0 <= (campaign.closes_on - day).days <= lead:
            try:
                sent += remind_non_respondents(township, campaign)
            except Conflict:
                continue  # reminded already today (its use case rolled back)
    return sent
