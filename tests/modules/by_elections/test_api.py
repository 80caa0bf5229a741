"""The API: shape, pagination and the rules' 409 codes."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import bearer

from .conftest import TODAY, candidate


def test_api_flow_and_codes(world, client, unit, clock):
    headers = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/by_elections"
    made = client.post(
        f"{base}/elections",
        headers=headers,
        json={"title": "补选", "branch_id": unit.branch_id, "seats": 1, "term": 13},
    )
    assert made.status_code == 201, made.get_json()
    eid = made.get_json()["id"]
    u = f"{base}/elections/{eid}"
    listed = client.get(f"{base}/elections", headers=headers)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    early = client.post(f"{u}/notice", headers=headers, json={})
    assert early.status_code == 409 and early.get_json()["code"] == "step_order"
    ids = []
    for i in range(2):
        r = client.post(f"{u}/candidates", headers=headers, json=candidate(i))
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    assert client.post(f"{u}/nomination", headers=headers, json={}).status_code == 201
    r = client.post(f"{u}/recommendation", headers=headers, json={"candidate_ids": ids})
    assert r.status_code == 201
    assert client.post(f"{u}/notice", headers=headers, json={}).status_code == 201
    r = client.post(f"{u}/candidates/{ids[0]}/review", headers=headers, json={"passed": True})
    assert r.status_code == 409 and r.get_json()["code"] == "notice_period"
    clock.today = TODAY + timedelta(days=5)
    r = client.post(f"{u}/candidates/{ids[0]}/review", headers=headers, json={"passed": True})
    assert r.status_code == 200 and r.get_json()["passed"] is True
    r = client.post(
        f"{u}/candidates/{ids[1]}/review",
        headers=headers,
        json={"passed": False, "reason": "不符合条件"},
    )
    assert r.status_code == 200
    assert client.post(f"{u}/review", headers=headers, json={}).status_code == 201
    r = client.post(f"{u}/election", headers=headers, json={"channel": "paper"})
    assert r.status_code == 409 and r.get_json()["code"] == "margin"
    steps = client.get(f"{u}/steps", headers=headers).get_json()
    assert [s["step"] for s in steps] == [
        "registration",
        "nomination",
        "recommendation",
        "notice",
        "review",
    ]


def test_api_openapi_lists_the_module(world, client):
    spec = client.get("/api/openapi.json")
    if spec.status_code == 200:
        assert any("/by_elections/" in p for p in spec.get_json()["paths"])
