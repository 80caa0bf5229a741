"""What every stage of an annual session shares: settings, lookups, who is who, audit."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, TypeVar

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.db.lookup import tenant_get
from lianxin.modules import kit
from lianxin.modules.annual_sessions.inputs import CHOICES as CHOICES
from lianxin.modules.annual_sessions.models import ItemKind
from lianxin.tenants.models import Township

log = logging.getLogger("lianxin.annual_sessions")

MODULE_KEY = "annual_sessions"
COUNT_TOPIC = "annual_sessions.count"
SECRET_KINDS = (ItemKind.ELECTION, ItemKind.PERSONNEL)
T = TypeVar("T")


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return kit.module_settings(township_id, MODULE_KEY)


def _today(given: date | None = None) -> date:
    """The Asia/Shanghai date (or `given`)."""
    return kit.today(given)


def _get(model: type[T], township: Township, raw_id: int, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


def _audit(
    action: str, actor: Actor, township: Township, target: str, target_id: int, **after: Any
) -> None:
    audit.record(
        f"annual_session.{action}",
        actor=actor,
        tenant_id=township.id,
        target_type=target,
        target_id=target_id,
        after=after or None,
    )
