"""Handling units and the users who answer for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people.models import (
    HandlingUnit,
    UnitKind,
    UnitLevel,
)
from lianxin.people.stages.common import _can_read, _can_write, clean_phone
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- handling units -----------------------------------------------------------------------------

UNIT_FIELDS = ("name", "level", "kind", "contact_name", "phone", "is_active")


def _clean_unit(
    data: Mapping[str, Any], *, partial: bool, except_id: int | None = None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "name" in data or not partial:
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            errors["name"] = [_("请填写名称（不超过100字）")]
        else:
            query = select(HandlingUnit.id).where(HandlingUnit.name == name)
            if except_id is not None:
                query = query.where(HandlingUnit.id != except_id)
            if db.session.scalar(query) is not None:
                errors["name"] = [_("已有同名的承办单位")]
            out["name"] = name
    for field, allowed in (("level", set(UnitLevel)), ("kind", set(UnitKind))):
        if field in data:
            if data[field] not in allowed:
                errors[field] = [_("不认识的取值")]
            out[field] = data[field]
    if "contact_name" in data:
        out["contact_name"] = str(data.get("contact_name") or "").strip() or None
    if "phone" in data:
        try:
            out["phone"] = clean_phone(data["phone"])
        except ValueError:
            errors["phone"] = [_("电话格式不正确")]
    if "is_active" in data:
        out["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def list_units(actor: Actor, township: Township) -> list[HandlingUnit]:
    _can_read(actor, township)
    return list(
        db.session.scalars(
            select(HandlingUnit).order_by(
                HandlingUnit.is_active.desc(), HandlingUnit.level, HandlingUnit.name
            )
        )
    )


def get_unit(actor: Actor, township: Township, unit_id: int) -> HandlingUnit:
    _can_read(actor, township)
    unit = db.session.get(HandlingUnit, (township.id, unit_id))
    if unit is None:
        raise NotFound(_("未找到该承办单位"))
    return unit


@use_case
def create_unit(actor: Actor, township: Township, data: Mapping[str, Any]) -> HandlingUnit:
    _can_write(actor, township)
    values = {
        "level": UnitLevel.TOWNSHIP.value,
        "kind": UnitKind.DEPARTMENT.value,
        "is_active": True,
        **_clean_unit(data, partial=False),
    }
    unit = HandlingUnit(**values)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        "unit.created",
        actor=actor,
        tenant_id=township.id,
        target_type="unit",
        target_id=unit.id,
        after={f: getattr(unit, f) for f in UNIT_FIELDS},
    )
    return unit


@use_case
def update_unit(
    actor: Actor, township: Township, unit_id: int, data: Mapping[str, Any]
) -> HandlingUnit:
    unit = get_unit(actor, township, unit_id)
    _can_write(actor, township)
    before = {f: getattr(unit, f) for f in UNIT_FIELDS}
    for field, value in _clean_unit(data, partial=True, except_id=unit.id).items():
        setattr(unit, field, value)
    audit.record(
        "unit.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="unit",
        target_id=unit.id,
        before=before,
        after={f: getattr(unit, f) for f in UNIT_FIELDS},
    )
    return unit


def unit_users(actor: Actor, township: Township, unit_id: int) -> list[Membership]:
    get_unit(actor, township, unit_id)
    return list(
        db.session.scalars(
            select(Membership).where(
                Membership.tenant_id == township.id, Membership.unit_id == unit_id
            )
        )
    )


def add_unit_user(
    actor: Actor,
    township: Township,
    unit_id: int,
    *,
    user_id: int | None = None,
    username: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
) -> accounts.NewMember:
    """A user who answers for the unit (role `handling_unit`, scoped to it)."""
    get_unit(actor, township, unit_id)
    return accounts.add_township_member(
        actor,
        township,
        role=Role.HANDLING_UNIT,
        user_id=user_id,
        username=username,
        display_name=display_name,
        phone=phone,
        unit_id=unit_id,
    )
