"""The API: shapes, pagination, and the rule errors as 409 sitting_rule."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import assert_error, bearer
from tests.modules.sittings.conftest import TODAY

BASE = "/api/v1/t/jia-zhen/sittings"


def test_plan_invite_answer_attend_suggest(world, clock, people, client):
    reps, users = people
    staff = bearer(world.users["township_staff"])
    made = client.post(
        f"{BASE}/meetings",
        json={"title": "党委会", "kind": "committee", "held_on": TODAY.isoformat()},
        headers=staff,
    )
    assert made.status_code == 201, made.get_json()
    meeting = made.get_json()
    assert meeting["term"] == 13 and meeting["held_at"] is None
    listed = client.get(f"{BASE}/meetings", headers=staff)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    proposal = client.get(f"{BASE}/meetings/{meeting['id']}/proposal", headers=staff).get_json()
    assert len(proposal) == 5 and proposal[0]["sittings"] == 0
    invited = client.post(
        f"{BASE}/meetings/{meeting['id']}/invitations",
        json={"representative_ids": [reps[1].id, reps[2].id]},
        headers=staff,
    )
    assert invited.status_code == 201 and invited.get_json()[0]["batch"] == 1
    mine = invited.get_json()[0]
    answered = client.post(
        f"{BASE}/invitations/{mine['id']}/answer",
        json={"answer": "declined", "reason": "外出"},
        headers=bearer(users[1]),
    )
    assert answered.status_code == 200 and answered.get_json()["answer"] == "declined"
    attended = client.post(
        f"{BASE}/meetings/{meeting['id']}/attendance",
        json={"representative_ids": [reps[2].id]},
        headers=staff,
    )
    assert attended.status_code == 200
    said = client.post(
        f"{BASE}/meetings/{meeting['id']}/suggestions",
        json={"representative_id": reps[2].id, "text": "建议增设路灯"},
        headers=staff,
    )
    assert said.status_code == 201
    case = client.post(
        f"{BASE}/suggestions/{said.get_json()['id']}/case",
        json={"title": "增设路灯", "body": "建议增设路灯", "category": "基础设施"},
        headers=staff,
    )
    assert case.status_code == 201 and case.get_json()["outcome"] == "case"
    standings = client.get(f"{BASE}/standings", headers=staff).get_json()
    assert {s["representative_id"]: s["sittings"] for s in standings}[reps[2].id] == 1


def test_rules_answer_409_and_422(world, clock, people, client):
    reps, _users = people
    staff = bearer(world.users["township_staff"])
    meeting = client.post(
        f"{BASE}/meetings",
        json={
            "title": "党委会",
            "kind": "committee",
            "held_on": (TODAY + timedelta(1)).isoformat(),
        },
        headers=staff,
    ).get_json()
    client.post(
        f"{BASE}/meetings/{meeting['id']}/invitations",
        json={"representative_ids": [reps[1].id]},
        headers=staff,
    )
    early = client.post(
        f"{BASE}/meetings/{meeting['id']}/attendance",
        json={"representative_ids": [reps[1].id]},
        headers=staff,
    )
    assert_error(early, 409, "sitting_rule")
    bad = client.post(
        f"{BASE}/meetings",
        json={"title": "支部会", "kind": "branch", "held_on": TODAY.isoformat()},
        headers=staff,
    )
    assert_error(bad, 422)
    rep = client.post(
        f"{BASE}/meetings",
        json={"title": "x", "kind": "committee", "held_on": TODAY.isoformat()},
        headers=bearer(world.users["representative"]),
    )
    assert rep.status_code == 403
