"""Handling units and the users who answer for them."""

from __future__ import annotations

from dataclasses import asdict

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people.inputs import UnitInput
from lianxin.people.models import HandlingUnit
from lianxin.people.stages.common import _can_read, _can_write
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case

# --- handling units -----------------------------------------------------------------------------

UNIT_FIELDS = ("name", "level", "kind", "contact_name", "phone", "is_active")


def _unique_unit_name(name: str, except_id: int | None = None) -> None:
    query = select(HandlingUnit.id).where(HandlingUnit.name == name)
    if except_id is not None:
        query = query.where(HandlingUnit.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的承办单位")]})


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
def create_unit(actor: Actor, township: Township, data: UnitInput) -> HandlingUnit:
    _can_write(actor, township)
    _unique_unit_name(data.name)
    unit = HandlingUnit(**asdict(data))
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
    actor: Actor, township: Township, unit_id: int, changes: Changes[UnitInput]
) -> HandlingUnit:
    unit = get_unit(actor, township, unit_id)
    _can_write(actor, township)
    if "name" in changes:
        _unique_unit_name(changes["name"], except_id=unit.id)
    before = {f: getattr(unit, f) for f in UNIT_FIELDS}
    for field, value in changes.items():
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
