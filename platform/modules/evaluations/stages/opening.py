"""Opening a campaign (the eligible raters and their one-time links), links reissued, the close."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    Rater,
    RaterCategory,
    Shape,
)
from lianxin.modules.evaluations.stages.campaigns import (
    _draft,
)
from lianxin.modules.evaluations.stages.common import (
    COUNT_TOPIC,
    _audit,
    _digest,
    _get,
    _rater_name,
    _require_runner,
    _subjects,
    get_campaign,
    settings,
)
from lianxin.modules.evaluations.stages.running import check_notice
from lianxin.notify import service as notify
from lianxin.people.models import PartyMember, Representative
from lianxin.tenants.models import Township
from lianxin.usecases import commit_on_its_own, use_case


@dataclass
class IssuedLink:
    rater: Rater
    name: str
    token: str  # shown once, to hand out


@use_case
def open_campaign(actor: Actor, township: Township, campaign_id: int) -> list[IssuedLink]:
    """Fix the form, the subjects and the eligible raters; issue each rater a one-time link.
    The office or the evaluation group; not before the advance notice is `notice_days` old."""
    campaign = _draft(actor, township, campaign_id, runner=True)
    subs = _subjects(campaign)
    if not subs:
        raise ValidationFailed(errors={"subjects": [_("请先添加评议对象")]})
    if not campaign.dimensions:
        raise ValidationFailed(errors={"dimensions": [_("至少需要一项评议内容")]})
    check_notice(campaign)
    issued: list[IssuedLink] = []
    if campaign.shape in (Shape.COMMITTEE, Shape.DEPARTMENTS):
        for rep in db.session.scalars(select(Representative).order_by(Representative.name_pinyin)):
            if rep.in_office:
                issued.append(_new_rater(campaign, representative_id=rep.id, name=rep.name))
        for guest in db.session.scalars(
            select(Rater)
            .where(Rater.campaign_id == campaign.id, Rater.guest_name.is_not(None))
            .order_by(Rater.category, Rater.id)
        ):
            token = secrets.token_urlsafe(24)
            guest.token_hash = _digest(token)
            issued.append(IssuedLink(guest, guest.guest_name or "", token))
    elif campaign.shape == Shape.DUTY:
        branches = {
            r.branch_id
            for r in db.session.scalars(
                select(Representative).where(
                    Representative.id.in_(
                        [s.representative_id for s in subs if s.representative_id]
                    )
                )
            )
            if r.branch_id is not None
        }
        for member in db.session.scalars(
            select(PartyMember).where(
                PartyMember.branch_id.in_(branches), PartyMember.is_active.is_(True)
            )
        ):
            issued.append(
                _new_rater(
                    campaign,
                    party_member_id=member.id,
                    name=member.name,
                    category=RaterCategory.PARTY_MEMBER,
                )
            )
    rule = settings(township.id)
    campaign.min_answers = int(rule["min_answers"])
    campaign.answer_batch = max(int(rule["answer_batch"]), campaign.min_answers)
    campaign.cannot_evaluate = bool(rule["cannot_evaluate"])
    campaign.seal_salt = anonymous.new_salt()
    campaign.state, campaign.opened_at = CampaignState.OPEN, utcnow()
    _audit(
        "open",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        raters=len(issued),
        subjects=len(subs),
        min_answers=campaign.min_answers,
        answer_batch=campaign.answer_batch,
        cannot_evaluate=campaign.cannot_evaluate,
    )
    return issued


def _new_rater(campaign: Campaign, *, name: str, **who: Any) -> IssuedLink:
    token = secrets.token_urlsafe(24)
    rater = Rater(campaign_id=campaign.id, token_hash=_digest(token), **who)
    db.session.add(rater)
    db.session.flush()
    return IssuedLink(rater, name, token)


@use_case
def reissue_link(actor: Actor, township: Township, rater_id: int) -> IssuedLink:
    rater = _get(Rater, township, rater_id, _("未找到该评议人"))
    _require_runner(actor, township, get_campaign(actor, township, rater.campaign_id))
    token = secrets.token_urlsafe(24)
    rater.token_hash = _digest(token)
    _audit("link", actor, township, "evaluation_rater", rater.id)
    return IssuedLink(rater, _rater_name(rater), token)


def raters(actor: Actor, township: Township, campaign_id: int) -> list[tuple[Rater, str]]:
    """Every eligible rater, to hand out or reissue links. Whether one has answered is not
    shown to the office: only how many (`participation`); the system reminds the rest."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_runner(actor, township, campaign)
    return [
        (r, _rater_name(r))
        for r in db.session.scalars(
            select(Rater).where(Rater.campaign_id == campaign.id).order_by(Rater.id)
        )
    ]


@use_case
def close_campaign(actor: Actor, township: Township, campaign_id: int) -> Campaign:
    """Close to answers; the worker then releases the last sealed answers and counts
    (`count_closed`), which proposes each subject's grade."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_runner(actor, township, campaign)
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    campaign.state, campaign.closed_at = CampaignState.CLOSED, utcnow()
    notify.enqueue(
        COUNT_TOPIC,
        {"campaign_id": campaign.id},
        tenant_id=township.id,
        dedupe_key=f"{COUNT_TOPIC}:{township.id}:{campaign.id}",
    )
    _audit("close", actor, township, "evaluation_campaign", campaign.id)
    commit_on_its_own("the count is queued on commit and may run at once: read its outcome back")
    # The count may already have run (Celery eager, or a quick worker) in its own session.
    db.session.expire_all()
    return campaign
