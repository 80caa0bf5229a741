"""What waits for whom (the to-do home): a group leader's activities still to record in the
half-year and reports due before the coming annual session; the office's groups behind (the
last half-year missed, this one still without enough) and reports not in by their due day.
A township has a few dozen groups at most: the piles are counted from the standings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.group_activities.models import Reception, Visit, VisitPlan
from lianxin.modules.group_activities.stages.common import (
    groups,
    half_of,
    is_office,
    led_groups,
    plan_due_on,
    previous_half,
    settings,
    standings,
    year_standings,
)
from lianxin.modules.group_activities.stages.reports import coming_sessions, due_on, report_of
from lianxin.modules.waiting import Waiting
from lianxin.tenants.models import Township


def _pile(ids: list[int], due: date | None = None) -> Waiting:
    if not ids:
        return Waiting()
    return Waiting(len(ids), None, due, min(ids))


def activities_to_record(actor: Actor, township: Township, today: date) -> Waiting:
    """The leader's groups below the minimum in the running half-year (first id: a group)."""
    mine = {g.id for g in led_groups(actor, township)}
    if not mine:
        return Waiting()
    year, half = half_of(today)
    behind = [
        s.group.id
        for s in standings(actor, township, year, half, today)
        if s.group.id in mine and s.behind
    ]
    end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return _pile(behind, end)


def reports_due(actor: Actor, township: Township, today: date) -> Waiting:
    """The leader's groups without a report for the next annual session (first id: a group;
    due: the report's due day)."""
    mine = led_groups(actor, township)
    if not mine:
        return Waiting()
    sessions = coming_sessions(actor, township, today)
    if not sessions:
        return Waiting()
    session = sessions[0]
    missing = [g.id for g in mine if report_of(g.id, session.id) is None]
    return _pile(missing, due_on(township.id, session.held_on))


def groups_behind(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: the groups that missed the last half-year's minimum."""
    if not is_office(actor, township):
        return Waiting()
    year, half = previous_half(*half_of(today))
    return _pile([s.group.id for s in standings(actor, township, year, half, today) if s.missed])


def reports_overdue(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: groups whose report for the next session is past its due day."""
    if not is_office(actor, township):
        return Waiting()
    sessions = coming_sessions(actor, township, today)
    if not sessions:
        return Waiting()
    session = sessions[0]
    due = due_on(township.id, session.held_on)
    if today <= due:
        return Waiting()
    missing = [g.id for g in groups(actor, township) if report_of(g.id, session.id) is None]
    found = _pile(missing, due)
    return Waiting(found.count, None, found.due_on, found.first_id, page_id=session.id)


# --- the year: the plan and the activity days --------------------------------------------------


def plan_to_make(actor: Actor, township: Township, today: date) -> Waiting:
    """The leader's groups without a plan for this year (due: the due month's last day)."""
    mine = {g.id for g in led_groups(actor, township)}
    if not mine:
        return Waiting()
    missing = [
        s.group.id
        for s in year_standings(actor, township, today.year, today)
        if s.group.id in mine and s.planned == 0
    ]
    return _pile(missing, plan_due_on(township.id, today.year))


def plans_missing(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: the groups flagged for no plan this year, the due month over."""
    if not is_office(actor, township):
        return Waiting()
    rows = year_standings(actor, township, today.year, today)
    return _pile([s.group.id for s in rows if s.plan_missing], plan_due_on(township.id, today.year))


def days_to_hold(actor: Actor, township: Township, today: date) -> Waiting:
    """The leader's groups below the year's activity days, the year still running."""
    mine = {g.id for g in led_groups(actor, township)}
    if not mine:
        return Waiting()
    behind = [
        s.group.id
        for s in year_standings(actor, township, today.year, today)
        if s.group.id in mine and s.days_behind
    ]
    return _pile(behind, date(today.year, 12, 31))


def days_short(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: the groups that ended last year below its activity days."""
    if not is_office(actor, township):
        return Waiting()
    rows = year_standings(actor, township, today.year - 1, today)
    return _pile([s.group.id for s in rows if s.days_missed])


# --- the committee members (001 张家港) ----------------------------------------------------------


def receptions_coming(actor: Actor, township: Township, today: date) -> Waiting:
    """For a committee member: their reception days from today to a week ahead, not recorded,
    and their past ones still without a record (first id: a reception; due: its day)."""
    from lianxin.modules.group_activities.stages.committee import is_committee

    if actor.user_id is None or not is_committee(actor, township):
        return Waiting()
    rows = db.session.scalars(
        select(Reception).where(
            Reception.member_user_id == actor.user_id,
            Reception.notes.is_(None),
            Reception.day <= today + timedelta(days=7),
        )
    ).all()
    return _pile([r.id for r in rows], min((r.day for r in rows), default=None))


def minutes_to_record(actor: Actor, township: Township, today: date) -> Waiting:
    """For a committee member: their visits of a published schedule whose day has come and
    whose minutes are not recorded (first id: a plan; due: the visit's day)."""
    if actor.user_id is None:
        return Waiting()
    rows = db.session.execute(
        select(Visit.plan_id, Visit.day)
        .join(VisitPlan, (VisitPlan.id == Visit.plan_id) & (VisitPlan.tenant_id == Visit.tenant_id))
        .where(
            Visit.member_user_id == actor.user_id,
            Visit.minutes.is_(None),
            Visit.day <= today,
            VisitPlan.published_on.is_not(None),
        )
    ).all()
    return _pile([r.plan_id for r in rows], min((r.day for r in rows), default=None))


def visit_plans_to_publish(actor: Actor, township: Township, today: date) -> Waiting:
    """For the office: the next visiting month whose schedule is not published, once its last
    day to publish is two weeks away or less (first id: the plan, if drafted)."""
    from lianxin.modules.group_activities.stages.committee import visit_months

    if not is_office(actor, township):
        return Waiting()
    rules_ahead = int(settings(township.id)["visit_schedule_days_ahead"])
    for year in (today.year, today.year + 1):
        for month in visit_months(township.id):
            first = date(year, month, 1)
            if first <= today:
                continue
            last_day = first - timedelta(days=rules_ahead)
            if today < last_day - timedelta(days=14):
                return Waiting()
            plan = db.session.scalar(
                select(VisitPlan).where(VisitPlan.year == year, VisitPlan.month == month)
            )
            if plan is not None and plan.published_on is not None:
                return Waiting()
            return Waiting(1, None, last_day, plan.id if plan else None)
    return Waiting()
