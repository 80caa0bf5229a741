"""Party members and households."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people.inputs import HouseholdInput, PartyMemberInput, clean_phone
from lianxin.people.models import (
    Household,
    PartyMember,
)
from lianxin.people.stages.common import _can_read, _can_write, _search, pinyin_of
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import Changes, use_case

# --- party members and households ---------------------------------------------------------------


def _branch_of(township: Township, branch_id: int) -> int:
    if db.session.get(Branch, (township.id, branch_id)) is None:
        raise NotFound(_("未找到该支部"))
    return branch_id


def _phone(value: str | None, message: str) -> str | None:
    """Checked after the branch: another township's branch is 404 whatever else is wrong."""
    try:
        return clean_phone(value)
    except ValueError:
        raise ValidationFailed(errors={"phone": [message]}) from None


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


def _member_saved(actor: Actor, township: Township, member: PartyMember) -> PartyMember:
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


@use_case
def create_party_member(actor: Actor, township: Township, data: PartyMemberInput) -> PartyMember:
    _can_write(actor, township)
    member = PartyMember(
        branch_id=_branch_of(township, data.branch_id),
        name=data.name,
        gender=data.gender,
        phone=_phone(data.phone, _("手机号格式不正确")),
        is_active=data.is_active,
    )
    member.name_pinyin, member.name_initials = pinyin_of(member.name)
    db.session.add(member)
    return _member_saved(actor, township, member)


@use_case
def update_party_member(
    actor: Actor, township: Township, member_id: int, changes: Changes[PartyMemberInput]
) -> PartyMember:
    _can_write(actor, township)
    member = get_party_member(actor, township, member_id)
    if "branch_id" in changes:
        member.branch_id = _branch_of(township, changes["branch_id"])
    if "name" in changes:
        member.name = changes["name"]
        member.name_pinyin, member.name_initials = pinyin_of(member.name)
    if "gender" in changes:
        member.gender = changes["gender"]
    if "phone" in changes:
        member.phone = _phone(changes["phone"], _("手机号格式不正确"))
    if "is_active" in changes:
        member.is_active = changes["is_active"]
    return _member_saved(actor, township, member)


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


def _household_saved(actor: Actor, township: Township, household: Household) -> Household:
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


@use_case
def create_household(actor: Actor, township: Township, data: HouseholdInput) -> Household:
    _can_write(actor, township)
    household = Household(
        branch_id=_branch_of(township, data.branch_id),
        head_name=data.head_name,
        address=data.address,
        phone=_phone(data.phone, _("电话格式不正确")),
        note=data.note,
        is_active=data.is_active,
    )
    db.session.add(household)
    return _household_saved(actor, township, household)


@use_case
def update_household(
    actor: Actor, township: Township, household_id: int, changes: Changes[HouseholdInput]
) -> Household:
    _can_write(actor, township)
    household = get_household(actor, township, household_id)
    if "branch_id" in changes:
        household.branch_id = _branch_of(township, changes["branch_id"])
    for field in ("head_name", "address", "note", "is_active"):
        if field in changes:
            setattr(household, field, changes[field])
    if "phone" in changes:
        household.phone = _phone(changes["phone"], _("电话格式不正确"))
    return _household_saved(actor, township, household)
