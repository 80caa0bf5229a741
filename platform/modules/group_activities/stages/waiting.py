"""What waits for whom (the to-do home): a group leader's activities still to record in the
half-year and reports due before the coming annual session; the office's groups behind (the
last half-year missed, this one still without enough) and reports not in by their due day.
A township has a few dozen groups at most: the piles are counted from the standings."""

from __future__ import annotations

from datetime import date

from lianxin.auth.actor import Actor
from lianxin.modules.group_activities.stages.common import (
    groups,
    half_of,
    is_office,
    led_groups,
    previous_half,
    standings,
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
