"""The API: create, approve, return, progress, close, the board; shapes, pagination, and the
rule errors as 409 commitment_rule."""

from __future__ import annotations

from datetime import timedelta

from lianxin.db.tenancy import tenant_context
from tests.helpers import assert_error, bearer
from tests.modules.commitments.conftest import TODAY

BASE = "/api/v1/t/jia-zhen/commitments"


def test_the_life_of_a_commitment(world, clock, people, client):
    reps, users = people
    with tenant_context(world.township.id):
        ids = [r.id for r in reps]
        names = [r.name for r in reps]
    staff = bearer(world.users["township_staff"])
    me = bearer(users[1])
    made = client.post(
        f"{BASE}/commitments",
        json={"year": 2026, "content": "每月走访10户", "due_on": TODAY.isoformat()},
        headers=me,
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["status"] == "pending" and body["representative_id"] == ids[1]
    assert body["overdue"] is False and body["by_office"] is False
    bad = client.post(
        f"{BASE}/commitments",
        json={"year": 2026, "content": "x", "due_on": "2027-02-01"},
        headers=me,
    )
    assert bad.status_code == 422 and "due_on" in str(bad.get_json())
    returned = client.post(
        f"{BASE}/commitments/{body['id']}/return", json={"reason": "请细化"}, headers=staff
    )
    assert returned.get_json()["status"] == "returned"
    revised = client.post(
        f"{BASE}/commitments/{body['id']}/revise",
        json={"content": "每月走访12户", "due_on": TODAY.isoformat()},
        headers=me,
    )
    assert revised.get_json()["status"] == "pending"
    approved = client.post(f"{BASE}/commitments/{body['id']}/approve", headers=staff)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert_error(
        client.post(f"{BASE}/commitments/{body['id']}/approve", headers=staff),
        409,
        "commitment_rule",
    )
    noted = client.post(
        f"{BASE}/commitments/{body['id']}/progress", json={"note": "已走访6户"}, headers=me
    )
    assert noted.status_code == 201 and noted.get_json()["noted_on"] == TODAY.isoformat()
    notes = client.get(f"{BASE}/commitments/{body['id']}/progress", headers=staff)
    assert len(notes.get_json()) == 1 and "X-Pagination" in notes.headers
    assert_error(
        client.post(
            f"{BASE}/commitments/{body['id']}/close", json={"kept": True, "note": "x"}, headers=me
        ),
        403,
    )
    clock.today = TODAY + timedelta(days=1)
    assert client.get(f"{BASE}/commitments/{body['id']}", headers=me).get_json()["overdue"]
    board = client.get(f"{BASE}/board?year=2026", headers=bearer(users[2])).get_json()
    assert [(r["name"], r["state"]) for r in board] == [(names[1], "overdue")]
    assert board[0]["workplace"] is None  # not published
    closed = client.post(
        f"{BASE}/commitments/{body['id']}/close",
        json={"kept": False, "note": "未按期完成"},
        headers=staff,
    )
    assert closed.get_json()["status"] == "not_kept"
    on_behalf = client.post(
        f"{BASE}/commitments",
        json={
            "year": 2026,
            "content": "代为登记",
            "due_on": "2026-12-01",
            "representative_id": ids[0],
        },
        headers=staff,
    )
    assert on_behalf.status_code == 201 and on_behalf.get_json()["by_office"] is True
    listed = client.get(f"{BASE}/commitments?year=2026", headers=staff)
    assert len(listed.get_json()) == 2 and "X-Pagination" in listed.headers
    unknown = client.post(f"{BASE}/commitments", json={"year": 2026, "x": 1}, headers=me)
    assert unknown.status_code == 422
