"""A committee member keeps a whole group for the year (包组, 001 宝应 "党委委员包组"): the office
names one committee member a group and a year (naming another replaces them), the group's page
shows them, the member is told, hears of each activity the group records, and finds their
groups, how they stand and their latest activities on the committee page and the to-do home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.group_activities.inputs import YEAR_FIRST, YEAR_LAST, KeeperInput
from lianxin.modules.group_activities.models import Activity, Keeper
from lianxin.modules.group_activities.stages.committee import (
    committee_members,
    committee_url,
    find_member,
    is_committee,
)
from lianxin.modules.group_activities.stages.common import (
    Group,
    _audit,
    _read,
    _write,
    find_group,
    groups,
)
from lianxin.modules.waiting import Waiting
from lianxin.notify import service as notify
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

RECENT = timedelta(days=30)  # the activities a keeper is shown: the last month's


def find_keeper(township: Township, keeper_id: int) -> Keeper:
    row = db.session.get(Keeper, (township.id, int(keeper_id)))
    if row is None:
        raise NotFound(_("未找到该包组安排"))
    return row


def keeper_of(group_id: int, year: int) -> Keeper | None:
    return db.session.scalar(select(Keeper).where(Keeper.group_id == group_id, Keeper.year == year))


def keepers(actor: Actor, township: Township, year: int) -> list[Keeper]:
    """The year's keepers, by group (every member of the township may see them)."""
    _read(actor, township)
    return list(
        db.session.scalars(select(Keeper).where(Keeper.year == year).order_by(Keeper.group_id))
    )


@use_case
def assign_keeper(actor: Actor, township: Township, group_id: int, data: KeeperInput) -> Keeper:
    """The office names the committee member who keeps the group for the year; one already
    named is replaced. The member is told."""
    _write(actor, township)
    group = find_group(actor, township, group_id)
    member = find_member(township, data.member_user_id)
    if not YEAR_FIRST <= data.year <= YEAR_LAST:
        raise ValidationFailed(errors={"year": [_("年份不正确")]})
    row = keeper_of(group.id, data.year)
    before = row.member_user_id if row else None
    if row is None:
        row, before = _insert_or_existing(group.id, data.year, member.id, actor.user_id)
    if before == member.id:
        return row
    row.member_user_id = member.id
    row.assigned_by_id = actor.user_id
    db.session.flush()
    notify.notify(
        [member.id],
        _("包联代表小组：%(g)s（%(y)s年）", g=group.name, y=data.year),
        _("请您%(y)s年包联%(g)s，指导和参加小组活动。", y=data.year, g=group.name),
        tenant_id=township.id,
        link=committee_url(township),
        dedupe_key=f"ga:{township.id}:keeper:{row.id}:{member.id}",
        kind="group_activity.keeper",
    )
    _audit(
        "group_activity.keeper_assign",
        actor,
        township,
        "group_keeper",
        row.id,
        group_id=group.id,
        year=data.year,
        member_before=before,
        member=member.id,
    )
    return row


def _insert_or_existing(
    group_id: int, year: int, member_id: int, by: int | None
) -> tuple[Keeper, int | None]:
    """(a new keeper row, None), or, where another request named one for the group and year
    between our read and our write (the unique key), (that row, its member): ours then
    replaces it, no 500. The insert runs in a savepoint, so the failed one leaves the
    transaction usable."""
    row = Keeper(group_id=group_id, year=year, member_user_id=member_id, assigned_by_id=by)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        found = keeper_of(group_id, year)
        if found is None:  # not the unique key: a real fault
            raise
        return found, found.member_user_id
    return row, None


@use_case
def remove_keeper(actor: Actor, township: Township, keeper_id: int) -> None:
    _write(actor, township)
    row = find_keeper(township, keeper_id)
    _audit(
        "group_activity.keeper_remove",
        actor,
        township,
        "group_keeper",
        row.id,
        group_id=row.group_id,
        year=row.year,
        member=row.member_user_id,
    )
    db.session.delete(row)
    db.session.flush()


@dataclass(frozen=True)
class Kept:
    """A group the member keeps this year, with its latest activities (the last month's)."""

    group: Group
    activities: list[Activity]


def kept_groups(actor: Actor, township: Township, today: date) -> list[Kept]:
    """The groups the actor keeps this year (a committee member's), each with its activities of
    the last month, newest first."""
    _read(actor, township)
    if actor.user_id is None or not is_committee(actor, township):
        return []  # a former committee member keeps no group any more
    ids = set(
        db.session.scalars(
            select(Keeper.group_id).where(
                Keeper.member_user_id == actor.user_id, Keeper.year == today.year
            )
        )
    )
    if not ids:
        return []
    recent = list(
        db.session.scalars(
            select(Activity)
            .where(Activity.group_id.in_(ids), Activity.held_on >= today - RECENT)
            .order_by(Activity.held_on.desc(), Activity.id.desc())
        )
    )
    return [
        Kept(g, [a for a in recent if a.group_id == g.id])
        for g in groups(actor, township)
        if g.id in ids
    ]


def kept_activities(actor: Actor, township: Township, today: date) -> Waiting:
    """For a committee member: the activities of the groups they keep held in the last month
    (first id: a group; the home opens it when there is one group)."""
    if actor.user_id is None or not is_committee(actor, township):
        return Waiting()
    kept = [k for k in kept_groups(actor, township, today) if k.activities]
    count = sum(len(k.activities) for k in kept)
    if not count:
        return Waiting()
    only = kept[0].group.id if len(kept) == 1 else None
    return Waiting(count, None, None, None, page_id=only)


def keeper_ids(township: Township, group_id: int, day: date) -> list[int]:
    """The user who keeps the group in the day's year, if any and while still a committee
    member of the township (told of its activities); a former member hears nothing more."""
    row = keeper_of(group_id, day.year)
    if row is None or row.member_user_id not in committee_ids(township):
        return []
    return [row.member_user_id]


def committee_ids(township: Township) -> set[int]:
    """The township's committee members now: a keeper not among them keeps no more (marked)."""
    return {u.id for u in committee_members(township)}
