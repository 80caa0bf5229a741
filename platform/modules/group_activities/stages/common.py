"""What every stage shares: access, lookups, the settings, the words, the groups (the people
module's 代表小组, read through its service) and each group's standing in a half-year.

A group is led by its 组长 (and 副组长): they plan the group's year, record its activities and
file its report; the liaison office may do all of it for any group. The half-years are the
calendar's (January–June, July–December), on Asia/Shanghai dates. Thematic groups (专业小组)
plan, record and report like area groups; their half-year minimum is a setting of its own."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules.group_activities.models import (
    Activity,
    Outcome,
    OutcomeState,
    PlanItem,
    Report,
)
from lianxin.modules.kit import (
    is_office,
    module_settings,
    representative_of,
)
from lianxin.modules.kit import record as _audit  # noqa: F401 (the stages' name for it)
from lianxin.people import service as people
from lianxin.people.models import GroupKind, GroupRole, Representative
from lianxin.tenants.models import Township

MODULE_KEY = "group_activities"
SOURCE_TYPE = "group_activity"  # a case raised from an outcome: (SOURCE_TYPE, activity id)
LEADING_ROLES = frozenset({GroupRole.LEADER, GroupRole.DEPUTY})

OUTCOME_LABELS: dict[str, Any] = {
    OutcomeState.PENDING: _l("待处理"),
    OutcomeState.CASE: _l("已转为诉求"),
    OutcomeState.PROPOSAL: _l("建议草稿"),
    OutcomeState.CLOSED: _l("已办结"),
}
HALF_LABELS: dict[int, Any] = {1: _l("上半年"), 2: _l("下半年")}

_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


# --- groups ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A representative group as this module sees it: its current members and their roles."""

    view: people.GroupView

    @property
    def id(self) -> int:
        return self.view.group.id

    @property
    def name(self) -> str:
        return self.view.group.name

    @property
    def leader(self) -> Representative | None:
        return self.view.holder(GroupRole.LEADER)

    @property
    def kind(self) -> str:
        """area 地域小组 / thematic 专业小组."""
        return self.view.group.kind

    @property
    def thematic(self) -> bool:
        return self.view.group.kind == GroupKind.THEMATIC

    @property
    def members(self) -> list[Representative]:
        return [rep for rep, _role in self.view.members]

    def leads(self, rep: Representative | None) -> bool:
        return rep is not None and any(
            r.id == rep.id and role in LEADING_ROLES for r, role in self.view.members
        )


def groups(actor: Actor, township: Township) -> list[Group]:
    """The township's active groups, by name."""
    return [Group(v) for v in people.list_groups(actor, township) if v.group.is_active]


def find_group(actor: Actor, township: Township, group_id: int) -> Group:
    """A group of this township (another township's: 404)."""
    return Group(people.get_group(actor, township, int(group_id)))


def can_lead(actor: Actor, township: Township, group: Group) -> bool:
    """The office, or the group's leader or deputy."""
    return is_office(actor, township) or group.leads(representative_of(actor))


def _lead(actor: Actor, township: Township, group: Group) -> None:
    if not can_lead(actor, township, group):
        raise PermissionDenied(_("只有本组组长、副组长和联络办公室可以登记"))


def led_groups(actor: Actor, township: Township) -> list[Group]:
    """The groups the actor leads (a representative's own; none for the office as such)."""
    rep = representative_of(actor)
    if rep is None:
        return []
    return [g for g in groups(actor, township) if g.leads(rep)]


# --- lookups --------------------------------------------------------------------------------------


def find_activity(township: Township, activity_id: int) -> Activity:
    row = db.session.get(Activity, (township.id, int(activity_id)))
    if row is None:
        raise NotFound(_("未找到该小组活动"))
    return row


def find_plan_item(township: Township, item_id: int) -> PlanItem:
    row = db.session.get(PlanItem, (township.id, int(item_id)))
    if row is None:
        raise NotFound(_("未找到该计划"))
    return row


def find_outcome(township: Township, outcome_id: int) -> Outcome:
    row = db.session.get(Outcome, (township.id, int(outcome_id)))
    if row is None:
        raise NotFound(_("未找到该活动成果"))
    return row


def find_report(township: Township, report_id: int) -> Report:
    row = db.session.get(Report, (township.id, int(report_id)))
    if row is None:
        raise NotFound(_("未找到该书面联络报告"))
    return row


# --- the half-year rule ---------------------------------------------------------------------------


def half_of(day: date) -> tuple[int, int]:
    """(year, 1 or 2): the half-year a day falls in."""
    return day.year, 1 if day.month <= 6 else 2


def half_bounds(year: int, half: int) -> tuple[date, date]:
    """The half-year's first day and the first day after it."""
    if half == 1:
        return date(year, 1, 1), date(year, 7, 1)
    return date(year, 7, 1), date(year + 1, 1, 1)


def previous_half(year: int, half: int) -> tuple[int, int]:
    return (year, 1) if half == 2 else (year - 1, 2)


@dataclass(frozen=True)
class Standing:
    """A group's activities in a half-year against the township's minimum."""

    group: Group
    year: int
    half: int
    activities: int
    need: int
    ended: bool  # the half-year is over (as of today)

    @property
    def met(self) -> bool:
        return self.activities >= self.need

    @property
    def missed(self) -> bool:
        """Flagged: the half-year ended below the minimum."""
        return self.ended and not self.met

    @property
    def behind(self) -> bool:
        """Below the minimum in a half-year still running."""
        return not self.ended and not self.met


def activity_counts(start: date, end: date) -> dict[int, int]:
    """Activities per group begun in [start, end)."""
    return {
        group_id: int(n)
        for group_id, n in db.session.execute(
            select(Activity.group_id, func.count(Activity.id))
            .where(Activity.held_on >= start, Activity.held_on < end)
            .group_by(Activity.group_id)
        )
    }


def need_of(township_id: int, group: Group) -> int:
    """The half-year minimum of a group: an area group's (`min_per_half_year`), a thematic
    group's (`thematic_min_per_half_year`; 0: none asked, never flagged)."""
    rules = settings(township_id)
    key = "thematic_min_per_half_year" if group.thematic else "min_per_half_year"
    return int(rules[key])


def standings(
    actor: Actor, township: Township, year: int, half: int, today: date
) -> list[Standing]:
    """Every active group in the half-year: fewest activities first, then by name."""
    start, end = half_bounds(year, half)
    counts = activity_counts(start, end)
    rows = [
        Standing(g, year, half, counts.get(g.id, 0), need_of(township.id, g), today >= end)
        for g in groups(actor, township)
    ]
    rows.sort(key=lambda s: (s.activities, s.group.name))
    return rows


# --- the year: the plan by the due month, the activity days (001 张家港) -------------------------


def plan_due_on(township_id: int, year: int) -> date:
    """The last day the year's plan is on time: the due month's last day (`plan_due_month`)."""
    month = int(settings(township_id)["plan_due_month"])
    return date(year, month, calendar.monthrange(year, month)[1])


def days_need_of(township_id: int, group: Group) -> int:
    """The activity days a year asked of a group (`min_days_per_year`, "2～3天"): an area
    group's; a thematic group is not asked (0)."""
    return 0 if group.thematic else int(settings(township_id)["min_days_per_year"])


def plan_counts(year: int) -> dict[int, int]:
    """Planned activities per group for the year."""
    return {
        group_id: int(n)
        for group_id, n in db.session.execute(
            select(PlanItem.group_id, func.count(PlanItem.id))
            .where(PlanItem.year == year)
            .group_by(PlanItem.group_id)
        )
    }


def activity_days(year: int) -> dict[int, int]:
    """Days on which each group was active in the year (held_on to ends_on, both counted; a
    day of two activities counts once; an activity across the new year counts in both)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    days: dict[int, set[date]] = {}
    for group_id, first, last in db.session.execute(
        select(Activity.group_id, Activity.held_on, Activity.ends_on).where(
            Activity.held_on <= end, Activity.ends_on >= start
        )
    ):
        day, stop = max(first, start), min(last, end)
        seen = days.setdefault(group_id, set())
        while day <= stop:
            seen.add(day)
            day += timedelta(days=1)
    return {group_id: len(seen) for group_id, seen in days.items()}


@dataclass(frozen=True)
class YearStanding:
    """A group's year: its plan against the due day, its activity days against the minimum."""

    group: Group
    year: int
    planned: int  # planned activities of the year
    plan_due_on: date
    days: int  # activity days held in the year
    days_need: int
    today: date

    @property
    def plan_missing(self) -> bool:
        """Flagged: no plan for the year and the due month is over."""
        return self.planned == 0 and self.today > self.plan_due_on

    @property
    def days_met(self) -> bool:
        return self.days >= self.days_need

    @property
    def ended(self) -> bool:
        return self.today > date(self.year, 12, 31)

    @property
    def days_missed(self) -> bool:
        """Flagged: the year ended below the minimum of activity days."""
        return self.ended and not self.days_met

    @property
    def days_behind(self) -> bool:
        """Below the minimum in a year still running."""
        return not self.ended and not self.days_met


def year_standings(actor: Actor, township: Township, year: int, today: date) -> list[YearStanding]:
    """Every active group in the year, by name."""
    planned, days = plan_counts(year), activity_days(year)
    due = plan_due_on(township.id, year)
    return [
        YearStanding(
            g,
            year,
            planned.get(g.id, 0),
            due,
            days.get(g.id, 0),
            days_need_of(township.id, g),
            today,
        )
        for g in groups(actor, township)
    ]
