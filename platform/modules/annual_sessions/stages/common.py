"""What every stage of an annual session shares: settings, lookups, who is who, audit."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, TypeVar

from flask_babel import gettext as _

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.db.lookup import tenant_get
from lianxin.modules import kit
from lianxin.modules.annual_sessions.models import ItemKind
from lianxin.tenants.models import Township

log = logging.getLogger("lianxin.annual_sessions")

MODULE_KEY = "annual_sessions"
CHOICES = ("yes", "no", "abstain")
COUNT_TOPIC = "annual_sessions.count"
SECRET_KINDS = (ItemKind.ELECTION, ItemKind.PERSONNEL)
T = TypeVar("T")


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return kit.module_settings(township_id, MODULE_KEY)


def _today(given: date | None = None) -> date:
    """The Asia/Shanghai date (or `given`)."""
    return kit.today(given)


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _text(value: Any, name: str, limit: int, message: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        errors[name] = [message]
    return text


def _count(value: Any, name: str, errors: dict[str, list[str]]) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        errors[name] = [_("请填写 0 或正整数")]
    return number


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


def _audit(
    action: str, actor: Actor, township: Township, target: str, target_id: Any, **after: Any
) -> None:
    audit.record(
        f"annual_session.{action}",
        actor=actor,
        tenant_id=township.id,
        target_type=target,
        target_id=target_id,
        after=after or None,
    )


def _date(raw: Any, name: str, errors: dict[str, list[str]]) -> date | None:
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        errors[name] = [_("日期格式不正确")]
        return None
