"""The briefings API: draft, change, send, read, receipts; lists paginated; a sent briefing is
refused a change (409); a representative sees only what was sent to them."""

from __future__ import annotations

from tests.helpers import bearer


def _base(world) -> str:
    return f"/api/v1/t/{world.township.slug}/briefings"


def test_draft_send_read_and_receipts(world, roll, client):
    office = bearer(world.users["township_staff"])
    body = {"kind": "progress", "title": "村道改造进展", "text": "已完成路基", "audience": "all"}
    made = client.post(f"{_base(world)}/briefings", json=body, headers=office)
    assert made.status_code == 201, made.get_json()
    bid = made.get_json()["id"]
    assert made.get_json()["state"] == "draft"
    patched = client.patch(
        f"{_base(world)}/briefings/{bid}", json={"title": "村道改造最新进展"}, headers=office
    )
    assert patched.status_code == 200 and patched.get_json()["title"] == "村道改造最新进展"
    sent = client.post(f"{_base(world)}/briefings/{bid}/send", headers=office)
    assert sent.status_code == 200
    assert sent.get_json()["recipients"] == 4 and sent.get_json()["read"] == 0
    again = client.patch(f"{_base(world)}/briefings/{bid}", json={"title": "x"}, headers=office)
    assert again.status_code == 409
    rep = bearer(world.users["representative"])
    read = client.post(f"{_base(world)}/briefings/{bid}/read", headers=rep)
    assert read.status_code == 200
    receipts = client.get(f"{_base(world)}/briefings/{bid}/receipts", headers=office).get_json()
    assert {r["name"]: bool(r["read_at"]) for r in receipts}["安代表"] is True
    assert client.get(f"{_base(world)}/briefings/{bid}/receipts", headers=rep).status_code == 403


def test_lists_are_paginated_and_scoped(world, roll, client):
    office = bearer(world.users["township_staff"])
    for n in range(3):
        body = {"kind": "other", "title": f"通报{n}", "text": "内容"}
        client.post(f"{_base(world)}/briefings", json=body, headers=office)
    page = client.get(f"{_base(world)}/briefings?page=1&page_size=2", headers=office)
    assert page.status_code == 200 and len(page.get_json()) == 2
    assert '"total": 3' in page.headers["X-Pagination"]
    rep = bearer(world.users["representative"])
    assert client.get(f"{_base(world)}/briefings", headers=rep).get_json() == []  # drafts


def test_bad_input_is_422(world, roll, client):
    office = bearer(world.users["township_staff"])
    response = client.post(
        f"{_base(world)}/briefings",
        json={"kind": "other", "title": "t", "text": "x", "audience": "named"},
        headers=office,
    )
    assert response.status_code == 422
