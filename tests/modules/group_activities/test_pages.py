"""The pages through the client: a group leader plans, records an activity with attendance on
a phone, adds an outcome and files the report; the office sees the half-year, collects the
reports, turns an outcome into a case and exports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.group_activities.models import Activity, Outcome, Report
from tests.helpers import login
from tests.modules.group_activities.conftest import SESSION_DAY, TODAY

BASE = "/t/jia-zhen/group_activities"


def test_the_leader_records_the_groups_year(world, clock, people, session_id, client):
    reps, users, (one, _two) = people
    login(client, users[0])
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "我负责的代表小组" in page and "一组" in page
    page = client.get(f"{BASE}/groups/{one}").get_data(as_text=True)
    assert "登记小组活动" in page and "年会前书面联络报告" in page
    client.post(f"{BASE}/groups/{one}/plan", data={"year": 2026, "month": 7, "topic": "七一活动"})
    response = client.post(
        f"{BASE}/groups/{one}/activities",
        data={
            "topic": "走访群众",
            "held_on": TODAY.isoformat(),
            "place": "村委会",
            "attendee_ids": [reps[0].id, reps[1].id],
        },
    )
    assert response.status_code == 302
    with tenant_context(world.township.id):
        activity = db.session.scalar(select(Activity))
        assert activity is not None and activity.topic == "走访群众"
        activity_id = activity.id
    page = client.get(f"{BASE}/activities/{activity_id}").get_data(as_text=True)
    assert "应到 3 人，实到 2 人" in page
    client.post(f"{BASE}/activities/{activity_id}/outcomes", data={"text": "路灯坏了"})
    client.post(f"{BASE}/groups/{one}/reports", data={"session_id": session_id, "body": "报告"})
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Outcome.text)) == "路灯坏了"
        report = db.session.scalar(select(Report))
        assert report is not None and not report.late
        assert report.due_on == SESSION_DAY - timedelta(days=15)
    page = client.get(f"{BASE}/groups/{one}").get_data(as_text=True)
    assert "七一活动" in page and "按时" in page


def test_a_member_reads_but_does_not_record(world, clock, people, client):
    _reps, users, (one, _two) = people
    login(client, users[1])
    page = client.get(f"{BASE}/groups/{one}").get_data(as_text=True)
    assert "登记小组活动" not in page
    client.post(f"{BASE}/groups/{one}/activities", data={"topic": "x", "held_on": "2026-05-01"})
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Activity.id)) is None


def test_the_office_collects_reports_and_exports(world, clock, people, session_id, client):
    reps, _users, (one, _two) = people
    login(client, world.users["township_staff"])
    client.post(
        f"{BASE}/groups/{one}/activities",
        data={"topic": "视察", "held_on": TODAY.isoformat(), "attendee_ids": [reps[0].id]},
    )
    with tenant_context(world.township.id):
        activity_id = db.session.scalar(select(Activity.id))
    client.post(f"{BASE}/activities/{activity_id}/outcomes", data={"text": "建议修路"})
    with tenant_context(world.township.id):
        outcome_id = db.session.scalar(select(Outcome.id))
    client.post(
        f"{BASE}/outcomes/{outcome_id}/case",
        data={"title": "修路", "body": "村道破损", "category": "其他"},
    )
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Outcome.state)) == "case"
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "导出台账" in page and "第十三届党代表大会第三次会议" in page
    page = client.get(f"{BASE}/sessions/{session_id}/reports").get_data(as_text=True)
    assert "一组" in page and "二组" in page and "未提交" in page
    export = client.get(f"{BASE}/register.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"
