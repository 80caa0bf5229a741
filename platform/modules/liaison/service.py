"""Use cases of the liaison-chain module (三联, DOMAIN.md §6).

Each year the township keeps a chain of pairs: a committee member (党委委员) keeps in touch with
representatives (default 3 each), a representative with party members (at least 2), a party
member with households (at least 1) — the numbers are township settings. The office suggests
the pairs (last year's first, then by branch and nearness of electoral unit), adjusts them, and
each branch confirms its part; any later change to a branch's part asks it to confirm again. A
person is kept in touch by one upper end a year at each level.

Along each pair, contacts are recorded (when, how, what was raised); a raised issue becomes a
case in the same step. A submission carries a one-time client key, so a phone that resends on a
flaky connection stores it once. Every quarter each pair needs at least N contacts, each
representative reports up once, and each committee member holds a liaison meeting; the
compliance view says who is behind, and a sweep reminds them before the quarter ends — once a
quarter and person.

Reads need a membership; the office sees everything, committee members the whole chain, a branch
liaison their branch's part and a representative their own pairs. Ids of another township are
simply not found: every query runs in the township's tenant context.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.casework.models import Case, Channel
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.liaison.models import (
    BranchReview,
    Contact,
    Level,
    Link,
    Meeting,
    MeetingAttendee,
    Method,
    ReminderSent,
    Report,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.notify import service as notify
from lianxin.people import privacy
from lianxin.people.models import Household, PartyMember, Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Branch, Township

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


class AlreadyLinked(Conflict):
    code = "already_linked"


class NothingToConfirm(Conflict):
    code = "nothing_to_confirm"


class DuplicateKey(Conflict):
    code = "duplicate_key"


def settings(township_id: int) -> dict[str, Any]:
    return tenants.effective_settings(township_id, MODULE_KEY)


def _today(today: date | None = None) -> date:
    return today or deadlines.shanghai_today()


def _get(model: type[T], township: Township, raw_id: Any, message: Any) -> T:
    return tenant_get(model, township.id, raw_id, message)


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


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


def _committee_user(township: Township, raw_id: Any, field_name: str) -> User:
    try:
        user_id = int(raw_id)
    except (TypeError, ValueError):
        raise NotFound(_("未找到该党委委员")) from None
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


def _rep_in_office(township: Township, raw_id: Any, field_name: str) -> Representative:
    rep = _get(Representative, township, raw_id, _("未找到该代表"))
    if not rep.in_office:
        raise ValidationFailed(errors={field_name: [_("该代表已终止代表资格")]})
    return rep


def _active_member(township: Township, raw_id: Any, field_name: str) -> PartyMember:
    member = _get(PartyMember, township, raw_id, _("未找到该党员"))
    if not member.is_active:
        raise ValidationFailed(errors={field_name: [_("该党员已停用")]})
    return member


def _active_household(township: Township, raw_id: Any, field_name: str) -> Household:
    household = _get(Household, township, raw_id, _("未找到该户"))
    if not household.is_active:
        raise ValidationFailed(errors={field_name: [_("该户已停用")]})
    return household


def person_of(row: Any) -> Person:
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


def _level(value: Any) -> Level:
    try:
        return Level(str(value))
    except ValueError:
        raise ValidationFailed(errors={"level": [_("请选择联系层级")]}) from None


def _year(value: Any, field_name: str = "year") -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(errors={field_name: [_("请填写年度")]}) from None
    if not 2000 <= year <= 2100:
        raise ValidationFailed(errors={field_name: [_("年度不正确")]})
    return year


def _active_links_query(year: int) -> Any:
    return select(Link).where(Link.year == year, Link.ended_on.is_(None))


def _resolve_ends(
    township: Township, level: Level, upper_raw: Any, lower_raw: Any
) -> tuple[Any, Any]:
    if level == Level.COMMITTEE_REP:
        return (
            _committee_user(township, upper_raw, "upper_id"),
            _rep_in_office(township, lower_raw, "lower_id"),
        )
    if level == Level.REP_MEMBER:
        return (
            _rep_in_office(township, upper_raw, "upper_id"),
            _active_member(township, lower_raw, "lower_id"),
        )
    return (
        _active_member(township, upper_raw, "upper_id"),
        _active_household(township, lower_raw, "lower_id"),
    )


def _new_link(
    level: Level, year: int, upper: Any, lower: Any, started_on: date, actor: Actor, suggested: bool
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


def add_link(
    actor: Actor, township: Township, data: Mapping[str, Any], *, today: date | None = None
) -> LinkView:
    """Pair two people for a year (liaison office). Someone of another township is not found;
    someone already kept in touch with at this level this year is refused (409)."""
    _require_office(actor, township)
    level = _level(data.get("level"))
    upper, lower = _resolve_ends(township, level, data.get("upper_id"), data.get("lower_id"))
    year = _year(data.get("year"))
    current = _holder(level, year, lower.id)
    if current is not None:
        holder = _People([current]).upper(current)
        raise AlreadyLinked(
            _("%(who)s今年已由%(holder)s联系", who=person_of(lower).name, holder=holder.name)
        )
    today = _today(today)
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
    db.session.commit()
    return LinkView(link, person_of(upper), person_of(lower))


def remove_link(
    actor: Actor, township: Township, link_id: Any, *, today: date | None = None
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
        link.ended_on = max(_today(today), link.started_on)
        result = link
    else:
        db.session.delete(link)
        result = None
    audit.record(
        "liaison.link.remove",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_link",
        target_id=int(link_id),
        before=before,
        after={"ended": result is not None},
    )
    db.session.commit()
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


def get_link(actor: Actor, township: Township, link_id: Any) -> LinkView:
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
        query = query.where(Link.level == _level(level).value)
    if branch_id is not None:
        query = query.where(Link.branch_id == branch_id)
    links = list(db.session.scalars(query.order_by(Link.level, Link.id)))
    if mine:
        links = [lk for lk in links if can_record(actor, township, lk, personal=True)]
    elif not sees_whole_chain(actor, township):
        links = [lk for lk in links if can_read_link(actor, township, lk)]
    if quarter is None:
        current = Quarter.of(_today())
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


# --- suggestions ---------------------------------------------------------------------------------


@dataclass
class Suggestion:
    created: dict[str, int] = field(default_factory=dict)
    short: list[dict[str, Any]] = field(default_factory=list)  # uppers still below the minimum


def _uppers(township: Township, level: Level) -> list[Any]:
    if level == Level.COMMITTEE_REP:
        return committee_members(township)
    if level == Level.REP_MEMBER:
        reps = db.session.scalars(select(Representative).order_by(Representative.id))
        return [r for r in reps if r.in_office]
    return list(
        db.session.scalars(
            select(PartyMember).where(PartyMember.is_active.is_(True)).order_by(PartyMember.id)
        )
    )


def _lowers(township: Township, level: Level) -> list[Any]:
    if level == Level.COMMITTEE_REP:
        reps = db.session.scalars(select(Representative).order_by(Representative.id))
        return [r for r in reps if r.in_office]
    if level == Level.REP_MEMBER:
        return list(
            db.session.scalars(
                select(PartyMember).where(PartyMember.is_active.is_(True)).order_by(PartyMember.id)
            )
        )
    return list(
        db.session.scalars(
            select(Household).where(Household.is_active.is_(True)).order_by(Household.id)
        )
    )


def _nearness(township: Township, level: Level, upper: Any) -> Any:
    """A sort key of candidates for this upper end: the same electoral unit (branch) first,
    then a branch where the upper end's representative group has members (groups are drawn by
    area), then the rest. Households are only ever suggested within their own branch."""
    if level == Level.COMMITTEE_REP:
        record = _committee_rep_record(township, upper.id)
        home, group = (record.branch_id, record.group_id) if record else (None, None)
    elif level == Level.REP_MEMBER:
        home, group = upper.branch_id, upper.group_id
    else:
        home, group = upper.branch_id, None
    near: set[int] = set()
    if group is not None:
        near = {
            b
            for b in db.session.scalars(
                select(Representative.branch_id).where(Representative.group_id == group)
            )
            if b is not None
        }

    def rank(candidate: Any) -> tuple[int, int]:
        if home is not None and candidate.branch_id == home:
            return (0, candidate.id)
        if candidate.branch_id in near:
            return (1, candidate.id)
        return (2, candidate.id)

    def allowed(candidate: Any) -> bool:
        if level == Level.COMMITTEE_REP:
            return candidate.user_id != upper.id  # not their own representative record
        if level == Level.MEMBER_HOUSEHOLD:
            return candidate.branch_id == home
        return True

    return rank, allowed


def suggest(
    actor: Actor,
    township: Township,
    year: Any,
    levels: Iterable[str] | None = None,
    *,
    today: date | None = None,
) -> Suggestion:
    """Fill every upper end up to its minimum for the year: last year's pairs first (where
    both ends still qualify), then the nearest free candidates, one a round so that everyone
    gets a fair share. Existing pairs are kept; staff adjust the result."""
    _require_office(actor, township)
    year = _year(year)
    chosen = [_level(v) for v in (levels or [lv.value for lv in Level])]
    conf = settings(township.id)
    start = _start_of(year, _today(today))
    result = Suggestion()
    touched: set[int | None] = set()
    for level in Level:
        if level not in chosen:
            continue
        minimum = int(conf[MINIMUM_SETTING[level]])
        upper_col, lower_col = _upper_column(level), _lower_column(level)
        uppers = _uppers(township, level)
        lowers = {c.id: c for c in _lowers(township, level)}
        active = list(db.session.scalars(_active_links_query(year).where(Link.level == level)))
        have: Counter[int] = Counter(getattr(lk, upper_col.key) for lk in active)
        taken = {getattr(lk, lower_col.key) for lk in active}
        made = 0

        def make(
            upper: Any,
            lower: Any,
            level: Level = level,
            have: Counter[int] = have,
            taken: set[int] = taken,
        ) -> None:
            nonlocal made
            link = _new_link(level, year, upper, lower, start, actor, suggested=True)
            existing = db.session.scalar(
                select(Link).where(Link.year == year, Link.pair_key == link.pair_key)
            )
            if existing is not None:
                existing.ended_on = None
            else:
                db.session.add(link)
            have[upper.id] += 1
            taken.add(lower.id)
            touched.add(lower.branch_id)
            made += 1

        # Last year's pairs carry over first: continuity is worth more than nearness.
        carried = db.session.scalars(
            _active_links_query(year - 1).where(Link.level == level).order_by(Link.id)
        )
        by_id = {u.id: u for u in uppers}
        for old in carried:
            upper = by_id.get(getattr(old, upper_col.key))
            lower = lowers.get(getattr(old, lower_col.key))
            if upper is None or lower is None or lower.id in taken or have[upper.id] >= minimum:
                continue
            make(upper, lower)
        rankers = {u.id: _nearness(township, level, u) for u in uppers}
        progress = True
        while progress:
            progress = False
            for upper in uppers:
                if have[upper.id] >= minimum:
                    continue
                rank, allowed = rankers[upper.id]
                free = [c for c in lowers.values() if c.id not in taken and allowed(c)]
                if not free:
                    continue
                make(upper, min(free, key=rank))
                progress = True
        result.created[level.value] = made
        for upper in uppers:
            if have[upper.id] < minimum:
                person = person_of(upper)
                result.short.append(
                    {
                        "level": level.value,
                        "kind": person.kind,
                        "id": person.id,
                        "name": person.name,
                        "have": have[upper.id],
                        "need": minimum,
                    }
                )
    db.session.flush()
    _unconfirm(year, touched)
    audit.record(
        "liaison.suggest",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_year",
        target_id=year,
        after={"created": result.created, "short": len(result.short)},
    )
    db.session.commit()
    return result


# --- coverage and the branches' confirmation -----------------------------------------------------


def shortfalls(township: Township, year: int, branch_id: int | None = None) -> list[dict[str, Any]]:
    """Upper ends below their minimum this year (those with no pair at all included)."""
    conf = settings(township.id)
    out: list[dict[str, Any]] = []
    for level in Level:
        minimum = int(conf[MINIMUM_SETTING[level]])
        column = _upper_column(level)
        have = Counter(
            db.session.scalars(
                select(column).where(
                    Link.year == year, Link.ended_on.is_(None), Link.level == level.value
                )
            )
        )
        for upper in _uppers(township, level):
            person = person_of(upper)
            if branch_id is not None and person.branch_id != branch_id:
                continue
            if have[upper.id] < minimum:
                out.append(
                    {
                        "level": level.value,
                        "kind": person.kind,
                        "id": person.id,
                        "name": person.name,
                        "have": have[upper.id],
                        "need": minimum,
                    }
                )
    return out


@dataclass(frozen=True)
class BranchPart:
    branch: Branch
    links: int
    short: list[dict[str, Any]]
    review: BranchReview | None

    @property
    def confirmed(self) -> bool:
        return self.review is not None


def _require_branch_reader(actor: Actor, township: Township, branch_id: int) -> None:
    permissions.require_member(actor, township)
    if not (sees_whole_chain(actor, township) or branch_id in liaison_branches(actor, township)):
        raise PermissionDenied()


def branch_parts(actor: Actor, township: Township, year: Any) -> list[BranchPart]:
    """Every branch's part of the year's chain (a branch liaison: their own branches)."""
    permissions.require_member(actor, township)
    year = _year(year)
    branches = list(
        db.session.scalars(select(Branch).where(Branch.is_active.is_(True)).order_by(Branch.id))
    )
    if not sees_whole_chain(actor, township):
        mine = liaison_branches(actor, township)
        if not mine:
            raise PermissionDenied()
        branches = [b for b in branches if b.id in mine]
    counts = dict(
        db.session.execute(
            select(Link.branch_id, func.count())
            .where(Link.year == year, Link.ended_on.is_(None))
            .group_by(Link.branch_id)
        ).all()
    )
    reviews = {
        r.branch_id: r
        for r in db.session.scalars(select(BranchReview).where(BranchReview.year == year))
    }
    return [
        BranchPart(b, counts.get(b.id, 0), shortfalls(township, year, b.id), reviews.get(b.id))
        for b in branches
    ]


def confirm_branch(
    actor: Actor, township: Township, year: Any, branch_id: Any, note: str | None = None
) -> BranchPart:
    """The branch (its liaison, or the office for it) confirms its part of the year's chain."""
    branch = _get(Branch, township, branch_id, _("未找到该支部"))
    _require_branch_reader(actor, township, branch.id)
    if is_committee(actor, township) and not (
        is_office(actor, township) or branch.id in liaison_branches(actor, township)
    ):
        raise PermissionDenied()
    year = _year(year)
    links = (
        db.session.scalar(
            select(func.count()).where(
                Link.year == year, Link.ended_on.is_(None), Link.branch_id == branch.id
            )
        )
        or 0
    )
    if not links:
        raise NothingToConfirm(_("本支部今年还没有联系安排，无法确认"))
    note = (note or "").strip() or None
    if note and len(note) > 200:
        raise ValidationFailed(errors={"note": [_("说明不超过200字")]})
    review = db.session.scalar(
        select(BranchReview).where(BranchReview.year == year, BranchReview.branch_id == branch.id)
    )
    if review is None:
        review = BranchReview(year=year, branch_id=branch.id, links=links)
        db.session.add(review)
    review.links, review.note, review.confirmed_by_id = links, note, actor.user_id
    from lianxin.db import utcnow

    review.confirmed_at = utcnow()
    db.session.flush()
    audit.record(
        "liaison.branch.confirm",
        actor=actor,
        tenant_id=township.id,
        target_type="branch",
        target_id=branch.id,
        after={"year": year, "links": links},
    )
    db.session.commit()
    return BranchPart(branch, links, shortfalls(township, year, branch.id), review)


# --- contacts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactView:
    contact: Contact
    link: LinkView
    cases: list[Case]
    duplicate: bool = False
    tracking_codes: dict[int, str] = field(default_factory=dict)

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(Method(self.contact.method), self.contact.method))


def _client_key(value: Any) -> str:
    key = str(value or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationFailed(errors={"client_key": [_("缺少提交标识，请刷新页面后重试")]})
    return key


def _as_date(value: Any, field_name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(errors={field_name: [_("日期格式不正确")]}) from None


def _text(value: Any, field_name: str, message: Any, limit: int = 5000) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        raise ValidationFailed(errors={field_name: [str(message)]})
    return text


def _check_case(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The issue to raise, checked before anything is written (casework checks again)."""
    if not data:
        return None
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["case.title"] = [_("请填写诉求标题（不超过200字）")]
    category = str(data.get("category") or "其他")
    if category not in casework.CATEGORIES:
        errors["case.category"] = [_("请选择类别")]
    body = str(data.get("body") or "").strip()
    if len(body) > 5000:
        errors["case.body"] = [_("内容不超过5000字")]
    if errors:
        raise ValidationFailed(errors=errors)
    return {"title": title, "body": body, "category": category}


def _cases_from(source_type: str, source_id: int, actor: Actor, township: Township) -> list[Case]:
    """The cases raised from a contact or meeting: whoever may read the record sees their
    titles and states (the case itself stays behind casework's own permissions)."""
    query = select(Case).where(Case.source_type == source_type, Case.source_id == source_id)
    return list(db.session.scalars(query.order_by(Case.id)))


def _contact_view(
    actor: Actor,
    township: Township,
    contact: Contact,
    *,
    duplicate: bool = False,
    codes: dict[int, str] | None = None,
) -> ContactView:
    link = db.session.get(Link, (township.id, contact.link_id))
    assert link is not None
    people = _People([link])
    return ContactView(
        contact,
        LinkView(link, people.upper(link), people.lower(link)),
        _cases_from(CONTACT_SOURCE, contact.id, actor, township),
        duplicate,
        codes or {},
    )


def _receiving_rep(link: Link) -> int | None:
    """The representative responsible for a case raised along this pair (首问负责制)."""
    if link.level == Level.REP_MEMBER:
        return link.upper_rep_id
    if link.level == Level.MEMBER_HOUSEHOLD:
        keeper = _holder(Level.REP_MEMBER, link.year, link.upper_member_id or 0)
        return keeper.upper_rep_id if keeper is not None else None
    return link.lower_rep_id


def _raise_case(
    actor: Actor,
    township: Township,
    link: Link,
    lower: Person,
    issue: Mapping[str, Any],
    source_type: str,
    source_id: int,
    received_by: int | None,
) -> casework.NewCase:
    """Register the issue through casework (which commits the caller's transaction with it)."""
    return casework.register(
        actor,
        township,
        {
            "title": issue["title"],
            "body": issue.get("body") or issue["title"],
            "category": issue.get("category") or "其他",
            "channel": Channel.LIAISON,
            "raiser_name": lower.name if link is not None else None,
            "raiser_phone": lower.phone,
            "received_by_id": received_by,
            "source_type": source_type,
            "source_id": source_id,
            "on_behalf": True,
        },
    )


R = TypeVar("R", Contact, Meeting)


def _stored(model: type[R], key: str, actor: Actor) -> R | None:
    """The record this client key already stored (a resent form), if any. The same key from
    somebody else is refused rather than showing them what it stored."""
    row = db.session.scalar(select(model).where(model.client_key == key)) if key else None
    if row is not None and row.recorded_by_id != actor.user_id:
        raise DuplicateKey(_("提交标识已被使用，请刷新页面后重试"))
    return row


def _insert_once(row: R) -> R | None:
    """Add a record under its client key: None when added, or the row that a copy of the same
    submission arriving at the same moment stored first."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        again = db.session.scalar(select(type(row)).where(type(row).client_key == row.client_key))
        if again is None:  # an integrity error of another kind
            raise
        return again
    return None


def record_contact(
    actor: Actor, township: Township, data: Mapping[str, Any], *, today: date | None = None
) -> ContactView:
    """Record a contact along a pair, and (optionally) the issue raised as a case in the same
    step. The same client key again returns the stored record (`duplicate`) and adds nothing."""
    permissions.require_member(actor, township)
    errors: dict[str, list[str]] = {}
    key = ""
    try:
        key = _client_key(data.get("client_key"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    existing = _stored(Contact, key, actor)
    if existing is not None:
        return _contact_view(actor, township, existing, duplicate=True)
    link = _get(Link, township, data.get("link_id"), _("未找到该联系安排"))
    if not can_read_link(actor, township, link) and not can_record(actor, township, link):
        raise NotFound(_("未找到该联系安排"))
    if not can_record(actor, township, link):
        raise PermissionDenied(_("只有联系人本人或联络办可以记录这次联系"))
    today = _today(today)
    contacted_on: date | None = None
    try:
        contacted_on = _as_date(data.get("contacted_on"), "contacted_on")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if contacted_on is not None:
        if contacted_on > today:
            errors["contacted_on"] = [_("联系日期不能晚于今天")]
        elif contacted_on.year != link.year:
            errors["contacted_on"] = [_("联系日期须在该联系安排的年度（%(y)s年）内", y=link.year)]
        elif link.ended_on is not None and contacted_on > link.ended_on:
            errors["contacted_on"] = [_("该联系安排已于%(d)s结束", d=link.ended_on.isoformat())]
    method = str(data.get("method") or "")
    if method not in {m.value for m in Method}:
        errors["method"] = [_("请选择联系方式")]
    summary = str(data.get("summary") or "").strip()
    if not summary or len(summary) > 5000:
        errors["summary"] = [_("请填写联系情况（不超过5000字）")]
    try:
        issue = _check_case(data.get("case"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
        issue = None
    if errors:
        raise ValidationFailed(errors=errors)
    assert contacted_on is not None
    contact = Contact(
        link_id=link.id,
        contacted_on=contacted_on,
        method=method,
        summary=summary,
        client_key=key,
        recorded_by_id=actor.user_id,
    )
    first = _insert_once(contact)
    if first is not None:
        return _contact_view(actor, township, first, duplicate=True)
    audit.record(
        "liaison.contact",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_contact",
        target_id=contact.id,
        after={"link_id": link.id, "on": contacted_on.isoformat(), "method": method},
    )
    codes: dict[int, str] = {}
    if issue is not None:
        lower = _People([link]).lower(link)
        made = _raise_case(
            actor, township, link, lower, issue, CONTACT_SOURCE, contact.id, _receiving_rep(link)
        )
        codes[made.case.id] = made.tracking_code
    else:
        db.session.commit()
    return _contact_view(actor, township, contact, codes=codes)


def get_contact(actor: Actor, township: Township, contact_id: Any) -> ContactView:
    permissions.require_member(actor, township)
    contact = _get(Contact, township, contact_id, _("未找到该联系记录"))
    link = db.session.get(Link, (township.id, contact.link_id))
    assert link is not None
    if not (
        can_read_link(actor, township, link)
        or can_record(actor, township, link)
        or contact.recorded_by_id == actor.user_id
    ):
        raise NotFound(_("未找到该联系记录"))
    return _contact_view(actor, township, contact)


def raise_contact_case(
    actor: Actor, township: Township, contact_id: Any, data: Mapping[str, Any]
) -> tuple[ContactView, casework.NewCase | None]:
    """Turn an issue raised in a stored contact into a case. The same title again (a resent
    form) is the case already raised: (view, None)."""
    view = get_contact(actor, township, contact_id)
    if not can_record(actor, township, view.link.link):
        raise PermissionDenied()
    issue = _check_case(data)
    assert issue is not None
    for case in view.cases:
        if case.title == issue["title"]:
            return view, None
    made = _raise_case(
        actor,
        township,
        view.link.link,
        view.link.lower,
        issue,
        CONTACT_SOURCE,
        view.contact.id,
        _receiving_rep(view.link.link),
    )
    return (
        _contact_view(actor, township, view.contact, codes={made.case.id: made.tracking_code}),
        made,
    )


def list_contacts(
    actor: Actor,
    township: Township,
    *,
    year: int | None = None,
    quarter: int | None = None,
    link_id: int | None = None,
    mine: bool = False,
    limit: int = 200,
) -> list[ContactView]:
    """Contacts this actor may see, newest first."""
    permissions.require_member(actor, township)
    query = select(Contact, Link).join(
        Link, (Link.id == Contact.link_id) & (Link.tenant_id == Contact.tenant_id)
    )
    if year is not None:
        if quarter is not None:
            q = Quarter(_year(year), int(quarter))
            query = query.where(Contact.contacted_on.between(q.starts_on, q.ends_on))
        else:
            query = query.where(Link.year == _year(year))
    if link_id is not None:
        query = query.where(Contact.link_id == link_id)
    if mine:
        query = query.where(Contact.recorded_by_id == actor.user_id)
    whole = sees_whole_chain(actor, township)
    query = query.order_by(Contact.contacted_on.desc(), Contact.id.desc())
    # Whoever sees less is filtered before the limit, so their own never fall off the page.
    rows = db.session.execute(query.limit(limit) if whole else query).all()
    rows = [
        (c, lk)
        for c, lk in rows
        if whole
        or c.recorded_by_id == actor.user_id
        or can_read_link(actor, township, lk)
        or can_record(actor, township, lk)
    ][:limit]
    people = _People([lk for _c, lk in rows])
    case_rows = (
        db.session.scalars(
            select(Case).where(
                Case.source_type == CONTACT_SOURCE, Case.source_id.in_([c.id for c, _lk in rows])
            )
        )
        if rows
        else []
    )
    by_contact: dict[int, list[Case]] = defaultdict(list)
    for case in case_rows:
        by_contact[case.source_id or 0].append(case)
    return [
        ContactView(c, LinkView(lk, people.upper(lk), people.lower(lk)), by_contact.get(c.id, []))
        for c, lk in rows
    ]


# --- quarterly reports up the chain --------------------------------------------------------------


def _quarter(year: Any, number: Any) -> Quarter:
    try:
        return Quarter(_year(year), int(number))
    except (TypeError, ValueError):
        raise ValidationFailed(errors={"quarter": [_("季度应为1至4")]}) from None


def submit_report(
    actor: Actor, township: Township, data: Mapping[str, Any], *, today: date | None = None
) -> tuple[Report, bool]:
    """A representative's quarterly report up the chain (the office may enter one for them).
    Sent again for the same quarter, it replaces the text: (report, created)."""
    permissions.require_member(actor, township)
    own = own_representative(actor, township)
    raw_rep = data.get("representative_id")
    if raw_rep not in (None, "") and (own is None or str(raw_rep) != str(own.id)):
        _require_office(actor, township)
        rep = _get(Representative, township, raw_rep, _("未找到该代表"))
    elif own is not None:
        rep = own
    else:
        raise PermissionDenied(_("您的账号没有关联代表信息"))
    quarter = _quarter(data.get("year"), data.get("quarter"))
    if quarter.starts_on > _today(today):
        raise ValidationFailed(errors={"quarter": [_("该季度还没有开始")]})
    text = _text(data.get("text"), "text", _("请填写履职情况（不超过5000字）"))
    report = db.session.scalar(
        select(Report).where(
            Report.representative_id == rep.id,
            Report.year == quarter.year,
            Report.quarter == quarter.number,
        )
    )
    created = report is None
    if report is None:
        report = Report(
            representative_id=rep.id,
            year=quarter.year,
            quarter=quarter.number,
            text=text,
            submitted_by_id=actor.user_id,
        )
        db.session.add(report)
    else:
        report.text = text
    db.session.flush()
    audit.record(
        "liaison.report.submit" if created else "liaison.report.update",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_report",
        target_id=report.id,
        after={"representative_id": rep.id, "quarter": quarter.key},
    )
    db.session.commit()
    return report, created


def list_reports(
    actor: Actor, township: Township, year: Any, quarter: Any | None = None
) -> list[tuple[Report, Representative]]:
    """Reports of a year (or quarter): the whole township for the office and committee, a
    branch's representatives for its liaison, one's own for a representative."""
    permissions.require_member(actor, township)
    query = (
        select(Report, Representative)
        .join(
            Representative,
            (Representative.id == Report.representative_id)
            & (Representative.tenant_id == Report.tenant_id),
        )
        .where(Report.year == _year(year))
    )
    if quarter not in (None, ""):
        query = query.where(Report.quarter == _quarter(year, quarter).number)
    if not sees_whole_chain(actor, township):
        own = own_representative(actor, township)
        branches = liaison_branches(actor, township)
        query = query.where(
            (Report.representative_id == (own.id if own else -1))
            | Representative.branch_id.in_(branches or {-1})
        )
    return [(r, rep) for r, rep in db.session.execute(query.order_by(Report.quarter, Report.id))]


# --- committee members' liaison meetings ---------------------------------------------------------


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    committee: User
    attendees: list[Representative]
    cases: list[Case]
    duplicate: bool = False
    tracking_codes: dict[int, str] = field(default_factory=dict)


def _meeting_view(
    actor: Actor,
    township: Township,
    meeting: Meeting,
    *,
    duplicate: bool = False,
    codes: dict[int, str] | None = None,
) -> MeetingView:
    committee = db.session.get(User, meeting.committee_user_id)
    assert committee is not None
    attendees = list(
        db.session.scalars(
            select(Representative)
            .join(
                MeetingAttendee,
                (MeetingAttendee.representative_id == Representative.id)
                & (MeetingAttendee.tenant_id == Representative.tenant_id),
            )
            .where(MeetingAttendee.meeting_id == meeting.id)
            .order_by(Representative.name_pinyin)
        )
    )
    return MeetingView(
        meeting,
        committee,
        attendees,
        _cases_from(MEETING_SOURCE, meeting.id, actor, township),
        duplicate,
        codes or {},
    )


def _meeting_committee(actor: Actor, township: Township, raw: Any) -> User:
    """Whose meeting it is: the committee member themselves, or one the office names."""
    if raw not in (None, "") and (actor.user_id is None or int(raw) != actor.user_id):
        _require_office(actor, township)
        return _committee_user(township, raw, "committee_user_id")
    if is_committee(actor, township):
        return _committee_user(township, actor.user_id, "committee_user_id")
    if is_office(actor, township):
        raise ValidationFailed(errors={"committee_user_id": [_("请选择党委委员")]})
    raise PermissionDenied()


def record_meeting(
    actor: Actor, township: Township, data: Mapping[str, Any], *, today: date | None = None
) -> MeetingView:
    """A committee member's liaison meeting: when, where, who came, what was raised. The same
    client key again returns the stored meeting."""
    permissions.require_member(actor, township)
    key = _client_key(data.get("client_key"))
    existing = _stored(Meeting, key, actor)
    if existing is not None:
        return _meeting_view(actor, township, existing, duplicate=True)
    committee = _meeting_committee(actor, township, data.get("committee_user_id"))
    held_on = _as_date(data.get("held_on"), "held_on")
    if held_on > _today(today):
        raise ValidationFailed(errors={"held_on": [_("座谈日期不能晚于今天")]})
    summary = _text(data.get("summary"), "summary", _("请填写座谈情况（不超过5000字）"))
    place = str(data.get("place") or "").strip()
    if len(place) > 100:
        raise ValidationFailed(errors={"place": [_("地点不超过100字")]})
    raw_ids = [str(x).strip() for x in (data.get("attendee_ids") or [])]
    if not all(x.isdigit() for x in raw_ids if x):
        raise ValidationFailed(errors={"attendee_ids": [_("参加代表选择有误")]})
    attendee_ids = sorted({int(x) for x in raw_ids if x})
    reps = [_get(Representative, township, rid, _("未找到该代表")) for rid in attendee_ids]
    meeting = Meeting(
        committee_user_id=committee.id,
        held_on=held_on,
        place=place,
        summary=summary,
        client_key=key,
        recorded_by_id=actor.user_id,
    )
    first = _insert_once(meeting)
    if first is not None:
        return _meeting_view(actor, township, first, duplicate=True)
    for rep in reps:
        db.session.add(MeetingAttendee(meeting_id=meeting.id, representative_id=rep.id))
    db.session.flush()
    audit.record(
        "liaison.meeting",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_meeting",
        target_id=meeting.id,
        after={"committee_user_id": committee.id, "on": held_on.isoformat(), "came": len(reps)},
    )
    db.session.commit()
    return _meeting_view(actor, township, meeting)


def _can_see_meeting(actor: Actor, township: Township, meeting: Meeting) -> bool:
    if sees_whole_chain(actor, township):
        return True
    rep = own_representative(actor, township)
    if rep is None:
        return False
    return (
        db.session.scalar(
            select(MeetingAttendee.id).where(
                MeetingAttendee.meeting_id == meeting.id,
                MeetingAttendee.representative_id == rep.id,
            )
        )
        is not None
    )


def get_meeting(actor: Actor, township: Township, meeting_id: Any) -> MeetingView:
    permissions.require_member(actor, township)
    meeting = _get(Meeting, township, meeting_id, _("未找到该座谈会"))
    if not _can_see_meeting(actor, township, meeting):
        raise NotFound(_("未找到该座谈会"))
    return _meeting_view(actor, township, meeting)


def list_meetings(
    actor: Actor, township: Township, year: Any, quarter: Any | None = None
) -> list[MeetingView]:
    permissions.require_member(actor, township)
    year = _year(year)
    if quarter not in (None, ""):
        q = _quarter(year, quarter)
        start, end = q.starts_on, q.ends_on
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.held_on.between(start, end))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )
    return [
        _meeting_view(actor, township, m) for m in meetings if _can_see_meeting(actor, township, m)
    ]


def raise_meeting_case(
    actor: Actor, township: Township, meeting_id: Any, data: Mapping[str, Any]
) -> tuple[MeetingView, casework.NewCase | None]:
    """A follow-up of the meeting as a case (the committee member or the office). The same title
    again is the case already raised."""
    view = get_meeting(actor, township, meeting_id)
    if not (is_office(actor, township) or view.meeting.committee_user_id == actor.user_id):
        raise PermissionDenied()
    issue = _check_case(data)
    assert issue is not None
    for case in view.cases:
        if case.title == issue["title"]:
            return view, None
    made = casework.register(
        actor,
        township,
        {
            "title": issue["title"],
            "body": issue.get("body") or issue["title"],
            "category": issue["category"],
            "channel": Channel.LIAISON,
            "source_type": MEETING_SOURCE,
            "source_id": view.meeting.id,
            "received_by_id": None,
            "on_behalf": True,
            "anonymous": True,
        },
    )
    return (
        _meeting_view(actor, township, view.meeting, codes={made.case.id: made.tracking_code}),
        made,
    )


# --- compliance ----------------------------------------------------------------------------------


@dataclass
class PersonDuty:
    """One person's quarterly duty: their pairs kept, their report, their meetings."""

    person: Person
    links_due: int = 0
    links_kept: int = 0
    not_kept: list[str] = field(default_factory=list)  # names of the pairs' lower ends
    report_due: bool = False
    report_in: bool = False
    meetings_due: int = 0
    meetings_held: int = 0

    @property
    def behind(self) -> bool:
        return (
            self.links_kept < self.links_due
            or (self.report_due and not self.report_in)
            or self.meetings_held < self.meetings_due
        )

    def missing(self) -> list[str]:
        out = []
        if self.links_kept < self.links_due:
            out.append(
                _("未联系：%(names)s", names="、".join(self.not_kept))
                if self.not_kept
                else _("联系未达要求")
            )
        if self.report_due and not self.report_in:
            out.append(_("本季度未报告履职情况"))
        if self.meetings_held < self.meetings_due:
            out.append(
                _(
                    "联系代表座谈会 %(held)s/%(due)s 次",
                    held=self.meetings_held,
                    due=self.meetings_due,
                )
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.person.kind,
            "id": self.person.id,
            "name": self.person.name,
            "branch_id": self.person.branch_id,
            "links_due": self.links_due,
            "links_kept": self.links_kept,
            "not_kept": self.not_kept,
            "report_due": self.report_due,
            "report_in": self.report_in,
            "meetings_due": self.meetings_due,
            "meetings_held": self.meetings_held,
            "behind": self.behind,
            "missing": [str(m) for m in self.missing()],
        }


@dataclass
class BranchFigures:
    branch_id: int | None
    name: str
    links_due: int = 0
    links_kept: int = 0
    reports_due: int = 0
    reports_in: int = 0

    @property
    def kept_share(self) -> float | None:
        return round(self.links_kept / self.links_due, 4) if self.links_due else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "branch_id": self.branch_id,
            "name": self.name,
            "links_due": self.links_due,
            "links_kept": self.links_kept,
            "kept_share": self.kept_share,
            "reports_due": self.reports_due,
            "reports_in": self.reports_in,
        }


@dataclass
class Compliance:
    quarter: Quarter
    people: list[PersonDuty]
    branches: list[BranchFigures]
    links_due: int
    links_kept: int
    reports_due: int
    reports_in: int
    meetings_due: int
    meetings_held: int

    @property
    def kept_share(self) -> float | None:
        return round(self.links_kept / self.links_due, 4) if self.links_due else None

    @property
    def behind(self) -> list[PersonDuty]:
        return [p for p in self.people if p.behind]


def links_due_in(quarter: Quarter) -> list[Link]:
    """The pairs that owe contacts in a quarter: of its year, started by its last day and not
    ended before then (a pair ended during the quarter owes nothing for it)."""
    return list(
        db.session.scalars(
            select(Link).where(
                Link.year == quarter.year,
                Link.started_on <= quarter.ends_on,
                (Link.ended_on.is_(None)) | (Link.ended_on > quarter.ends_on),
            )
        )
    )


def _reps_due(quarter: Quarter) -> list[Representative]:
    """Representatives who owe the quarter's report: in office at its end."""
    reps = db.session.scalars(select(Representative).order_by(Representative.id))
    return [
        r for r in reps if r.in_office or (r.ended_on is not None and r.ended_on > quarter.ends_on)
    ]


def compute_compliance(township: Township, quarter: Quarter) -> Compliance:
    """Everyone's duty in a quarter, from the pairs due, the contacts, reports and meetings."""
    conf = settings(township.id)
    need = int(conf["contacts_per_quarter"])
    links = links_due_in(quarter)
    counts = _contact_counts(quarter, [lk.id for lk in links])
    people = _People(links)
    duties: dict[str, PersonDuty] = {}

    def duty_of(person: Person) -> PersonDuty:
        if person.key not in duties:
            duties[person.key] = PersonDuty(person)
        return duties[person.key]

    branch_names = {b.id: b.name for b in db.session.scalars(select(Branch))}
    branches: dict[int | None, BranchFigures] = {}

    def branch(branch_id: int | None) -> BranchFigures:
        if branch_id not in branches:
            name = branch_names.get(branch_id or 0) or str(_("未划分支部"))
            branches[branch_id] = BranchFigures(branch_id, name)
        return branches[branch_id]

    kept_total = 0
    for link in links:
        kept = counts.get(link.id, 0) >= need
        duty = duty_of(people.upper(link))
        duty.links_due += 1
        figures = branch(link.branch_id)
        figures.links_due += 1
        if kept:
            duty.links_kept += 1
            figures.links_kept += 1
            kept_total += 1
        else:
            duty.not_kept.append(people.lower(link).name)
    reports_due = reports_in = 0
    if conf["reports_per_quarter"]:
        submitted = set(
            db.session.scalars(
                select(Report.representative_id).where(
                    Report.year == quarter.year, Report.quarter == quarter.number
                )
            )
        )
        for rep in _reps_due(quarter):
            duty = duty_of(person_of(rep))
            duty.report_due = True
            duty.report_in = rep.id in submitted
            figures = branch(rep.branch_id)
            figures.reports_due += 1
            reports_due += 1
            if duty.report_in:
                figures.reports_in += 1
                reports_in += 1
    meetings_due = meetings_held = 0
    per_quarter = int(conf["meetings_per_quarter"])
    if per_quarter:
        held = Counter(
            db.session.scalars(
                select(Meeting.committee_user_id).where(
                    Meeting.held_on.between(quarter.starts_on, quarter.ends_on)
                )
            )
        )
        for user in committee_members(township):
            duty = duty_of(person_of(user))
            duty.meetings_due = per_quarter
            duty.meetings_held = held[user.id]
            meetings_due += 1
            if held[user.id] >= per_quarter:
                meetings_held += 1
    order = {"committee": 0, "representative": 1, "party_member": 2}
    ordered = sorted(duties.values(), key=lambda d: (order[d.person.kind], d.person.name))
    return Compliance(
        quarter,
        ordered,
        sorted(branches.values(), key=lambda b: (b.branch_id is None, b.branch_id or 0)),
        len(links),
        kept_total,
        reports_due,
        reports_in,
        meetings_due,
        meetings_held,
    )


def compliance(
    actor: Actor,
    township: Township,
    year: Any = None,
    quarter: Any = None,
    *,
    today: date | None = None,
) -> Compliance:
    """The quarter's compliance: the whole township for the office and committee; a branch
    liaison sees their branches' people; anyone else is refused."""
    permissions.require_member(actor, township)
    q = Quarter.of(_today(today)) if year in (None, "") else _quarter(year, quarter or 1)
    result = compute_compliance(township, q)
    if sees_whole_chain(actor, township):
        return result
    mine = liaison_branches(actor, township)
    if not mine:
        raise PermissionDenied()
    result.people = [p for p in result.people if p.person.branch_id in mine]
    result.branches = [b for b in result.branches if b.branch_id in mine]
    return result


def my_duty(
    actor: Actor, township: Township, *, today: date | None = None
) -> tuple[Quarter, PersonDuty | None]:
    """The actor's own duty this quarter (as committee member or representative)."""
    permissions.require_member(actor, township)
    q = Quarter.of(_today(today))
    keys = set()
    if is_committee(actor, township) and actor.user_id is not None:
        keys.add(f"committee:{actor.user_id}")
    rep = own_representative(actor, township)
    if rep is not None:
        keys.add(f"representative:{rep.id}")
    if not keys:
        return q, None
    rows = [p for p in compute_compliance(township, q).people if p.person.key in keys]
    if not rows:
        return q, None
    if len(rows) == 1:
        return q, rows[0]
    merged = PersonDuty(rows[0].person)
    for row in rows:
        merged.links_due += row.links_due
        merged.links_kept += row.links_kept
        merged.not_kept += row.not_kept
        merged.report_due = merged.report_due or row.report_due
        merged.report_in = merged.report_in or row.report_in
        merged.meetings_due += row.meetings_due
        merged.meetings_held += row.meetings_held
    return q, merged


# --- figures for the county ----------------------------------------------------------------------


def township_figures(
    actor: Actor, township: Township, year: Any = None, quarter: Any = None
) -> dict[str, Any]:
    """A quarter's figures as the county's rollup computes them (office and committee)."""
    permissions.require_member(actor, township)
    if not sees_whole_chain(actor, township):
        raise PermissionDenied()
    from lianxin.modules.liaison import metrics  # metrics reads through this module

    q = Quarter.of(_today()) if year in (None, "") else _quarter(year, quarter or 1)
    values = metrics.figures(q.starts_on, q.ends_on + timedelta(days=1))
    return {
        "year": q.year,
        "quarter": q.number,
        "figures": {key: {"value": f.value, "n": f.n} for key, f in values.items()},
    }


# --- reminders before the quarter ends -----------------------------------------------------------


def _claim(quarter: Quarter, person_key: str) -> bool:
    """Claim the quarter's reminder of a person once; a sweep that runs twice claims nothing."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderSent(year=quarter.year, quarter=quarter.number, person_key=person_key)
            )
    except IntegrityError:
        return False
    return True


def _branch_liaison_user_ids(township: Township, branch_id: int | None) -> set[int]:
    if branch_id is None:
        return set()
    ids = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role == Role.BRANCH_LIAISON.value,
                Membership.branch_id == branch_id,
            )
        )
    )
    branch = db.session.get(Branch, (township.id, branch_id))
    if branch is not None and branch.liaison_user_id:
        ids.add(branch.liaison_user_id)
    return ids


def _office_user_ids(township: Township) -> set[int]:
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role.in_([Role.TOWNSHIP_ADMIN.value, Role.TOWNSHIP_STAFF.value]),
            )
        )
    )


def send_reminders(township: Township, today: date | None = None) -> dict[str, int]:
    """From `reminder_days` before the quarter ends, remind each person who is behind — once a
    quarter — and send the office the list of who is behind."""
    today = _today(today)
    quarter = Quarter.of(today)
    conf = settings(township.id)
    done = {"reminded": 0, "office": 0}
    if quarter.days_left(today) > int(conf["reminder_days"]):
        return done
    result = compute_compliance(township, quarter)
    behind = result.behind
    link = f"/t/{township.slug}/{MODULE_KEY}/"
    # Written in two bulk enqueues after the loop (a township may have hundreds behind).
    texts: list[tuple[dict[str, Any], str | None]] = []
    notices: list[tuple[dict[str, Any], str | None]] = []
    for duty in behind:
        if not _claim(quarter, duty.person.key):
            continue
        title = _("三联提醒：%(q)s还剩%(n)s天", q=quarter.label, n=quarter.days_left(today) + 1)
        body = "；".join(str(m) for m in duty.missing())
        person = duty.person
        users: set[int] = set()
        if person.kind == "committee":
            users.add(person.id)
        elif person.kind == "representative":
            rep = db.session.get(Representative, (township.id, person.id))
            if rep is not None and rep.user_id:
                users.add(rep.user_id)
            elif person.phone:
                texts.append(
                    (
                        {"phone": person.phone, "text": f"{title} {body}"},
                        f"liaison:{township.id}:{quarter.key}:{person.key}:sms",
                    )
                )
        else:  # a party member has no account: their branch liaison passes it on
            users |= _branch_liaison_user_ids(township, person.branch_id)
            body = _("党员%(n)s：%(b)s", n=person.name, b=body)
            if person.phone:
                texts.append(
                    (
                        {"phone": person.phone, "text": f"{title} {body}"},
                        f"liaison:{township.id}:{quarter.key}:{person.key}:sms",
                    )
                )
        if users:
            notices.append(
                (
                    notify.notification(users, title, body, link=link),
                    f"liaison:{township.id}:{quarter.key}:{person.key}",
                )
            )
        done["reminded"] += 1
    notify.enqueue_many("sms", texts, tenant_id=township.id)
    notify.enqueue_many("notify", notices, tenant_id=township.id)
    if behind and _claim(quarter, "office"):
        names = "、".join(d.person.name for d in behind[:30])
        more = _("等%(n)s人", n=len(behind)) if len(behind) > 30 else ""
        notify.notify(
            _office_user_ids(township),
            _("三联工作：%(q)s有%(n)s人未完成", q=quarter.label, n=len(behind)),
            names + more,
            tenant_id=township.id,
            link=f"{link}compliance",
            dedupe_key=f"liaison:{township.id}:{quarter.key}:office",
        )
        done["office"] = 1
    db.session.commit()
    return done


def run_daily(township: Township, today: date | None = None) -> dict[str, int]:
    return send_reminders(township, today)


# --- whom a person keeps in touch with (for people/privacy.py) -----------------------------------


@privacy.chain_reader
def chain_of(user_id: int | None, rep_id: int | None, year: int) -> privacy.Chain:
    """The people below one person in this year's chain: the representatives a committee
    member (a user) keeps in touch with, the party members a representative keeps, and those
    members' households. Their contact is what that person's duty needs."""
    live = (Link.year == year, Link.ended_on.is_(None))
    reps: frozenset[int] = frozenset()
    members: frozenset[int] = frozenset()
    households: frozenset[int] = frozenset()
    if user_id is not None:
        reps = frozenset(
            db.session.scalars(
                select(Link.lower_rep_id).where(
                    *live, Link.level == Level.COMMITTEE_REP, Link.upper_user_id == user_id
                )
            )
        )
    if rep_id is not None:
        members = frozenset(
            db.session.scalars(
                select(Link.lower_member_id).where(
                    *live, Link.level == Level.REP_MEMBER, Link.upper_rep_id == rep_id
                )
            )
        )
    if members:
        households = frozenset(
            db.session.scalars(
                select(Link.lower_household_id).where(
                    *live,
                    Link.level == Level.MEMBER_HOUSEHOLD,
                    Link.upper_member_id.in_(members),
                )
            )
        )
    return privacy.Chain(reps, members, households)
