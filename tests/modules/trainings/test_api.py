"""The API: shapes, pagination, and the rule errors as 409 training_rule."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import assert_error, bearer
from tests.modules.trainings.conftest import TODAY

BASE = "/api/v1/t/jia-zhen/trainings"


def test_schedule_answer_leave_check_in_standing(world, clock, people, client):
    reps, users = people
    staff = bearer(world.users["township_staff"])
    made = client.post(
        f"{BASE}/sessions",
        json={
            "title": "轮训",
            "kind": "rotation",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=2)).isoformat(),
            "audience": "named",
            "representative_ids": [reps[1].id, reps[2].id],
        },
        headers=staff,
    )
    assert made.status_code == 201, made.get_json()
    session = made.get_json()
    assert session["days"] == 3 and session["term"] == 13
    listed = client.get(f"{BASE}/sessions", headers=staff)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    invitations = client.get(f"{BASE}/sessions/{session['id']}/invitations", headers=staff)
    mine = next(i for i in invitations.get_json() if i["representative_id"] == reps[1].id)
    answered = client.post(
        f"{BASE}/invitations/{mine['id']}/answer",
        json={"answer": "leave", "reason": "外出"},
        headers=bearer(users[1]),
    )
    assert answered.status_code == 200 and answered.get_json()["leave"] == "requested"
    decided = client.post(
        f"{BASE}/invitations/{mine['id']}/leave", json={"approve": False}, headers=staff
    )
    assert decided.get_json()["leave"] == "refused"
    checked = client.post(
        f"{BASE}/sessions/{session['id']}/check-ins",
        json={"representative_id": reps[2].id},
        headers=staff,
    )
    assert checked.status_code == 201 and checked.get_json()["day"] == TODAY.isoformat()
    early = client.post(
        f"{BASE}/sessions/{session['id']}/check-ins",
        json={"representative_id": reps[2].id, "day": (TODAY + timedelta(days=1)).isoformat()},
        headers=staff,
    )
    assert_error(early, 409, "training_rule")
    bad = client.post(
        f"{BASE}/invitations/{mine['id']}/answer",
        json={"answer": "leave"},
        headers=bearer(users[1]),
    )
    assert bad.status_code == 422
    standings = client.get(f"{BASE}/standings?year=2026", headers=staff).get_json()
    row = next(s for s in standings if s["representative_id"] == reps[2].id)
    assert row["days"] == 1 and row["rotations"] == 1 and len(row["quarters"]) == 4
