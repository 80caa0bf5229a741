"""The API: shapes, pagination, and the rule errors as 409 group_activity_rule."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import assert_error, bearer
from tests.modules.group_activities.conftest import SESSION_DAY, TODAY

BASE = "/api/v1/t/jia-zhen/group_activities"


def test_record_an_activity_and_file_a_report(
    world, clock, people, proposals_on, session_id, client
):
    reps, users, (one, _two) = people
    leader = bearer(users[0])
    groups = client.get(f"{BASE}/groups", headers=leader).get_json()
    assert [g["name"] for g in groups] == ["一组", "二组"]
    assert groups[0]["leader_id"] == reps[0].id and groups[0]["activities"] == 0
    made = client.post(
        f"{BASE}/groups/{one}/activities",
        json={"topic": "走访", "held_on": TODAY.isoformat(), "attendee_ids": [reps[0].id]},
        headers=leader,
    )
    assert made.status_code == 201, made.get_json()
    activity = made.get_json()
    listed = client.get(f"{BASE}/activities", headers=leader)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    rows = client.get(f"{BASE}/activities/{activity['id']}/attendance", headers=leader).get_json()
    assert sorted(r["attended"] for r in rows) == [False, False, True]
    outcome = client.post(
        f"{BASE}/activities/{activity['id']}/outcomes",
        json={"text": "草稿", "state": "proposal"},
        headers=leader,
    )
    assert outcome.status_code == 201 and outcome.get_json()["state"] == "proposal"
    assert outcome.get_json()["proposal_id"] is not None  # a real draft
    plan = client.post(
        f"{BASE}/groups/{one}/plan",
        json={"year": 2026, "month": 7, "topic": "七一"},
        headers=leader,
    )
    assert plan.status_code == 201
    assert len(client.get(f"{BASE}/groups/{one}/plan/2026", headers=leader).get_json()) == 1
    report = client.post(
        f"{BASE}/groups/{one}/reports",
        json={"session_id": session_id, "body": "报告"},
        headers=leader,
    )
    assert report.status_code == 201
    assert report.get_json()["due_on"] == (SESSION_DAY - timedelta(days=15)).isoformat()
    again = client.post(
        f"{BASE}/groups/{one}/reports", json={"session_id": session_id, "body": "x"}, headers=leader
    )
    assert_error(again, 409, "group_activity_rule")


def test_a_member_is_refused_and_a_future_day_is_invalid(world, clock, people, client):
    _reps, users, (one, _two) = people
    refused = client.post(
        f"{BASE}/groups/{one}/activities",
        json={"topic": "走访", "held_on": TODAY.isoformat()},
        headers=bearer(users[1]),
    )
    assert refused.status_code == 403
    ahead = client.post(
        f"{BASE}/groups/{one}/activities",
        json={"topic": "走访", "held_on": (TODAY + timedelta(days=1)).isoformat()},
        headers=bearer(world.users["township_staff"]),
    )
    assert ahead.status_code == 422
    unknown = client.post(
        f"{BASE}/groups/{one}/activities",
        json={"topic": "走访", "held_on": TODAY.isoformat(), "nope": 1},
        headers=bearer(world.users["township_staff"]),
    )
    assert unknown.status_code == 422
