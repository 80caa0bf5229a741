"""The API: the township's marks and nominations, the county's selection, structured errors."""

from __future__ import annotations

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from tests.awards.conftest import ADOPTED_ON
from tests.helpers import bearer

T = "/api/v1/t/jia-zhen/awards"
C = "/api/v1/c/jia/awards"


def _mark(client, world, case_id, **extra):
    body = {
        "kind": "case",
        "item_id": case_id,
        "adopted_by": "government",
        "adopted_on": ADOPTED_ON.isoformat(),
        **extra,
    }
    return client.post(f"{T}/adoptions", json=body, headers=bearer(world.users["township_staff"]))


def test_marks_through_the_api(world, scene, client):
    made = _mark(client, world, scene.cases["t"][0])
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["kind"] == "case" and body["adopted_by"] == "government"
    listed = client.get(f"{T}/adoptions?year=2025", headers=bearer(world.users["township_staff"]))
    assert listed.status_code == 200 and [a["id"] for a in listed.get_json()] == [body["id"]]
    assert "X-Pagination" in listed.headers
    assert _mark(client, world, scene.cases["t"][0]).status_code == 409
    gone = client.delete(
        f"{T}/adoptions/{body['id']}", headers=bearer(world.users["township_staff"])
    )
    assert gone.status_code == 204


def test_bad_input_is_a_structured_error(world, scene, client):
    refused = _mark(client, world, scene.cases["t"][0], adopted_by="everyone", extra="x")
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert "adopted_by" in str(errors) or "extra" in str(errors)
    late = _mark(client, world, scene.cases["t"][0], adopted_on="2026-01-16")
    assert late.status_code == 422 and "adopted_on" in str(late.get_json())


def test_the_county_runs_a_selection_through_the_api(world, scene, client):
    admin = bearer(world.users["county_admin"])
    made = client.post(
        f"{C}/selections", json={"year": 2025, "title": "四十佳", "quota_unit": 1}, headers=admin
    )
    assert made.status_code == 201, made.get_json()
    sid = made.get_json()["id"]
    assert client.post(f"{C}/selections/{sid}/gather", headers=admin).get_json() == {
        "representative": 6,
        "station": 4,
        "unit": 2,  # twice its number of 1
    }
    assert client.post(f"{C}/selections/{sid}/choosing", headers=admin).status_code == 200
    candidates = client.get(f"{C}/selections/{sid}/candidates", headers=admin).get_json()
    units = [c for c in candidates if c["category"] == "unit"]
    first = client.post(
        f"{C}/candidates/{units[0]['id']}/choose", json={"reason": "满意率最高"}, headers=admin
    )
    assert first.status_code == 200 and first.get_json()["chosen"] is True
    second = client.post(
        f"{C}/candidates/{units[1]['id']}/choose", json={"reason": "也好"}, headers=admin
    )
    assert second.status_code == 409 and second.get_json()["code"] == "award_rule"
    no_reason = client.post(f"{C}/candidates/{units[1]['id']}/choose", json={}, headers=admin)
    assert no_reason.status_code == 422
    closed = client.post(f"{C}/selections/{sid}/close", headers=admin)
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"


def test_a_township_token_cannot_use_the_county_api(world, scene, client):
    office = bearer(world.users["township_admin"])
    assert client.get(f"{C}/selections", headers=office).status_code == 404
    refused = client.post(f"{C}/selections", json={"year": 2025, "title": "x"}, headers=office)
    assert refused.status_code == 404


def test_the_township_nominates_through_the_api(world, scene, client):
    staff = bearer(world.users["township_staff"])
    made = client.post(
        f"{C}/selections",
        json={"year": 2025, "title": "四十佳"},
        headers=bearer(world.users["county_admin"]),
    )
    sid = made.get_json()["id"]
    assert [s["id"] for s in client.get(f"{T}/selections", headers=staff).get_json()] == [sid]
    _mark(client, world, scene.cases["t"][0])
    adopted = client.get(f"{T}/adopted", headers=staff).get_json()
    assert [a["item_id"] for a in adopted] == [scene.cases["t"][0]]
    nominated = client.post(
        f"{T}/selections/{sid}/nominations",
        json={"kind": "case", "item_id": scene.cases["t"][0], "summary": "好建议"},
        headers=staff,
    )
    assert nominated.status_code == 201, nominated.get_json()
    assert nominated.get_json()["township_id"] == world.township.id
    mine = client.get(f"{T}/selections/{sid}/nominations", headers=staff).get_json()
    assert len(mine) == 1
    # 乙镇 sees none of 甲镇's nominations.
    theirs = client.get(
        f"/api/v1/t/yi-zhen/awards/selections/{sid}/nominations",
        headers=bearer(world.users["other_admin"]),
    ).get_json()
    assert theirs == []
    assert client.delete(f"{T}/nominations/{mine[0]['id']}", headers=staff).status_code == 204
    with tenant_context(world.township.id):
        db.session.rollback()


def test_an_item_adopted_in_another_year_is_a_409_in_chinese(world, scene, client):
    staff = bearer(world.users["township_staff"])
    sid = client.post(
        f"{C}/selections",
        json={"year": 2023, "title": "2023年度四十佳"},
        headers=bearer(world.users["county_admin"]),
    ).get_json()["id"]
    _mark(client, world, scene.cases["t"][0])  # adopted in 2025
    refused = client.post(
        f"{T}/selections/{sid}/nominations",
        json={"kind": "case", "item_id": scene.cases["t"][0]},
        headers=staff,
    )
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["message"] == "只能推荐2023年度采纳的事项"
    assert client.get(f"{T}/selections/{sid}/nominations", headers=staff).get_json() == []
