"""Registering a case, and the public lookup by tracking code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework.models import (
    Case,
    CaseEvent,
    CaseState,
    Channel,
    Complexity,
)
from lianxin.casework.stages.common import (
    CATEGORIES,
    _office_user_ids,
    _public_actor,
    _set_deadline,
    code_digest,
    is_office,
    new_tracking_code,
    representative_of,
    rule_for,
)
from lianxin.casework.stages.handling import rate
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.people.service import clean_phone
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- registering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCase:
    case: Case
    tracking_code: str


# Besides the office and representatives, the people of the liaison chain (三联) write down what
# they were told: committee members and branch liaisons.
RECORDING_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.BRANCH_LIAISON})


@use_case
def register(actor: Actor | None, township: Township, data: dict[str, Any]) -> NewCase:
    """Record a case. `actor` None means the person submitted it themselves (public web form).

    Staff recording for someone else (a walk-in, a call, a photographed paper form) are recorded
    as such. The reply clock starts now.
    """
    if actor is not None and not (
        is_office(actor, township)
        or representative_of(actor, township) is not None
        or actor.roles_in_township(township.id) & RECORDING_ROLES
    ):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    body = str(data.get("body") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("请填写标题（不超过200字）")]
    if not body or len(body) > 5000:
        errors["body"] = [_("请填写具体内容（不超过5000字）")]
    channel = str(data.get("channel") or (Channel.PUBLIC_WEB if actor is None else ""))
    public_channels = (Channel.PUBLIC_WEB, Channel.APPOINTED_VISIT)
    if channel not in set(Channel) or (actor is None and channel not in public_channels):
        errors["channel"] = [_("请选择来源渠道")]
    category = str(data.get("category") or "其他")
    if category not in CATEGORIES:
        errors["category"] = [_("请选择类别")]
    complexity = data.get("complexity") or None
    if complexity is not None and complexity not in set(Complexity):
        errors["complexity"] = [_("请选择简单或复杂")]
    anonymous = bool(data.get("anonymous"))
    name = str(data.get("raiser_name") or "").strip() or None
    if name and len(name) > 50:
        errors["raiser_name"] = [_("姓名过长")]
    try:
        phone = clean_phone(data.get("raiser_phone"))
    except ValueError:
        phone = None
        errors["raiser_phone"] = [_("手机号格式不正确")]
    if not anonymous and not phone and actor is None:
        errors["raiser_phone"] = [_("请留下手机号以便答复，或选择匿名")]
    received_by = data.get("received_by_id")
    if (
        received_by is not None
        and db.session.get(Representative, (township.id, int(received_by))) is None
    ):
        raise NotFound(_("未找到该代表"))
    if errors:
        raise ValidationFailed(errors=errors)
    if actor is not None and received_by is None:
        rep = representative_of(actor, township)
        received_by = rep.id if rep is not None else None
    code = new_tracking_code()
    now = utcnow()
    deadline = rule_for(township.id).deadline(deadlines.shanghai_today(now), complexity)
    case = Case(
        tracking_hash=code_digest(code),
        channel=channel,
        title=title,
        body=body,
        category=category,
        complexity=complexity,
        anonymous=anonymous,
        raiser_name=None if anonymous else name,
        raiser_phone=phone,
        source_type=data.get("source_type"),
        source_id=data.get("source_id"),
        recorded_by_id=actor.user_id if actor else None,
        on_behalf=actor is not None and bool(data.get("on_behalf", True)),
        received_by_id=received_by,
        state=CaseState.REGISTERED,
        created_at=now,
    )
    _set_deadline(case, deadline)
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CaseEvent(
            case_id=case.id,
            action="register",
            from_state=None,
            to_state=case.state,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else _("群众"),
            note=_("代为登记") if case.on_behalf else None,
        )
    )
    audit.record(
        "case.register",
        actor=actor or _public_actor(),
        tenant_id=township.id,
        target_type="case",
        target_id=case.id,
        after={"channel": channel, "state": case.state},
    )
    notify.notify(
        _office_user_ids(township),
        _("新诉求：%(t)s", t=title),
        _("请及时登记办理。"),
        tenant_id=township.id,
        dedupe_key=f"case:{township.id}:{case.id}:registered",
    )
    return NewCase(case, code)


def find_by_code(township: Township, code: str) -> Case:
    """The public lookup: a wrong code is simply not found (and the caller rate-limits)."""
    case = db.session.scalar(select(Case).where(Case.tracking_hash == code_digest(code or "")))
    if case is None:
        raise NotFound(_("查询码不正确"))
    return case


@use_case
def rate_by_code(township: Township, code: str, rating: str, comment: str | None) -> Case:
    return rate(township, find_by_code(township, code), rating, comment)
