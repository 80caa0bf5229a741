"""Drafting a campaign: its title, kind, period and form (dimensions, weights, scale)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.modules.evaluations.errors import (
    FormLocked,
)
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    Shape,
)
from lianxin.modules.evaluations.stages.common import (
    DEFAULT_DIMENSIONS,
    SHAPE_LABELS,
    _audit,
    _require_office,
    get_campaign,
)
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def list_campaigns(actor: Actor, township: Township) -> list[Campaign]:
    permissions.require_member(actor, township)
    return list(
        db.session.scalars(select(Campaign).order_by(Campaign.opens_on.desc(), Campaign.id.desc()))
    )


def _dates(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, date]:
    out: dict[str, date] = {}
    for name in ("opens_on", "closes_on"):
        raw = data.get(name)
        try:
            out[name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            errors[name] = [_("日期格式不正确")]
    if len(out) == 2 and out["closes_on"] < out["opens_on"]:
        errors["closes_on"] = [_("结束日期不能早于开始日期")]
    return out


@use_case
def create_campaign(actor: Actor, township: Township, data: Mapping[str, Any]) -> Campaign:
    _require_office(actor, township)
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 100:
        errors["title"] = [_("请填写活动名称（不超过100字）")]
    shape = str(data.get("shape") or "")
    if shape not in set(Shape):
        errors["shape"] = [_("请选择评议类型")]
    dates = _dates(data, errors)
    if not errors and db.session.scalar(select(Campaign.id).where(Campaign.title == title)):
        errors["title"] = [_("已有同名的评议活动")]
    if errors:
        raise ValidationFailed(errors=errors)
    campaign = Campaign(
        title=title,
        shape=shape,
        state=CampaignState.DRAFT,
        dimensions=[dict(d) for d in DEFAULT_DIMENSIONS],
        scale_min=1,
        scale_max=10,
        **dates,
    )
    db.session.add(campaign)
    db.session.flush()
    _audit("create", actor, township, "evaluation_campaign", campaign.id, shape=shape)
    return campaign


def _draft(actor: Actor, township: Township, campaign_id: Any) -> Campaign:
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    if campaign.state != CampaignState.DRAFT:
        raise FormLocked(_("评议已开始，表单和评议对象不能再改"))
    return campaign


@use_case
def update_form(
    actor: Actor, township: Township, campaign_id: Any, data: Mapping[str, Any]
) -> Campaign:
    """Dimensions, weights, scale and period — while the campaign is a draft only."""
    campaign = _draft(actor, township, campaign_id)
    errors: dict[str, list[str]] = {}
    if "dimensions" in data:
        dims = []
        for n, raw in enumerate(data.get("dimensions") or [], start=1):
            label = str((raw or {}).get("label") or "").strip()
            try:
                weight = float((raw or {}).get("weight", 1))
            except (TypeError, ValueError):
                weight = -1
            if not label or len(label) > 30 or not 0 < weight <= 100:
                errors["dimensions"] = [
                    _("第 %(n)d 项：请填写名称（不超过30字）和大于0的权重", n=n)
                ]
                break
            key = str((raw or {}).get("key") or "") or f"d{uuid.uuid4().hex[:8]}"
            dims.append({"key": key, "label": label, "weight": weight})
        if not dims and "dimensions" not in errors:
            errors["dimensions"] = [_("至少需要一项评议内容")]
        if len({d["key"] for d in dims}) != len(dims):
            errors["dimensions"] = [_("评议内容重复")]
        if not errors:
            campaign.dimensions = dims
    for name in ("scale_min", "scale_max"):
        if name in data:
            try:
                setattr(campaign, name, int(data[name]))
            except (TypeError, ValueError):
                errors[name] = [_("请填写整数")]
    if (
        campaign.scale_min >= campaign.scale_max
        or campaign.scale_min < 0
        or campaign.scale_max > 100
    ):
        errors["scale_max"] = [_("分值范围不正确")]
    if "opens_on" in data or "closes_on" in data:
        dates = _dates(
            {
                "opens_on": data.get("opens_on", campaign.opens_on),
                "closes_on": data.get("closes_on", campaign.closes_on),
            },
            errors,
        )
        if not errors:
            campaign.opens_on, campaign.closes_on = dates["opens_on"], dates["closes_on"]
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
