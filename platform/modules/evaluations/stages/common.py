"""Lookups, rules and labels every stage of a campaign shares."""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import PermissionDenied
from lianxin.modules.evaluations.models import (
    Campaign,
    Grade,
    Rater,
    Shape,
    Subject,
)
from lianxin.modules.kit import module_settings
from lianxin.people.models import PartyMember, Representative
from lianxin.tenants.models import Township

MODULE_KEY = "evaluations"


T = TypeVar("T")


DEFAULT_DIMENSIONS = [
    {"key": key, "label": label, "weight": 1}
    for key, label in (
        ("morality", "思想品德"),
        ("leadership", "领导才能"),
        ("competence", "业务素质"),
        ("policy", "政策水平"),
        ("style", "工作作风"),
        ("integrity", "廉洁自律"),
        ("teamwork", "团结协作"),
        ("discipline", "遵纪守法"),
        ("dedication", "爱岗敬业"),
        ("results", "工作实绩"),
    )
]


SHAPE_LABELS = {
    Shape.COMMITTEE: "代表评议两委委员",
    Shape.DUTY: "党员评议代表述职",
    Shape.DEPARTMENTS: "代表评议乡镇部门",
    Shape.PUBLIC: "群众满意度测评",
}


GRADE_LABELS = {Grade.EXCELLENT: "优秀", Grade.COMPETENT: "称职", Grade.INCOMPETENT: "不称职"}


COUNT_TOPIC = "evaluations.count"


COMMENT_MAX = 500


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return module_settings(township_id, MODULE_KEY)


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


def _require_reader(actor: Actor, township: Township) -> None:
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()


def _audit(
    action: str, actor: Actor, township: Township, target: str, target_id: Any, **after: Any
) -> None:
    audit.record(
        f"evaluation.{action}",
        actor=actor,
        tenant_id=township.id,
        target_type=target,
        target_id=target_id,
        after=after or None,
    )


def get_campaign(actor: Actor, township: Township, campaign_id: int) -> Campaign:
    permissions.require_member(actor, township)
    return _get(Campaign, township, campaign_id, _("未找到该评议活动"))


def get_subject(actor: Actor, township: Township, subject_id: int) -> Subject:
    permissions.require_member(actor, township)
    return _get(Subject, township, subject_id, _("未找到该评议对象"))


def _subjects(campaign: Campaign) -> list[Subject]:
    return list(
        db.session.scalars(
            select(Subject).where(Subject.campaign_id == campaign.id).order_by(Subject.id)
        )
    )


def _committee_users(township: Township) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.tenant_id == township.id, Membership.role == Role.COMMITTEE_MEMBER.value
            )
            .order_by(User.id)
        )
    )


def is_subject_self(actor: Actor, township: Township, subject: Subject) -> bool:
    if subject.user_id is not None:
        return subject.user_id == actor.user_id
    if subject.representative_id is not None:
        rep = casework.representative_of(actor, township)
        return rep is not None and rep.id == subject.representative_id
    return False


def _rater_name(rater: Rater) -> str:
    if rater.representative_id is not None:
        rep = db.session.get(Representative, (rater.tenant_id, rater.representative_id))
        return rep.name if rep else ""
    member = db.session.get(PartyMember, (rater.tenant_id, rater.party_member_id))
    return member.name if member else ""


def cannot_evaluate_offered(campaign: Campaign) -> bool:
    """Whether the form offers “无法评价”: frozen when it opened (a draft reads the setting)."""
    if campaign.cannot_evaluate is not None:
        return bool(campaign.cannot_evaluate)
    return bool(settings(campaign.tenant_id)["cannot_evaluate"])


def _k(campaign: Campaign) -> int:
    """K of the campaign: frozen when it opened (a draft reads today's setting)."""
    return int(campaign.min_answers or settings(campaign.tenant_id)["min_answers"])
