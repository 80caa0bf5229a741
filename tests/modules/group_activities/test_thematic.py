"""Thematic groups (专业小组) plan, record and report like area groups; the half-year minimum
applies to area groups, and to thematic groups only as the township's own setting (0: none)."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import ActivityInput, PlanItemInput, ReportInput
from lianxin.people import service as people_service
from lianxin.people.inputs import GroupInput
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.modules.group_activities.conftest import TODAY


@pytest.fixture
def thematic(world, office, people, tctx):
    """A thematic group led by reps[1] (already in 一组), with reps[4] (of 二组) as a member."""
    reps, _users, _ids = people
    group = people_service.create_group(office, tctx, GroupInput("农业专业小组", kind="thematic"))
    on = date(2026, 1, 1)
    people_service.assign_to_group(
        office, tctx, rep_id=reps[1].id, group_id=group.id, role="leader", on=on
    )
    people_service.assign_to_group(office, tctx, rep_id=reps[4].id, group_id=group.id, on=on)
    return group.id


def test_a_thematic_group_plans_records_and_reports(
    world, clock, office, people, thematic, tctx, session_id
):
    reps, users, (one, _two) = people
    leader = actor(users[1])
    assert service.can_lead(leader, tctx, service.find_group(leader, tctx, thematic))
    service.add_plan_item(leader, tctx, thematic, PlanItemInput(2026, 9, "农技培训"))
    done = service.record_activity(
        leader,
        tctx,
        thematic,
        ActivityInput("农技座谈", TODAY, None, "农技站", "座谈", [reps[1].id, reps[4].id]),
        today=TODAY,
    )
    assert done.group_id == thematic
    service.submit_report(
        leader, tctx, thematic, ReportInput(session_id, "专业小组报告"), today=TODAY
    )
    # the member of two groups still leads nothing in 一组
    assert not service.find_group(leader, tctx, one).leads(reps[1])


def test_the_thematic_minimum_is_its_own_setting(world, clock, office, people, thematic, tctx):
    after = date(2026, 7, 1)
    by = {s.group.id: s for s in service.standings(office, tctx, 2026, 1, after)}
    assert by[thematic].need == 0 and not by[thematic].missed  # none asked by default
    assert by[thematic].group.thematic
    assert service.groups_behind(office, tctx, after).count == 2  # the two area groups
    tenants.update_township_settings(
        actor(world.users["township_admin"]),
        tctx,
        "group_activities",
        {"thematic_min_per_half_year": 1},
    )
    assert service.settings(world.other.id)["thematic_min_per_half_year"] == 0
    by = {s.group.id: s for s in service.standings(office, tctx, 2026, 1, after)}
    assert by[thematic].need == 1 and by[thematic].missed
    assert service.groups_behind(office, tctx, after).count == 3


def test_the_county_figures_count_area_groups(world, clock, office, people, thematic, tctx):
    from lianxin.modules.group_activities.metrics import figures

    _reps, _users, (one, _two) = people
    service.record_activity(
        office, tctx, one, ActivityInput("走访", date(2026, 3, 1)), today=date(2026, 3, 1)
    )
    service.record_activity(
        office, tctx, thematic, ActivityInput("座谈", date(2026, 3, 2)), today=date(2026, 3, 2)
    )
    got = figures(date(2026, 1, 1), date(2026, 7, 1))
    assert got["group_activities_held"].value == 2  # every group's activities
    assert got["group_activities_per_group"].value == pytest.approx(0.5)  # 1 over 2 area groups
    assert got["group_activities_half_share"].value == pytest.approx(0.5)
