"""Lookups, access rules and labels every stage of a briefing shares."""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.briefings.errors import AlreadySent
from lianxin.modules.briefings.models import Audience, Briefing, Kind, Recipient, State
from lianxin.modules.kit import module_settings
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

MODULE_KEY = "briefings"

KIND_LABELS = {
    Kind.DECISION: _l("决策事项"),
    Kind.PROGRESS: _l("工作进展"),
    Kind.CONSULTATION: _l("征询意见结果"),
    Kind.OTHER: _l("其他"),
}
STATE_LABELS = {State.DRAFT: _l("草稿"), State.SENT: _l("已发出")}
AUDIENCE_LABELS = {
    Audience.ALL: _l("全体在任代表"),
    Audience.GROUPS: _l("指定代表小组"),
    Audience.NAMED: _l("指定代表"),
}


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return module_settings(township_id, MODULE_KEY)


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def _office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def own_representative(actor: Actor, township: Township) -> Representative | None:
    """The actor's own representative record in this township, if they are one."""
    if actor.user_id is None:
        return None
    return people.representative_for_user(township, actor.user_id)


def find_briefing(township: Township, briefing_id: int) -> Briefing:
    """The briefing in the request's township, without an access check (a foreign id: 404)."""
    briefing = db.session.get(Briefing, (township.id, int(briefing_id)))
    if briefing is None:
        raise NotFound(_l("未找到该通报"))
    return briefing


def recipient_of(briefing: Briefing, rep: Representative | None) -> Recipient | None:
    if rep is None or briefing.state != State.SENT:
        return None
    return db.session.scalar(
        select(Recipient).where(
            Recipient.briefing_id == briefing.id, Recipient.representative_id == rep.id
        )
    )


def get_briefing(actor: Actor, township: Township, briefing_id: int) -> Briefing:
    """A briefing the actor may read: the office any; a representative one sent to them
    (anything else is not found: a draft or another person's briefing does not show)."""
    permissions.require_member(actor, township)
    briefing = find_briefing(township, briefing_id)
    if is_office(actor, township):
        return briefing
    if recipient_of(briefing, own_representative(actor, township)) is None:
        raise NotFound(_l("未找到该通报"))
    return briefing


def _draft(actor: Actor, township: Township, briefing_id: int) -> Briefing:
    """A draft the office may change; a sent briefing never changes."""
    briefing = get_briefing(actor, township, briefing_id)
    _office(actor, township)
    if briefing.state != State.DRAFT:
        raise AlreadySent(_l("通报已发出，不能再修改；如需更正，请发一份更正通报"))
    return briefing


def _audit(action: str, actor: Actor, township: Township, briefing: Briefing, **after: Any) -> None:
    """Record `action` (its full code: "briefing.send") on the briefing."""
    audit.record(
        action,
        actor=actor,
        tenant_id=township.id,
        target_type="briefing",
        target_id=briefing.id,
        after=after or None,
    )
