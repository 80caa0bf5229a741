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
    GroupKind,
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
        kind=data.kind,
    )
    db.session.add(group)
    db.session.flush()
    audit.record(
        "group.created",
        actor=actor,
        tenant_id=township.id,
        target_type="group",
        target_id=group.id,
        after={"name": group.name, "kind": group.kind},
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
    if "kind" in changes and changes["kind"] != group.kind:
        if db.session.scalar(
            select(GroupMembership.id).where(
                GroupMembership.group_id == group.id, GroupMembership.ended_on.is_(None)
            )
        ):
            raise ValidationFailed(errors={"kind": [_("小组已有成员，不能改变地域小组或专业小组")]})
        group.kind = changes["kind"]
    audit.record(
        "group.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="group",
        target_id=group.id,
        before=before,
        after={
            "name": group.name,
            "description": group.description,
            "is_active": group.is_active,
            "kind": group.kind,
        },
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
    An area group replaces the representative's area group (`group_id`; none: they leave it);
    a thematic group (专业小组) is joined beside it and the others, or their role in it changes.
    """
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    on = on or shanghai_today()
    if role not in set(GroupRole):
        raise ValidationFailed(errors={"role": [_("不认识的角色")]})
    group: RepresentativeGroup | None = None
    if group_id is not None:
        group = get_group(actor, township, group_id).group
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
    if group is not None and group.kind == GroupKind.THEMATIC:
        _join_thematic(rep, group, role, on)
        before = {"thematic_group_id": group.id}
    else:
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


def _current(rep_id: int, group_id: int) -> GroupMembership | None:
    return db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.representative_id == rep_id,
            GroupMembership.group_id == group_id,
            GroupMembership.ended_on.is_(None),
        )
    )


def _join_thematic(rep: Representative, group: RepresentativeGroup, role: str, on: date) -> None:
    """Join a thematic group (or take another role in it: the old row ends, with history)."""
    current = _current(rep.id, group.id)
    if current is not None:
        if current.role == role:
            return
        current.ended_on = on
    db.session.add(
        GroupMembership(group_id=group.id, representative_id=rep.id, role=role, started_on=on)
    )


@use_case
def remove_from_group(
    actor: Actor, township: Township, *, rep_id: int, group_id: int, on: date | None = None
) -> Representative:
    """A representative leaves a group (kept as history): their area group (`group_id` becomes
    none) or one of their thematic groups."""
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    on = on or shanghai_today()
    group = get_group(actor, township, group_id).group
    current = _current(rep.id, group.id)
    if current is None:
        raise Conflict(_("该代表不在这个小组中"))
    if group.kind == GroupKind.AREA:
        _move_group(rep, None, GroupRole.MEMBER, on)
    else:
        current.ended_on = on
    audit.record(
        "group.member_removed",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before={"group_id": group.id, "role": current.role},
        after={"group_id": None},
    )
    return rep


def thematic_groups(actor: Actor, township: Township, rep_id: int) -> list[RepresentativeGroup]:
    """The thematic groups (专业小组) a representative belongs to now, by name."""
    get_representative(actor, township, rep_id)
    return list(
        db.session.scalars(
            select(RepresentativeGroup)
            .join(GroupMembership, GroupMembership.group_id == RepresentativeGroup.id)
            .where(
                GroupMembership.representative_id == rep_id,
                GroupMembership.ended_on.is_(None),
                RepresentativeGroup.kind == GroupKind.THEMATIC,
            )
            .order_by(RepresentativeGroup.name)
        )
    )
