"""Planning a year's chain: suggested pairs, the shortfalls and each branch's confirmation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.modules import kit
from lianxin.modules.liaison.errors import NothingToConfirm
from lianxin.modules.liaison.models import (
    BranchReview,
    Level,
    Link,
)
from lianxin.modules.liaison.stages.common import (
    MINIMUM_SETTING,
    _committee_rep_record,
    _get,
    _require_office,
    _year,
    committee_members,
    is_committee,
    is_office,
    liaison_branches,
    person_of,
    sees_whole_chain,
    settings,
)
from lianxin.modules.liaison.stages.links import (
    _active_links_query,
    _lower_column,
    _new_link,
    _start_of,
    _unconfirm,
    _upper_column,
)
from lianxin.people.models import Household, PartyMember, Representative
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import use_case

# --- suggestions ---------------------------------------------------------------------------------


class Shortfall(TypedDict):
    """An upper end still below its level's minimum."""

    level: str
    kind: str
    id: int
    name: str
    have: int
    need: int


@dataclass
class Suggestion:
    created: dict[str, int] = field(default_factory=dict)
    short: list[Shortfall] = field(default_factory=list)  # uppers still below the minimum


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


@use_case
def suggest(
    actor: Actor,
    township: Township,
    year: int,
    levels: Iterable[str] | None = None,
    *,
    today: date | None = None,
) -> Suggestion:
    """Fill every upper end up to its minimum for the year (`levels`: those levels only, by
    default all): last year's pairs first (where both ends still qualify), then the nearest
    free candidates, one a round so that everyone gets a fair share. Existing pairs are kept;
    staff adjust the result."""
    _require_office(actor, township)
    chosen = [Level(v) for v in (levels or [lv.value for lv in Level])]
    conf = settings(township.id)
    start = _start_of(year, kit.today(today))
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
    return result


# --- coverage and the branches' confirmation -----------------------------------------------------


def shortfalls(township: Township, year: int, branch_id: int | None = None) -> list[Shortfall]:
    """Upper ends below their minimum this year (those with no pair at all included)."""
    conf = settings(township.id)
    out: list[Shortfall] = []
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
    short: list[Shortfall]
    review: BranchReview | None

    @property
    def confirmed(self) -> bool:
        return self.review is not None


def _require_branch_reader(actor: Actor, township: Township, branch_id: int) -> None:
    permissions.require_member(actor, township)
    if not (sees_whole_chain(actor, township) or branch_id in liaison_branches(actor, township)):
        raise PermissionDenied()


def branch_parts(actor: Actor, township: Township, year: int) -> list[BranchPart]:
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


@use_case
def confirm_branch(
    actor: Actor, township: Township, year: int, branch_id: int, note: str | None = None
) -> BranchPart:
    """The branch (its liaison, or the office for it) confirms its part of the year's chain,
    with an optional note (the schema's `BranchReviewInSchema` checks its length)."""
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
    return BranchPart(branch, links, shortfalls(township, year, branch.id), review)
