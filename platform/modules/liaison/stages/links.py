"""The year's pairs of the chain: adding, removing, reading and listing them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.errors import Conflict, NotFound
from lianxin.modules import kit
from lianxin.modules.liaison.errors import AlreadyLinked
from lianxin.modules.liaison.inputs import LinkInput
from lianxin.modules.liaison.models import (
    BranchReview,
    Contact,
    Level,
    Link,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import (
    LEVEL_LABELS,
    PAIR_PREFIX,
    Person,
    _active_household,
    _active_member,
    _committee_user,
    _get,
    _People,
    _rep_in_office,
    _require_office,
    _year,
    is_office,
    liaison_branches,
    own_representative,
    person_of,
    sees_whole_chain,
)
from lianxin.people.models import Household, PartyMember, Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- links ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkView:
    link: Link
    upper: Person
    lower: Person
    contacts: int = 0  # contacts in the period asked for (the quarter of the list)

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[Level(self.link.level)])


def _pair_key(level: Level, upper_id: int, lower_id: int) -> str:
    return f"{PAIR_PREFIX[level]}:{upper_id}:{lower_id}"


def _upper_column(level: Level) -> Any:
    return {
        Level.COMMITTEE_REP: Link.upper_user_id,
        Level.REP_MEMBER: Link.upper_rep_id,
        Level.MEMBER_HOUSEHOLD: Link.upper_member_id,
    }[level]


def _lower_column(level: Level) -> Any:
    return {
        Level.COMMITTEE_REP: Link.lower_rep_id,
        Level.REP_MEMBER: Link.lower_member_id,
        Level.MEMBER_HOUSEHOLD: Link.lower_household_id,
    }[level]


def _upper_id(link: Link) -> int:
    value = link.upper_user_id or link.upper_rep_id or link.upper_member_id
    assert value is not None
    return value


def _lower_id(link: Link) -> int:
    value = link.lower_rep_id or link.lower_member_id or link.lower_household_id
    assert value is not None
    return value


def _active_links_query(year: int) -> Any:
    return select(Link).where(Link.year == year, Link.ended_on.is_(None))


Upper: TypeAlias = User | Representative | PartyMember  # who keeps in touch, by level
Lower: TypeAlias = Representative | PartyMember | Household  # with whom


def _resolve_ends(
    township: Township, level: Level, upper_id: int | None, lower_id: int | None
) -> tuple[Upper, Lower]:
    if level == Level.COMMITTEE_REP:
        return (
            _committee_user(township, upper_id),
            _rep_in_office(township, lower_id, "lower_id"),
        )
    if level == Level.REP_MEMBER:
        return (
            _rep_in_office(township, upper_id, "upper_id"),
            _active_member(township, lower_id, "lower_id"),
        )
    return (
        _active_member(township, upper_id, "upper_id"),
        _active_household(township, lower_id, "lower_id"),
    )


def _new_link(
    level: Level,
    year: int,
    upper: Upper,
    lower: Lower,
    started_on: date,
    actor: Actor,
    suggested: bool,
) -> Link:
    link = Link(
        year=year,
        level=level.value,
        pair_key=_pair_key(level, upper.id, lower.id),
        branch_id=lower.branch_id,
        suggested=suggested,
        started_on=started_on,
        created_by_id=actor.user_id,
    )
    if level == Level.COMMITTEE_REP:
        link.upper_user_id, link.lower_rep_id = upper.id, lower.id
    elif level == Level.REP_MEMBER:
        link.upper_rep_id, link.lower_member_id = upper.id, lower.id
    else:
        link.upper_member_id, link.lower_household_id = upper.id, lower.id
    return link


def _start_of(year: int, today: date) -> date:
    """A pair added during its year starts today; one planned ahead starts on 1 January."""
    return today if today.year == year else date(year, 1, 1)


def _unconfirm(year: int, branch_ids: Iterable[int | None]) -> None:
    """A change to a branch's part asks the branch to confirm it again."""
    ids = {b for b in branch_ids if b is not None}
    if ids:
        db.session.execute(
            delete(BranchReview).where(BranchReview.year == year, BranchReview.branch_id.in_(ids))
        )


def _holder(level: Level, year: int, lower_id: int) -> Link | None:
    return db.session.scalar(
        _active_links_query(year).where(Link.level == level.value, _lower_column(level) == lower_id)
    )


@use_case
def add_link(
    actor: Actor,
    township: Township,
    data: LinkInput,
    *,
    today: date | None = None,
) -> LinkView:
    """Pair two people for a year (liaison office). Someone of another township is not found
    (before the year is looked at); someone already kept in touch with at this level this year
    is refused (409)."""
    _require_office(actor, township)
    level = Level(data.level)
    upper, lower = _resolve_ends(township, level, data.upper_id, data.lower_id)
    year = _year(data.year)
    current = _holder(level, year, lower.id)
    if current is not None:
        holder = _People([current]).upper(current)
        raise AlreadyLinked(
            _("%(who)s今年已由%(holder)s联系", who=person_of(lower).name, holder=holder.name)
        )
    today = kit.today(today)
    key = _pair_key(level, upper.id, lower.id)
    link = db.session.scalar(select(Link).where(Link.year == year, Link.pair_key == key))
    if link is not None:  # the same pair ended earlier this year: take it up again
        link.ended_on = None
    else:
        link = _new_link(level, year, upper, lower, _start_of(year, today), actor, suggested=False)
        db.session.add(link)
    db.session.flush()
    _unconfirm(year, [link.branch_id])
    audit.record(
        "liaison.link.add",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_link",
        target_id=link.id,
        after={"year": year, "level": level.value, "pair": key},
    )
    return LinkView(link, person_of(upper), person_of(lower))


@use_case
def remove_link(
    actor: Actor, township: Township, link_id: int, *, today: date | None = None
) -> Link | None:
    """Take a pair off the chain: one with contacts is ended (kept for the record), one without
    is deleted. Returns the ended link, or None when it was deleted."""
    _require_office(actor, township)
    link = _get(Link, township, link_id, _("未找到该联系安排"))
    if link.ended_on is not None:
        raise Conflict(_("该联系安排已经结束"))
    has_contacts = db.session.scalar(select(func.count()).where(Contact.link_id == link.id))
    before = {"year": link.year, "pair": link.pair_key}
    _unconfirm(link.year, [link.branch_id])
    result: Link | None
    if has_contacts:
        link.ended_on = max(kit.today(today), link.started_on)
        result = link
    else:
        db.session.delete(link)
        result = None
    audit.record(
        "liaison.link.remove",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_link",
        target_id=link_id,
        before=before,
        after={"ended": result is not None},
    )
    return result


def can_read_link(actor: Actor, township: Township, link: Link) -> bool:
    if sees_whole_chain(actor, township):
        return True
    if link.branch_id is not None and link.branch_id in liaison_branches(actor, township):
        return True
    rep = own_representative(actor, township)
    return rep is not None and rep.id in (link.upper_rep_id, link.lower_rep_id)


def can_record(actor: Actor, township: Township, link: Link, *, personal: bool = False) -> bool:
    """Who may record a contact along a pair: the office, the upper end themselves, and for a
    party member's households the branch liaison or the representative keeping that member.
    `personal`: leave the office's right out (the pairs that are one's own to keep)."""
    if not personal and is_office(actor, township):
        return True
    level = Level(link.level)
    if level == Level.COMMITTEE_REP:
        return actor.user_id is not None and link.upper_user_id == actor.user_id
    rep = own_representative(actor, township)
    if level == Level.REP_MEMBER:
        return rep is not None and link.upper_rep_id == rep.id
    if link.branch_id is not None and link.branch_id in liaison_branches(actor, township):
        return True
    if rep is None:
        return False
    keeper = _holder(Level.REP_MEMBER, link.year, link.upper_member_id or 0)
    return keeper is not None and keeper.upper_rep_id == rep.id


def get_link(actor: Actor, township: Township, link_id: int) -> LinkView:
    permissions.require_member(actor, township)
    link = _get(Link, township, link_id, _("未找到该联系安排"))
    if not can_read_link(actor, township, link):
        raise NotFound(_("未找到该联系安排"))
    people = _People([link])
    return LinkView(link, people.upper(link), people.lower(link))


def list_links(
    actor: Actor,
    township: Township,
    year: int,
    *,
    level: str | None = None,
    branch_id: int | None = None,
    mine: bool = False,
    include_ended: bool = False,
    quarter: Quarter | None = None,
) -> list[LinkView]:
    """A year's pairs this actor may see (`mine`: those that are theirs to keep), with each
    pair's contacts in `quarter` (default: the current quarter when it is in that year)."""
    permissions.require_member(actor, township)
    query = select(Link).where(Link.year == _year(year))
    if not include_ended:
        query = query.where(Link.ended_on.is_(None))
    if level:
        query = query.where(Link.level == Level(level).value)
    if branch_id is not None:
        query = query.where(Link.branch_id == branch_id)
    links = list(db.session.scalars(query.order_by(Link.level, Link.id)))
    if mine:
        links = [lk for lk in links if can_record(actor, township, lk, personal=True)]
    elif not sees_whole_chain(actor, township):
        links = [lk for lk in links if can_read_link(actor, township, lk)]
    if quarter is None:
        current = Quarter.of(kit.today())
        quarter = current if current.year == year else None
    counts = _contact_counts(quarter, [lk.id for lk in links]) if quarter else {}
    people = _People(links)
    views = [LinkView(lk, people.upper(lk), people.lower(lk), counts.get(lk.id, 0)) for lk in links]
    order = {level.value: i for i, level in enumerate(Level)}  # down the chain
    return sorted(views, key=lambda v: (order[v.link.level], v.upper.name, v.lower.name, v.link.id))


def _contact_counts(quarter: Quarter, link_ids: list[int]) -> dict[int, int]:
    if not link_ids:
        return {}
    rows = db.session.execute(
        select(Contact.link_id, func.count())
        .where(
            Contact.link_id.in_(link_ids),
            Contact.contacted_on >= quarter.starts_on,
            Contact.contacted_on <= quarter.ends_on,
        )
        .group_by(Contact.link_id)
    )
    return {link_id: n for link_id, n in rows}
