"""Drafting a campaign: its title, kind, period and form (dimensions, weights, scale)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.modules.evaluations.errors import FormLocked
from lianxin.modules.evaluations.inputs import CampaignInput, FormInput
from lianxin.modules.evaluations.models import Campaign, CampaignState, Shape
from lianxin.modules.evaluations.stages.common import (
    DEFAULT_DIMENSIONS,
    SHAPE_LABELS,
    _audit,
    _require_office,
    _require_runner,
    get_campaign,
)
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case


def list_campaigns(actor: Actor, township: Township) -> list[Campaign]:
    permissions.require_member(actor, township)
    return list(
        db.session.scalars(select(Campaign).order_by(Campaign.opens_on.desc(), Campaign.id.desc()))
    )


@use_case
def create_campaign(actor: Actor, township: Township, data: CampaignInput) -> Campaign:
    """A draft campaign (the office) with the default form: ten dimensions of weight 1, scored
    1–10; its title is the township's only one of that name."""
    _require_office(actor, township)
    if db.session.scalar(select(Campaign.id).where(Campaign.title == data.title)):
        raise ValidationFailed(errors={"title": [_("已有同名的评议活动")]})
    campaign = Campaign(
        title=data.title,
        shape=data.shape,
        state=CampaignState.DRAFT,
        dimensions=[dict(d) for d in DEFAULT_DIMENSIONS],
        scale_min=1,
        scale_max=10,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
    )
    db.session.add(campaign)
    db.session.flush()
    _audit("create", actor, township, "evaluation_campaign", campaign.id, shape=data.shape)
    return campaign


def _draft(actor: Actor, township: Township, campaign_id: int, *, runner: bool = False) -> Campaign:
    """A draft campaign the actor may change: the office; a running step (`runner`: the notice,
    the opening) the evaluation group too."""
    campaign = get_campaign(actor, township, campaign_id)
    if runner:
        _require_runner(actor, township, campaign)
    else:
        _require_office(actor, township)
    if campaign.state != CampaignState.DRAFT:
        raise FormLocked(_("评议已开始，表单和评议对象不能再改"))
    return campaign


@use_case
def update_form(
    actor: Actor, township: Township, campaign_id: int, changes: Changes[FormInput]
) -> Campaign:
    """Dimensions, weights, scale and period — while the campaign is a draft only. A new
    dimension gets a key of its own, never one derived from its place; the scale and the
    period, changed in part, must still make sense with what they had."""
    campaign = _draft(actor, township, campaign_id)
    errors: dict[str, list[str]] = {}
    if "dimensions" in changes:
        campaign.dimensions = [
            {
                "key": d.key or f"d{uuid.uuid4().hex[:8]}",
                "label": d.label,
                "weight": float(d.weight),
            }
            for d in changes["dimensions"]
        ]
    for name in ("scale_min", "scale_max"):
        if name in changes:
            setattr(campaign, name, changes[name])
    if campaign.scale_min >= campaign.scale_max:
        errors["scale_max"] = [_("分值范围不正确")]
    if "opens_on" in changes or "closes_on" in changes:
        opens_on = changes.get("opens_on", campaign.opens_on)
        closes_on = changes.get("closes_on", campaign.closes_on)
        if closes_on < opens_on:
            errors["closes_on"] = [_("结束日期不能早于开始日期")]
        else:
            campaign.opens_on, campaign.closes_on = opens_on, closes_on
    if errors:
        raise ValidationFailed(errors=errors)  # @use_case takes back what was set above
    _audit(
        "form",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        dimensions=len(campaign.dimensions),
    )
    return campaign


def shapes() -> Iterable[tuple[str, str]]:
    return [(s.value, SHAPE_LABELS[s]) for s in Shape]
