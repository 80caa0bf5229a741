"""Party members and households."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people import choices
from lianxin.people.models import (
    Household,
    PartyMember,
)
from lianxin.people.stages.common import _can_read, _can_write, _search, clean_phone, pinyin_of
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import use_case

# --- party members and households ---------------------------------------------------------------


def _branch_of(township: Township, value: Any) -> int:
    try:
        branch_id = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(errors={"branch_id": [_("请选择支部")]}) from None
    if db.session.get(Branch, (township.id, branch_id)) is None:
        raise NotFound(_("未找到该支部"))
    return branch_id


def list_party_members(
    actor: Actor,
    township: Township,
    *,
    q: str | None = None,
    branch_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[PartyMember], int]:
    _can_read(actor, township)
    query = _search(select(PartyMember), PartyMember, q)
    if branch_id is not None:
        query = query.where(PartyMember.branch_id == branch_id)
    return paged(query, PartyMember.name_pinyin, PartyMember.id, offset=offset, limit=limit)


def get_party_member(actor: Actor, township: Township, member_id: int) -> PartyMember:
    _can_read(actor, township)
    member = db.session.get(PartyMember, (township.id, member_id))
    if member is None:
        raise NotFound(_("未找到该党员"))
    return member


@use_case
def save_party_member(
    actor: Actor, township: Township, data: Mapping[str, Any], member_id: int | None = None
) -> PartyMember:
    _can_write(actor, township)
    member = (
        get_party_member(actor, township, member_id)
        if member_id is not None
        else PartyMember(is_active=True)
    )
    errors: dict[str, list[str]] = {}
    if "branch_id" in data or member_id is None:
        member.branch_id = _branch_of(township, data.get("branch_id"))
    if "name" in data or member_id is None:
        name = re.sub(r"\s+", "", str(data.get("name") or ""))
        if not name or len(name) > 50:
            errors["name"] = [_("请填写姓名")]
        member.name = name
        member.name_pinyin, member.name_initials = pinyin_of(name)
    if "gender" in data:
        member.gender = choices.key_for(choices.GENDER, str(data["gender"] or "")) or None
    if "phone" in data:
        try:
            member.phone = clean_phone(data["phone"])
        except ValueError:
            errors["phone"] = [_("手机号格式不正确")]
    if "is_active" in data:
        member.is_active = bool(data["is_active"])
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors=errors)
    if member_id is None:
        db.session.add(member)
    db.session.flush()
    audit.record(
        "party_member.saved",
        actor=actor,
        tenant_id=township.id,
        target_type="party_member",
        target_id=member.id,
        after={"name": member.name, "branch_id": member.branch_id, "is_active": member.is_active},
    )
    return member


def list_households(
    actor: Actor,
    township: Township,
    *,
    branch_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Household], int]:
    _can_read(actor, township)
    query = select(Household)
    if branch_id is not None:
        query = query.where(Household.branch_id == branch_id)
    return paged(
        query, Household.branch_id, Household.head_name, Household.id, offset=offset, limit=limit
    )


def get_household(actor: Actor, township: Township, household_id: int) -> Household:
    _can_read(actor, township)
    household = db.session.get(Household, (township.id, household_id))
    if household is None:
        raise NotFound(_("未找到该户"))
    return household


@use_case
def save_household(
    actor: Actor, township: Township, data: Mapping[str, Any], household_id: int | None = None
) -> Household:
    _can_write(actor, township)
    household = (
        get_household(actor, township, household_id)
        if household_id is not None
        else Household(is_active=True)
    )
    errors: dict[str, list[str]] = {}
    if "branch_id" in data or household_id is None:
        household.branch_id = _branch_of(township, data.get("branch_id"))
    if "head_name" in data or household_id is None:
        head = str(data.get("head_name") or "").strip()
        if not head or len(head) > 50:
            errors["head_name"] = [_("请填写户主姓名")]
        household.head_name = head
    if "address" in data:
        household.address = str(data.get("address") or "").strip() or None
    if "phone" in data:
        try:
            household.phone = clean_phone(data["phone"])
        except ValueError:
            errors["phone"] = [_("电话格式不正确")]
    if "note" in data:
        household.note = str(data.get("note") or "").strip() or None
    if "is_active" in data:
        household.is_active = bool(data["is_active"])
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors=errors)
    if household_id is None:
        db.session.add(household)
    db.session.flush()
    audit.record(
        "household.saved",
        actor=actor,
        tenant_id=township.id,
        target_type="household",
        target_id=household.id,
        after={"head_name": household.head_name, "branch_id": household.branch_id},
    )
    return household
