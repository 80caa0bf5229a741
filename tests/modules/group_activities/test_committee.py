"""The committee members and the groups (001 张家港): the monthly reception day in rotation and
the visiting month with its schedule published N days ahead (N − 1 refused, N accepted) and the
minutes circulated to the group's members; each setting moved in one township only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    NotesInput,
    ReceptionPlanInput,
    VisitInput,
    VisitPlanInput,
)
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from tests.factories import actor, grant, make_user
from tests.modules.group_activities.conftest import TODAY


@pytest.fixture
def members(world):
    """(first, second): the world's committee member and a second one (by name: 甲, 乙)."""
    first = world.users["committee_member"]
    first.display_name = "甲委员"
    second = make_user(name="乙委员")
    grant(second, Role.COMMITTEE_MEMBER, township=world.township)
    db.session.commit()
    return first, second


def _set(world, tctx, **values):
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "group_activities", values
    )


def _told(user_id, words):
    return [
        m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "notify"))
        if user_id in m.payload.get("user_ids", []) and words in m.payload.get("title", "")
    ]


# --- the reception day ------------------------------------------------------------------------


def test_receptions_in_rotation_from_the_next_month(world, clock, office, people, members, tctx):
    first, second = members
    made = service.plan_receptions(office, tctx, ReceptionPlanInput(2026, "联络办公室"))
    # today 20 May: the 15th of May is past; June to December, the members in turn
    assert [r.day for r in made] == [date(2026, m, 15) for m in range(6, 13)]
    assert [r.member_user_id for r in made[:3]] == [first.id, second.id, first.id]
    assert _told(second.id, "接待日安排")
    with pytest.raises(service.GroupRuleBroken):  # nothing left to lay out
        service.plan_receptions(office, tctx, ReceptionPlanInput(2026))
    # the next year goes on after December's member
    nxt = service.plan_receptions(office, tctx, ReceptionPlanInput(2027))
    assert nxt[0].member_user_id != made[-1].member_user_id
    with pytest.raises(PermissionDenied):
        service.plan_receptions(actor(first), tctx, ReceptionPlanInput(2028))


def test_reception_day_is_a_setting_with_short_months(world, clock, office, people, members, tctx):
    _set(world, tctx, reception_day_of_month=31)
    assert service.settings(world.other.id)["reception_day_of_month"] == 15
    made = service.plan_receptions(office, tctx, ReceptionPlanInput(2027))
    assert made[1].day == date(2027, 2, 28) and made[3].day == date(2027, 4, 30)
    # the day itself is still laid out (today is 20 May: the 20th of May, not the 19th)
    _set(world, tctx, reception_day_of_month=20)
    again = service.plan_receptions(office, tctx, ReceptionPlanInput(2026))
    assert again[0].day == TODAY


def test_reception_record_and_swap(world, clock, office, people, members, tctx):
    first, second = members
    row = service.plan_receptions(office, tctx, ReceptionPlanInput(2026))[0]  # 15 June, 甲
    with pytest.raises(service.GroupRuleBroken):  # not yet
        service.record_reception(
            actor(first), tctx, row.id, NotesInput("好"), today=row.day - timedelta(1)
        )
    with pytest.raises(PermissionDenied):  # not theirs
        service.record_reception(actor(second), tctx, row.id, NotesInput("好"), today=row.day)
    service.reassign_reception(office, tctx, row.id, second.id)
    assert _told(first.id, "接待日调整") and _told(second.id, "接待日调整")
    done = service.record_reception(
        actor(second), tctx, row.id, NotesInput("反映道路"), today=row.day
    )
    assert done.notes == "反映道路"
    with pytest.raises(service.GroupRuleBroken):  # recorded: no more swaps
        service.reassign_reception(office, tctx, row.id, first.id)
    with pytest.raises(NotFound):  # not a committee member
        service.reassign_reception(office, tctx, row.id, world.users["representative"].id)


# --- the visiting month -----------------------------------------------------------------------


def _plan(office, tctx, members, ids, month=11):
    first, second = members
    plan = service.create_plan(office, tctx, VisitPlanInput(2026, month))
    service.add_visit(office, tctx, plan.id, VisitInput(first.id, ids[0], date(2026, month, 5)))
    service.add_visit(office, tctx, plan.id, VisitInput(second.id, ids[1], date(2026, month, 6)))
    return plan


def test_visit_months_and_one_or_two_groups(world, clock, office, people, members, tctx):
    first, _second = members
    _reps, _users, ids = people
    with pytest.raises(ValidationFailed):  # June is not a visiting month (5 and 11)
        service.create_plan(office, tctx, VisitPlanInput(2026, 6))
    plan = service.create_plan(office, tctx, VisitPlanInput(2026, 11))
    with pytest.raises(ValidationFailed):  # twice
        service.create_plan(office, tctx, VisitPlanInput(2026, 11))
    with pytest.raises(ValidationFailed):  # a day outside the month
        service.add_visit(office, tctx, plan.id, VisitInput(first.id, ids[0], date(2026, 12, 1)))
    service.add_visit(office, tctx, plan.id, VisitInput(first.id, ids[0], date(2026, 11, 3)))
    service.add_visit(office, tctx, plan.id, VisitInput(first.id, ids[1], date(2026, 11, 4)))
    extra = people_group(world, office, tctx, "三组")
    with pytest.raises(service.GroupRuleBroken):  # a third group: at most two
        service.add_visit(office, tctx, plan.id, VisitInput(first.id, extra, date(2026, 11, 5)))
    with pytest.raises(service.GroupRuleBroken):  # 乙 visits nobody yet
        service.publish_plan(office, tctx, plan.id, today=date(2026, 9, 1))
    assert service.check_plan(tctx, plan).missing == ["乙委员"]


def people_group(world, office, tctx, name):
    from lianxin.people import service as people_service
    from lianxin.people.inputs import GroupInput

    return people_service.create_group(office, tctx, GroupInput(name)).id


def test_publish_n_days_ahead(world, clock, office, people, members, tctx):
    _reps, users, ids = people
    first, _second = members
    plan = _plan(office, tctx, members, ids)
    # 1 November less 30 days: 2 October. The 3rd (29 days ahead, N − 1) is refused.
    assert service.publish_by(tctx.id, plan) == date(2026, 10, 2)
    with pytest.raises(service.GroupRuleBroken):
        service.publish_plan(office, tctx, plan.id, today=date(2026, 10, 3))
    assert plan.published_on is None
    service.publish_plan(office, tctx, plan.id, today=date(2026, 10, 2))  # N: accepted
    assert plan.published_on == date(2026, 10, 2)
    assert _told(first.id, "走访代表小组安排")
    assert _told(users[1].id, "党委委员走访本组")  # a member of 一组
    with pytest.raises(service.GroupRuleBroken):  # published: no more changes
        service.add_visit(office, tctx, plan.id, VisitInput(first.id, ids[1], date(2026, 11, 9)))
    event = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "group_activity.visit_publish")
    ).first()
    assert event is not None


def test_days_ahead_is_one_townships_setting(world, clock, office, people, members, tctx):
    _reps, _users, ids = people
    _set(world, tctx, visit_schedule_days_ahead=10, visit_month_second=12)
    assert service.settings(world.other.id)["visit_schedule_days_ahead"] == 30
    assert service.settings(world.other.id)["visit_month_second"] == 11
    plan = _plan(office, tctx, members, ids, month=12)
    with pytest.raises(service.GroupRuleBroken):  # 9 days ahead
        service.publish_plan(office, tctx, plan.id, today=date(2026, 11, 22))
    service.publish_plan(office, tctx, plan.id, today=date(2026, 11, 21))  # 10 days ahead


def test_minutes_after_the_visit_go_to_the_group(world, clock, office, people, members, tctx):
    _reps, users, ids = people
    first, second = members
    plan = _plan(office, tctx, members, ids)
    visit = service.visits_of(plan)[0]  # 甲 → 一组 on 5 November
    with pytest.raises(service.GroupRuleBroken):  # not published yet
        service.record_minutes(actor(first), tctx, visit.id, NotesInput("纪要"), today=visit.day)
    service.publish_plan(office, tctx, plan.id, today=date(2026, 9, 30))
    with pytest.raises(service.GroupRuleBroken):  # the day before the visit
        service.record_minutes(
            actor(first), tctx, visit.id, NotesInput("纪要"), today=visit.day - timedelta(1)
        )
    with pytest.raises(PermissionDenied):  # another member's visit
        service.record_minutes(actor(second), tctx, visit.id, NotesInput("纪要"), today=visit.day)
    service.record_minutes(
        actor(first), tctx, visit.id, NotesInput("听取意见三条"), today=visit.day
    )
    told = _told(users[2].id, "走访纪要")
    assert told and "听取意见三条" in told[0].payload["body"]
    assert not _told(users[4].id, "走访纪要")  # 二组 is not told


def test_to_do_of_the_committee_member_and_the_office(world, clock, office, people, members, tctx):
    first, _second = members
    _reps, _users, ids = people
    me = actor(first)
    assert service.receptions_coming(me, tctx, TODAY).count == 0
    _set(world, tctx, reception_day_of_month=25)
    service.plan_receptions(office, tctx, ReceptionPlanInput(2026))  # 25 May, 甲
    found = service.receptions_coming(me, tctx, TODAY)
    assert found.count == 1 and found.due_on == date(2026, 5, 25)
    # 1 November's schedule: due 2 October; the office is told from 18 September
    assert service.visit_plans_to_publish(office, tctx, date(2026, 9, 17)).count == 0
    due = service.visit_plans_to_publish(office, tctx, date(2026, 9, 18))
    assert due.count == 1 and due.due_on == date(2026, 10, 2)
    plan = _plan(office, tctx, members, ids)
    service.publish_plan(office, tctx, plan.id, today=date(2026, 9, 18))
    assert service.visit_plans_to_publish(office, tctx, date(2026, 9, 18)).count == 0
    assert service.minutes_to_record(me, tctx, date(2026, 11, 4)).count == 0
    assert service.minutes_to_record(me, tctx, date(2026, 11, 5)).count == 1


def test_the_seed_lays_out_receptions_and_visits(world, people, members):
    from datetime import UTC, datetime

    from lianxin.db.tenancy import tenant_context
    from lianxin.modules.group_activities.models import Reception, Visit, VisitPlan
    from lianxin.modules.group_activities.seed import seed

    world.township.created_at = datetime.now(UTC) - timedelta(days=800)
    db.session.commit()
    seed(world.township)
    with tenant_context(world.township.id):
        receptions = db.session.scalars(select(Reception)).all()
        assert receptions and any(r.notes for r in receptions)
        assert len({r.member_user_id for r in receptions}) == 2  # in turn
        plans = db.session.scalars(select(VisitPlan)).all()
        assert plans and all(p.published_on for p in plans)
        assert any(v.minutes for v in db.session.scalars(select(Visit)))
