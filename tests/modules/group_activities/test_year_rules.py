"""The rules of the group's year (001 张家港 "年初制定活动计划", "每半年至少…一次…2～3天"): a group
with no plan once the due month is over is flagged (its last day not yet, the day after it is),
and a group whose activity days in the year fall short of the township's minimum is flagged once
the year is over (N − 1 days flagged, N not); each setting moved in one township only."""

from __future__ import annotations

from datetime import date

from lianxin.modules.group_activities import service, todo
from lianxin.modules.group_activities.inputs import ActivityInput, PlanItemInput
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import bearer, login

BASE = "/api/v1/t/jia-zhen/group_activities"


def _set(world, tctx, **values):
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "group_activities", values
    )


def _held(who, township, group_id, start, end=None):
    return service.record_activity(
        who, township, group_id, ActivityInput("活动", start, end), today=end or start
    )


# --- the plan of the year -----------------------------------------------------------------------


def test_no_plan_is_flagged_the_day_after_the_due_month(app, world, clock, office, people, tctx):
    _reps, users, (one, two) = people
    service.add_plan_item(actor(users[0]), tctx, one, PlanItemInput(2026, 7, "七一活动日"))
    _set(world, tctx, plan_due_month=3)
    assert service.settings(world.other.id)["plan_due_month"] == 1  # one township only
    last = date(2026, 3, 31)
    by = {s.group.id: s for s in service.year_standings(office, tctx, 2026, last)}
    assert by[two].plan_due_on == last
    assert not by[two].plan_missing and not by[one].plan_missing
    assert service.plans_missing(office, tctx, last).count == 0
    after = date(2026, 4, 1)
    by = {s.group.id: s for s in service.year_standings(office, tctx, 2026, after)}
    assert by[two].plan_missing and not by[one].plan_missing
    missing = service.plans_missing(office, tctx, after)
    assert (missing.count, missing.first_id) == (1, two)
    assert service.plans_missing(actor(users[3]), tctx, after).count == 0  # the office's line
    # The leader of 二组 is reminded before the due day and urged after it; 一组's is not.
    mine = service.plan_to_make(actor(users[3]), tctx, last)
    assert (mine.count, mine.due_on) == (1, last)
    assert service.plan_to_make(actor(users[0]), tctx, last).count == 0
    with app.test_request_context():
        clock.today = date(2026, 3, 23)  # more than a week ahead: a reminder, not urgent
        line = {i.key: i for i in todo.items(actor(users[3]), tctx)}["group_activities.plan"]
        assert not line.urgent
        clock.today = last
        assert "group_activities.no_plan" not in {i.key for i in todo.items(office, tctx)}
        clock.today = after
        assert "group_activities.no_plan" in {i.key for i in todo.items(office, tctx)}
        assert {i.key: i for i in todo.items(actor(users[3]), tctx)}["group_activities.plan"].urgent


def test_the_flag_on_the_pages_and_in_the_api(world, clock, people, client):
    _reps, _users, (_one, two) = people
    clock.today = date(2026, 1, 31)  # the default due month's last day
    staff = bearer(world.users["township_staff"])
    rows = {g["group_id"]: g for g in client.get(f"{BASE}/groups", headers=staff).get_json()}
    assert rows[two]["plan_due_on"] == "2026-01-31" and rows[two]["plan_missing"] is False
    clock.today = date(2026, 2, 1)
    rows = {g["group_id"]: g for g in client.get(f"{BASE}/groups", headers=staff).get_json()}
    assert rows[two]["plan_missing"] is True and rows[two]["plan_items"] == 0
    login(client, world.users["township_staff"])
    page = client.get("/t/jia-zhen/group_activities/").get_data(as_text=True)
    assert "未按期制定年度计划" in page
    page = client.get(f"/t/jia-zhen/group_activities/groups/{two}").get_data(as_text=True)
    assert "未按期制定年度计划" in page


# --- activity days in the year --------------------------------------------------------------------


def test_activity_days_per_year_at_n_minus_one_and_n(app, world, clock, office, people, tctx):
    _reps, users, (one, two) = people
    _set(world, tctx, min_days_per_year=3)
    assert service.settings(world.other.id)["min_days_per_year"] == 2  # one township only
    _held(office, tctx, one, date(2026, 3, 2), date(2026, 3, 3))  # 2 days: N − 1
    _held(office, tctx, two, date(2026, 3, 2), date(2026, 3, 3))
    _held(office, tctx, two, date(2026, 3, 3))  # the same day again: still 2
    _held(office, tctx, two, date(2026, 5, 10))  # 3 days: N
    running = date(2026, 12, 31)
    by = {s.group.id: s for s in service.year_standings(office, tctx, 2026, running)}
    assert (by[one].days, by[two].days) == (2, 3)
    assert by[one].days_behind and not by[one].days_missed  # the year still runs
    assert by[two].days_met
    assert service.days_short(office, tctx, running).count == 2  # 2025's: neither held any
    after = date(2027, 1, 1)
    by = {s.group.id: s for s in service.year_standings(office, tctx, 2026, after)}
    assert by[one].days_missed and not by[two].days_missed
    short = service.days_short(office, tctx, after)
    assert (short.count, short.first_id) == (1, one)
    assert service.days_to_hold(actor(users[0]), tctx, running).count == 1
    assert service.days_to_hold(actor(users[3]), tctx, running).count == 0
    with app.test_request_context():
        clock.today = after
        assert "group_activities.days_short" in {i.key for i in todo.items(office, tctx)}


def test_days_are_counted_in_the_year_they_fall_in(world, clock, office, people, tctx):
    _reps, _users, (one, _two) = people
    _held(office, tctx, one, date(2025, 12, 31), date(2026, 1, 2))
    by = {s.group.id: s for s in service.year_standings(office, tctx, 2026, date(2026, 5, 1))}
    assert by[one].days == 2
    by = {s.group.id: s for s in service.year_standings(office, tctx, 2025, date(2026, 5, 1))}
    assert by[one].days == 1 and by[one].days_missed  # 1 of the default 2
