"""The rules of group activities, through the use cases: who may write for a group, activities
held (not to come) with the attendance of the group's members, outcomes that become cases, the
half-year minimum at N−1 and N, and the report before the annual session at the due day's
boundary (Asia/Shanghai), refused where the township does not accept late reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lianxin.casework.deadlines import shanghai_today as real_shanghai_today
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    ActivityInput,
    ActivityInputSchema,
    OutcomeCaseInput,
    OutcomeInput,
    PlanItemInput,
    ReportInput,
)
from lianxin.modules.group_activities.models import OutcomeState
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.group_activities.conftest import SESSION_DAY, TODAY

DUE = SESSION_DAY - timedelta(days=15)


def _held(who, township, group_id, came, day=TODAY, topic="走访群众"):
    return service.record_activity(
        who, township, group_id, ActivityInput(topic, day, None, "村委会", "座谈", came), today=day
    )


def test_the_leader_records_an_activity_with_attendance(world, clock, people, tctx):
    reps, users, (one, _two) = people
    leader = actor(users[0])
    activity = _held(leader, tctx, one, [reps[0].id, reps[1].id])
    rows = {rep.id: row.attended for row, rep in service.attendance_of(activity)}
    assert rows == {reps[0].id: True, reps[1].id: True, reps[2].id: False}
    assert activity.ends_on == activity.held_on
    told = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"ga:{tctx.id}:activity:{activity.id}"
        )
    ).all()
    assert len(told) == 1


def test_only_the_groups_leader_or_the_office_writes(world, clock, office, people, tctx):
    reps, users, (one, two) = people
    with pytest.raises(PermissionDenied):
        _held(actor(users[1]), tctx, one, [])  # a member, not the leader
    with pytest.raises(PermissionDenied):
        _held(actor(users[3]), tctx, one, [])  # another group's leader
    _held(office, tctx, two, [reps[3].id])


def test_attendees_are_of_the_group(world, clock, office, people, tctx):
    reps, _users, (one, _two) = people
    with pytest.raises(service.GroupRuleBroken):
        _held(office, tctx, one, [reps[4].id])


def test_an_activity_is_not_recorded_ahead(world, clock, office, people, tctx):
    _reps, _users, (one, _two) = people
    with pytest.raises(ValidationFailed):
        service.record_activity(
            office, tctx, one, ActivityInput("明天的活动", TODAY + timedelta(days=1)), today=TODAY
        )
    with pytest.raises(ValidationFailed):
        load_input(
            ActivityInputSchema,
            {"topic": "x", "held_on": "2026-05-10", "ends_on": "2026-05-09"},
        )


def test_the_plan_of_the_year(world, clock, people, tctx):
    _reps, users, (one, _two) = people
    leader = actor(users[0])
    service.add_plan_item(leader, tctx, one, PlanItemInput(2026, 7, "七一活动日"))
    service.add_plan_item(leader, tctx, one, PlanItemInput(2026, 3, "走访"))
    assert [p.month for p in service.plan_of(leader, tctx, one, 2026)] == [3, 7]
    with pytest.raises(PermissionDenied):
        service.add_plan_item(actor(users[1]), tctx, one, PlanItemInput(2026, 1, "x"))


def test_an_outcome_becomes_a_case(world, clock, office, people, tctx):
    reps, _users, (one, _two) = people
    activity = _held(office, tctx, one, [reps[0].id])
    outcome = service.record_outcome(office, tctx, activity.id, OutcomeInput("路灯坏了"))
    made = service.outcome_to_case(
        office, tctx, outcome.id, OutcomeCaseInput(title="路灯维修", body="村道路灯坏了")
    )
    case = db.session.get(Case, (tctx.id, made.case.id))
    assert case.source_type == service.SOURCE_TYPE and case.source_id == activity.id
    assert case.received_by_id == reps[0].id  # the leader, none named
    assert outcome.state == OutcomeState.CASE
    with pytest.raises(service.GroupRuleBroken):
        service.outcome_to_case(office, tctx, outcome.id, OutcomeCaseInput(title="再", body="再"))
    other = service.record_outcome(office, tctx, activity.id, OutcomeInput("x"))
    with pytest.raises(ValidationFailed):
        service.outcome_to_case(
            office,
            tctx,
            other.id,
            OutcomeCaseInput(title="t", body="b", representative_id=reps[4].id),
        )


def test_half_year_minimum_at_n_minus_one_and_n(world, clock, office, people, tctx):
    _reps, _users, (one, two) = people
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "group_activities", {"min_per_half_year": 2}
    )
    assert service.settings(world.other.id)["min_per_half_year"] == 1  # one township only
    _held(office, tctx, one, [], day=date(2026, 2, 1))
    _held(office, tctx, two, [], day=date(2026, 2, 1))
    _held(office, tctx, two, [], day=date(2026, 6, 30))
    _held(office, tctx, one, [], day=date(2026, 7, 1))  # the second half's, not the first's
    by = {s.group.id: s for s in service.standings(office, tctx, 2026, 1, TODAY)}
    assert (by[one].activities, by[one].met, by[one].missed, by[one].behind) == (
        1,
        False,
        False,
        True,
    )
    assert by[two].met
    after = date(2026, 7, 1)  # the half-year is over: flagged
    by = {s.group.id: s for s in service.standings(office, tctx, 2026, 1, after)}
    assert by[one].missed and not by[two].missed
    assert service.groups_behind(office, tctx, after).count == 1
    # On 30 June the last half-year ended is 2025's second: neither group held one then.
    assert service.groups_behind(office, tctx, date(2026, 6, 30)).count == 2
    assert service.groups_behind(actor(world.users["representative"]), tctx, after).count == 0


def test_the_leaders_to_do(world, clock, people, tctx, session_id):
    _reps, users, (one, _two) = people
    leader = actor(users[0])
    assert service.activities_to_record(leader, tctx, TODAY).count == 1
    due = service.reports_due(leader, tctx, TODAY)
    assert due.count == 1 and due.due_on == DUE
    _held(leader, tctx, one, [])
    service.submit_report(leader, tctx, one, ReportInput(session_id, "报告"), today=TODAY)
    assert service.activities_to_record(leader, tctx, TODAY).count == 0
    assert service.reports_due(leader, tctx, TODAY).count == 0
    assert service.activities_to_record(actor(users[1]), tctx, TODAY).count == 0


def test_report_on_the_due_day_is_on_time_a_day_later_late(world, clock, people, tctx, session_id):
    _reps, users, (one, two) = people
    on_time = service.submit_report(
        actor(users[0]), tctx, one, ReportInput(session_id, "一组报告"), today=DUE
    )
    assert on_time.due_on == DUE and not on_time.late
    late = service.submit_report(
        actor(users[3]), tctx, two, ReportInput(session_id, "二组报告"), today=DUE + timedelta(1)
    )
    assert late.late
    with pytest.raises(service.GroupRuleBroken):  # once per session
        service.submit_report(actor(users[0]), tctx, one, ReportInput(session_id, "again"))


def test_late_reports_refused_where_the_township_says_so(world, clock, people, tctx, session_id):
    _reps, users, (one, _two) = people
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(
        admin, tctx, "group_activities", {"accept_late_reports": False, "report_days_before": 20}
    )
    due = SESSION_DAY - timedelta(days=20)
    with pytest.raises(service.GroupRuleBroken):
        service.submit_report(
            actor(users[0]), tctx, one, ReportInput(session_id, "x"), today=due + timedelta(1)
        )
    made = service.submit_report(
        actor(users[0]), tctx, one, ReportInput(session_id, "x"), today=due
    )
    assert made.due_on == due and not made.late


def test_the_due_day_is_a_shanghai_date_near_midnight(world, clock, people, tctx, session_id):
    _reps, users, (one, two) = people
    # 2026-06-05 00:30 in Shanghai is still 2026-06-04 in UTC: the due day, on time.
    first = real_shanghai_today(datetime(2026, 6, 4, 16, 30, tzinfo=UTC))
    assert first == DUE
    made = service.submit_report(
        actor(users[0]), tctx, one, ReportInput(session_id, "x"), today=first
    )
    assert not made.late
    # 2026-06-05 16:30 UTC is 00:30 on the 6th in Shanghai: a day late.
    second = real_shanghai_today(datetime(2026, 6, 5, 16, 30, tzinfo=UTC))
    clock.today = second  # and the module's own clock, when no day is given
    made = service.submit_report(actor(users[3]), tctx, two, ReportInput(session_id, "y"))
    assert made.late and made.submitted_on == date(2026, 6, 6)


def test_no_report_after_the_session(world, clock, people, tctx, session_id):
    _reps, users, (one, _two) = people
    with pytest.raises(service.GroupRuleBroken):
        service.submit_report(
            actor(users[0]),
            tctx,
            one,
            ReportInput(session_id, "x"),
            today=SESSION_DAY + timedelta(days=1),
        )


def test_the_office_collects_and_files_with_the_session(
    world, clock, office, people, tctx, session_id
):
    from lianxin.modules.annual_sessions import service as annual_sessions

    _reps, users, (one, _two) = people
    with pytest.raises(service.GroupRuleBroken):  # nothing to file yet
        service.file_with_session(office, tctx, session_id)
    service.submit_report(actor(users[0]), tctx, one, ReportInput(session_id, "一组"), today=DUE)
    _session, rows = service.collected(office, tctx, session_id)
    assert [(r.name, r.report is not None) for r in rows] == [("一组", True), ("二组", False)]
    assert service.reports_overdue(office, tctx, DUE).count == 0
    assert service.reports_overdue(office, tctx, DUE + timedelta(1)).count == 1
    with pytest.raises(PermissionDenied):
        service.collected(actor(users[0]), tctx, session_id)
    service.file_with_session(office, tctx, session_id)
    titles = [d.title for d in annual_sessions.documents(office, tctx, session_id)]
    assert "各代表小组书面联络报告" in titles


def test_the_register_exports(world, clock, office, people, proposals_on, tctx):
    reps, users, (one, _two) = people
    activity = _held(office, tctx, one, [reps[0].id])
    service.record_outcome(
        actor(users[0]), tctx, activity.id, OutcomeInput("建议", OutcomeState.PROPOSAL)
    )
    data = service.register_xlsx(office, tctx)
    assert data[:2] == b"PK"
    with pytest.raises(PermissionDenied):
        service.register_xlsx(actor(world.users["representative"]), tctx)


def test_the_metrics(world, clock, office, people, tctx):
    from lianxin.modules.group_activities.metrics import figures

    _reps, _users, (one, _two) = people
    _held(office, tctx, one, [], day=date(2026, 3, 1))
    _held(office, tctx, one, [], day=date(2026, 5, 1))
    got = figures(date(2026, 1, 1), date(2026, 7, 1))
    assert got["group_activities_held"].value == 2
    assert got["group_activities_per_group"].value == pytest.approx(1.0)
    assert got["group_activities_half_share"].value == pytest.approx(0.5)
    assert figures(date(2026, 2, 1), date(2026, 6, 1))["group_activities_half_share"].value is None
