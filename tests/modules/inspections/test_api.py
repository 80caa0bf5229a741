"""The inspections API: plan, send, findings, report, brief and the year, in the shape of its
schemas; the lead-time and team-size rules as 409; lists paginated; input refused as 422."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import assert_error, bearer
from tests.modules.inspections.conftest import TODAY


def _base(world) -> str:
    return f"/api/v1/t/{world.township.slug}/inspections"


def _plan(cast, days=5, team=3):
    return {
        "form": "inspection",
        "subject": "重点项目进展视察",
        "held_on": (TODAY + timedelta(days=days)).isoformat(),
        "unit_ids": [cast.units["roads"][0]],
        "representative_ids": cast.reps[:team],
    }


def test_the_whole_flow(app, world, cast, client, clock):
    headers = bearer(world.users["township_staff"])
    made = client.post(f"{_base(world)}/inspections", json=_plan(cast), headers=headers)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["state"] == "planned" and body["unit_ids"] == [cast.units["roads"][0]]
    assert sorted(body["representative_ids"]) == sorted(cast.reps[:3])
    iid = body["id"]
    sent = client.post(f"{_base(world)}/inspections/{iid}/send", headers=headers)
    assert sent.get_json()["state"] == "notified"
    clock.today = TODAY + timedelta(days=5)
    found = client.post(
        f"{_base(world)}/inspections/{iid}/findings",
        json={"findings": "进度滞后。", "attended_ids": cast.reps[:3]},
        headers=headers,
    )
    assert found.get_json()["attended_ids"] == sorted(cast.reps[:3]) or found.status_code == 200
    reported = client.post(
        f"{_base(world)}/inspections/{iid}/report", json={"report": "报告。"}, headers=headers
    )
    assert reported.get_json()["state"] == "reported"
    brief = client.post(
        f"{_base(world)}/inspections/{iid}/briefs",
        json={
            "kind": "suggestion",
            "unit_id": cast.units["roads"][0],
            "title": "建议加快进度",
            "body": "请答复。",
        },
        headers=headers,
    )
    assert brief.status_code == 201, brief.get_json()
    assert brief.get_json()["due_on"] and brief.get_json()["overdue"] is False
    listed = client.get(f"{_base(world)}/inspections/{iid}/briefs", headers=headers)
    assert len(listed.get_json()) == 1
    year = client.get(f"{_base(world)}/years/2026", headers=headers).get_json()
    assert year["held"] == 1 and year["yearly_minimum"] == 1
    assert sum(r["below_minimum"] for r in year["representatives"]) == 4


def test_rules_are_409_and_input_422(app, world, cast, client):
    headers = bearer(world.users["township_staff"])
    late = client.post(f"{_base(world)}/inspections", json=_plan(cast, days=4), headers=headers)
    assert_error(late, 409, "inspection_rule")
    small = client.post(f"{_base(world)}/inspections", json=_plan(cast, team=2), headers=headers)
    assert_error(small, 409, "inspection_rule")
    bad = client.post(
        f"{_base(world)}/inspections", json={**_plan(cast), "form": "x"}, headers=headers
    )
    assert bad.status_code == 422


def test_the_list_is_paginated(app, world, cast, client):
    headers = bearer(world.users["township_staff"])
    for _ in range(3):
        client.post(f"{_base(world)}/inspections", json=_plan(cast), headers=headers)
    page = client.get(f"{_base(world)}/inspections?page=1&page_size=2", headers=headers)
    assert page.status_code == 200 and len(page.get_json()) == 2
    assert '"total": 3' in page.headers["X-Pagination"]


def test_a_representative_cannot_plan(app, world, cast, client):
    made = client.post(
        f"{_base(world)}/inspections", json=_plan(cast), headers=bearer(cast.users[5])
    )
    assert made.status_code == 403
