"""Representative groups and who belongs to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.people.inputs import GroupInput
from lianxin.people.models import (
    GroupMembership,
    GroupRole,
    Representative,
    RepresentativeGroup,
)
from lianxin.people.stages.common import _can_read, _can_write, _move_group
from lianxin.people.stages.roster import get_representative
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case

# --- groups -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupView:
    group: RepresentativeGroup
    members: list[tuple[Representative, str]]

    def holder(self, role: str) -> Representative | None:
        return next((rep for rep, r in self.members if r == role), None)


def list_groups(actor: Actor, township: Township) -> list[GroupView]:
    _can_read(actor, township)
    groups = db.session.scalars(
        select(RepresentativeGroup).order_by(
            RepresentativeGroup.is_active.desc(), RepresentativeGroup.name
        )
    ).all()
    rows = db.session.execute(
        select(GroupMembership.group_id, GroupMembership.role, Representative)
        .join(Representative, Representative.id == GroupMembership.representative_id)
        .where(GroupMembership.ended_on.is_(None))
        .order_by(Representative.name_pinyin)
    ).all()
    members: dict[int, list[tuple[Representative, str]]] = {}
    for group_id, role, rep in rows:
        members.setdefault(group_id, []).append((rep, role))
    return [GroupView(g, members.get(g.id, [])) for g in groups]


def get_group(actor: Actor, township: Township, group_id: int) -> GroupView:
    _can_read(actor, township)
    group = db.session.get(RepresentativeGroup, (township.id, group_id))
    if group is None:
        raise NotFound(_("未找到该代表小组"))
    return next(v for v in list_groups(actor, township) if v.group.id == group_id)


def group_history(
    actor: Actor, township: Township, group_id: int
) -> list[tuple[GroupMembership, Representative]]:
    get_group(actor, township, group_id)
    return [
        (gm, rep)
        for gm, rep in db.session.execute(
            select(GroupMembership, Representative)
            .join(Representative, Representative.id == GroupMembership.representative_id)
            .where(GroupMembership.group_id == group_id)
            .order_by(GroupMembership.started_on.desc(), GroupMembership.id.desc())
        ).all()
    ]


def representative_groups(
    actor: Actor, township: Township, rep_id: int
) -> list[tuple[GroupMembership, RepresentativeGroup]]:
    """A representative's group history, newest first."""
    get_representative(actor, township, rep_id)
    return [
        (gm, group)
        for gm, group in db.session.execute(
            select(GroupMembership, RepresentativeGroup)
            .join(RepresentativeGroup, RepresentativeGroup.id == GroupMembership.group_id)
            .where(GroupMembership.representative_id == rep_id)
            .order_by(GroupMembership.started_on.desc(), GroupMembership.id.desc())
        ).all()
    ]


def _unique_group_name(name: str, except_id: int | None = None) -> str:
    query = select(RepresentativeGroup.id).where(RepresentativeGroup.name == name)
    if except_id is not None:
        query = query.where(RepresentativeGroup.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的代表小组")]})
    return name


@use_case
def create_group(actor: Actor, township: Township, data: GroupInput) -> RepresentativeGroup:
    _can_write(actor, township)
    group = RepresentativeGroup(
        name=_unique_group_name(data.name),
        description=data.description,
        is_active=data.is_active,
    )
    db.session.add(group)
    db.session.flush()
    audit.record(
        "group.created",
        actor=actor,
        tenant_id=township.id,
        target_type="group",
        target_id=group.id,
        after={"name": group.name},
    )
    return group


@use_case
def update_group(
    actor: Actor, township: Township, group_id: int, changes: Changes[GroupInput]
) -> RepresentativeGroup:
    group = get_group(actor, township, group_id).group
    _can_write(actor, township)
    before = {"name": group.name, "description": group.description, "is_active": group.is_active}
    if "name" in changes:
        group.name = _unique_group_name(changes["name"], except_id=group.id)
    if "description" in changes:
        group.description = changes["description"]
    if "is_active" in changes:
        group.is_active = changes["is_active"]
    audit.record(
        "group.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="group",
        target_id=group.id,
        before=before,
        after={"name": group.name, "description": group.description, "is_active": group.is_active},
    )
    return group


@use_case
def assign_to_group(
    actor: Actor,
    township: Township,
    *,
    rep_id: int,
    group_id: int | None,
    role: str = GroupRole.MEMBER,
    on: date | None = None,
) -> Representative:
    """Put a representative in a group with a role; a group has one leader, deputy and liaison.

    Giving a role another member holds moves that member to an ordinary member, with history.
    """
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    on = on or shanghai_today()
    if role not in set(GroupRole):
        raise ValidationFailed(errors={"role": [_("不认识的角色")]})
    if group_id is not None:
        get_group(actor, township, group_id)
        if not rep.in_office:
            raise Conflict(_("资格已终止的代表不能加入代表小组"))
    before = {"group_id": rep.group_id}
    if group_id is not None and role != GroupRole.MEMBER:
        holders = db.session.scalars(
            select(GroupMembership).where(
                GroupMembership.group_id == group_id,
                GroupMembership.role == role,
                GroupMembership.ended_on.is_(None),
                GroupMembership.representative_id != rep.id,
            )
        ).all()
        for holder in holders:
            holder.ended_on = on
            db.session.add(
                GroupMembership(
                    group_id=group_id,
                    representative_id=holder.representative_id,
                    role=GroupRole.MEMBER,
                    started_on=on,
                )
            )
    _move_group(rep, group_id, role, on)
    audit.record(
        "group.member_assigned",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before=before,
        after={"group_id": group_id, "role": role},
    )
    return rep
