"""What every stage of the liaison chain shares: labels, settings, parsing the year and
quarter, who the actor is and the people at each end of a pair."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.liaison.models import (
    Level,
    Link,
    Method,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.people.models import Household, PartyMember, Representative
from lianxin.tenants.models import Township

log = logging.getLogger("lianxin.liaison")
T = TypeVar("T")

MODULE_KEY = "liaison"
CONTACT_SOURCE = "liaison_contact"
MEETING_SOURCE = "liaison_meeting"

LEVEL_LABELS = {
    Level.COMMITTEE_REP: _l("党委委员联系代表"),
    Level.REP_MEMBER: _l("代表联系党员"),
    Level.MEMBER_HOUSEHOLD: _l("党员联系群众"),
}
METHOD_LABELS = {
    Method.VISIT: _l("走访"),
    Method.TALK: _l("谈心谈话"),
    Method.MEETING: _l("座谈"),
    Method.PHONE: _l("电话"),
    Method.ACTIVITY: _l("活动"),
}
KIND_LABELS = {
    "committee": _l("党委委员"),
    "representative": _l("党代表"),
    "party_member": _l("党员"),
    "household": _l("群众户"),
}
# Which setting gives each level's minimum per upper end.
MINIMUM_SETTING = {
    Level.COMMITTEE_REP: "reps_per_committee_member",
    Level.REP_MEMBER: "members_per_rep",
    Level.MEMBER_HOUSEHOLD: "households_per_member",
}
PAIR_PREFIX = {Level.COMMITTEE_REP: "cr", Level.REP_MEMBER: "rm", Level.MEMBER_HOUSEHOLD: "mh"}


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return kit.module_settings(township_id, MODULE_KEY)


def _get(model: type[T], township: Township, row_id: int | None, message: str) -> T:
    """The township's row with this id; another township's (or none) is not found."""
    return tenant_get(model, township.id, row_id, message)


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def _year(year: int, field_name: str = "year") -> int:
    """A year the chain is planned for. Checked here rather than by the schema when the input
    names an id too: another township's id is not found before the year is complained about."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed(errors={field_name: [_("年度不正确")]})
    return year


def _quarter(year: int, number: int) -> Quarter:
    try:
        return Quarter(_year(year), number)
    except ValueError:
        raise ValidationFailed(errors={"quarter": [_("季度应为1至4")]}) from None


# --- who the actor is --------------------------------------------------------------------------


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def liaison_branches(actor: Actor, township: Township) -> frozenset[int]:
    """The branches this actor is the liaison of (branch_liaison memberships)."""
    return frozenset(
        g.branch_id
        for g in actor.grants
        if g.tenant_id == township.id and g.role is Role.BRANCH_LIAISON and g.branch_id
    )


def own_representative(actor: Actor, township: Township) -> Representative | None:
    return casework.representative_of(actor, township)


def sees_whole_chain(actor: Actor, township: Township) -> bool:
    return is_office(actor, township) or is_committee(actor, township)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


# --- the people at each end ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    kind: str  # committee / representative / party_member / household
    id: int
    name: str
    branch_id: int | None = None
    phone: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def committee_members(township: Township) -> list[User]:
    """Users holding the committee-member role in this township, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.tenant_id == township.id,
                Membership.role == Role.COMMITTEE_MEMBER.value,
            )
            .distinct()
            .order_by(User.display_name, User.id)
        )
    )


def _committee_user(township: Township, user_id: int | None) -> User:
    """A committee member of this township; anyone else (or no one) is not found."""
    if user_id is None:
        raise NotFound(_("未找到该党委委员"))
    member = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user_id,
            Membership.tenant_id == township.id,
            Membership.role == Role.COMMITTEE_MEMBER.value,
        )
    )
    user = db.session.get(User, user_id) if member is not None else None
    if user is None:
        raise NotFound(_("未找到该党委委员"))
    return user


def _committee_rep_record(township: Township, user_id: int) -> Representative | None:
    """The representative record of a committee member who is also a representative."""
    return db.session.scalar(select(Representative).where(Representative.user_id == user_id))


def _rep_in_office(township: Township, rep_id: int | None, field_name: str) -> Representative:
    rep = _get(Representative, township, rep_id, _("未找到该代表"))
    if not rep.in_office:
        raise ValidationFailed(errors={field_name: [_("该代表已终止代表资格")]})
    return rep


def _active_member(township: Township, member_id: int | None, field_name: str) -> PartyMember:
    member = _get(PartyMember, township, member_id, _("未找到该党员"))
    if not member.is_active:
        raise ValidationFailed(errors={field_name: [_("该党员已停用")]})
    return member


def _active_household(township: Township, household_id: int | None, field_name: str) -> Household:
    household = _get(Household, township, household_id, _("未找到该户"))
    if not household.is_active:
        raise ValidationFailed(errors={field_name: [_("该户已停用")]})
    return household


def person_of(row: User | Representative | PartyMember | Household) -> Person:
    if isinstance(row, User):
        return Person("committee", row.id, row.display_name, None, row.phone)
    if isinstance(row, Representative):
        return Person("representative", row.id, row.name, row.branch_id, row.phone)
    if isinstance(row, PartyMember):
        return Person("party_member", row.id, row.name, row.branch_id, row.phone)
    if isinstance(row, Household):
        return Person("household", row.id, row.head_name, row.branch_id, row.phone)
    raise TypeError(type(row))


class _People:
    """Every person a list of links names, loaded in four queries instead of one per row."""

    def __init__(self, links: Iterable[Link]) -> None:
        links = list(links)
        users = {x for lk in links for x in (lk.upper_user_id,) if x}
        reps = {x for lk in links for x in (lk.upper_rep_id, lk.lower_rep_id) if x}
        members = {x for lk in links for x in (lk.upper_member_id, lk.lower_member_id) if x}
        households = {lk.lower_household_id for lk in links if lk.lower_household_id}
        self.users = _by_id(User, users)
        self.reps = _by_id(Representative, reps)
        self.members = _by_id(PartyMember, members)
        self.households = _by_id(Household, households)

    def upper(self, link: Link) -> Person:
        if link.level == Level.COMMITTEE_REP:
            return person_of(self.users[link.upper_user_id])
        if link.level == Level.REP_MEMBER:
            return person_of(self.reps[link.upper_rep_id])
        return person_of(self.members[link.upper_member_id])

    def lower(self, link: Link) -> Person:
        if link.level == Level.COMMITTEE_REP:
            return person_of(self.reps[link.lower_rep_id])
        if link.level == Level.REP_MEMBER:
            return person_of(self.members[link.lower_member_id])
        return person_of(self.households[link.lower_household_id])


def _by_id(model: Any, ids: set[Any]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}
