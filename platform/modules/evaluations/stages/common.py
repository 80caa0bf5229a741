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
    RaterCategory,
    Shape,
    Subject,
    SubjectKind,
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


CATEGORY_LABELS = {
    RaterCategory.REPRESENTATIVE: "党代表",
    RaterCategory.PARTY_MEMBER: "党员",
    RaterCategory.AGENCY_CADRE: "机关干部",
    RaterCategory.VILLAGE_HEAD: "村党组织书记、村委会主任",
    RaterCategory.UNIT_HEAD: "直属单位负责人",
}
# The categories the office names raters of (not in the township's roll of representatives).
GUEST_CATEGORIES = (
    RaterCategory.AGENCY_CADRE,
    RaterCategory.VILLAGE_HEAD,
    RaterCategory.UNIT_HEAD,
)
MERGED_LABEL = "其他类别（各不足规定份数，合并计）"

SUBJECT_KIND_LABELS = {
    SubjectKind.MEMBER: "两委委员",
    SubjectKind.BODY: "党委、纪委领导班子（整体）",
    SubjectKind.CITY_REP: "市党代表",
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


def in_group(actor: Actor, campaign: Campaign) -> bool:
    """Whether the actor is one of the campaign's evaluation group (评议小组)."""
    return actor.user_id in {
        campaign.group_leader_id,
        campaign.group_member1_id,
        campaign.group_member2_id,
    } - {None}


def _require_runner(actor: Actor, township: Township, campaign: Campaign) -> None:
    """The running steps (notice, open, links, paper forms, reminders, close): the office, or a
    member of the campaign's evaluation group."""
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or in_group(actor, campaign)):
        raise PermissionDenied(_("只有联络办或本次评议小组成员可以办理"))


def can_run(actor: Actor, township: Township, campaign: Campaign) -> bool:
    return is_office(actor, township) or in_group(actor, campaign)


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
    if rater.guest_name is not None:
        return rater.guest_name
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


def campaign_year(campaign: Campaign) -> int:
    """The year a campaign grades. The season runs from December to mid-January, so a campaign
    opened in January or February grades the year before; any other, the year it opens in."""
    opens = campaign.opens_on
    return opens.year - 1 if opens.month <= 2 else opens.year


def _k(campaign: Campaign) -> int:
    """K of the campaign: frozen when it opened (a draft reads today's setting)."""
    return int(campaign.min_answers or settings(campaign.tenant_id)["min_answers"])
