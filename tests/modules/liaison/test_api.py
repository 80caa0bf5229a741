"""The liaison-chain API: pairs and suggestions, a contact resent by a flaky phone (one row,
200 with `duplicate`), errors as structured JSON, reports, meetings, compliance and figures —
through Bearer tokens, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison.models import Contact
from tests.helpers import assert_error, bearer


@pytest.fixture
def ids(chain, world):
    with tenant_context(world.township.id):
        return SimpleNamespace(
            committee={k: u.id for k, u in chain.committee.items()},
            reps={k: r.id for k, r in chain.reps.items()},
            members={k: m.id for k, m in chain.members.items()},
            households={k: h.id for k, h in chain.households.items()},
            east=chain.branches["east"].id,
        )


@pytest.fixture
def url(world):
    def build(path: str, slug: str | None = None) -> str:
        return f"/api/v1/t/{slug or world.township.slug}/liaison{path}"

    return build


@pytest.fixture
def staff(world):
    return bearer(world.users["township_staff"])


@pytest.fixture
def rep(world):
    return bearer(world.users["representative"])  # 安代表's account


def _pair(client, url, staff, level, upper, lower, year=2026):
    return client.post(
        url("/links"),
        headers=staff,
        json={"year": year, "level": level, "upper_id": upper, "lower_id": lower},
    )


def test_pairs_and_their_errors(client, url, staff, rep, ids, clock):
    r = _pair(client, url, staff, "rep_member", ids.reps["a"], ids.members["m1"])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["upper"] == {"kind": "representative", "id": ids.reps["a"], "name": "安代表"}
    assert body["lower"]["name"] == "党员1" and body["branch_id"] == ids.east
    assert_error(
        _pair(client, url, staff, "rep_member", ids.reps["b"], ids.members["m1"]),
        409,
        "already_linked",
    )
    assert_error(_pair(client, url, staff, "rep_member", ids.reps["b"], 999999), 404, "not_found")
    assert_error(_pair(client, url, rep, "rep_member", ids.reps["b"], ids.members["m2"]), 403)
    bad = client.post(url("/links"), headers=staff, json={"year": 2026, "level": "x"})
    errors = assert_error(bad, 422, "validation_error")["errors"]
    assert {"level", "upper_id", "lower_id"} <= set(errors)
    listed = client.get(url("/links?year=2026&mine=true"), headers=rep).get_json()
    assert [x["lower"]["name"] for x in listed] == ["党员1"]
    assert client.delete(url(f"/links/{body['id']}"), headers=staff).status_code == 204
    assert client.get(url(f"/links/{body['id']}"), headers=staff).status_code == 404


def test_suggest_and_branch_confirmation(client, url, staff, world, ids, clock):
    r = client.post(url("/links/suggest"), headers=staff, json={"year": 2026})
    assert r.status_code == 200
    assert r.get_json()["created"] == {"committee_rep": 6, "rep_member": 8, "member_household": 6}
    liaison = bearer(world.users["branch_liaison"])
    parts = client.get(url("/branches?year=2026"), headers=liaison).get_json()
    assert [p["branch_id"] for p in parts] == [ids.east] and not parts[0]["confirmed"]
    done = client.post(
        url("/branches/confirm"), headers=liaison, json={"year": 2026, "branch_id": ids.east}
    )
    assert done.status_code == 200 and done.get_json()["confirmed"]


def test_lists_come_in_pages(client, url, staff, ids, clock):
    assert client.post(url("/links/suggest"), headers=staff, json={"year": 2026}).status_code == 200
    whole = client.get(url("/links?year=2026&page_size=100"), headers=staff).get_json()
    assert len(whole) == 20
    page = client.get(url("/links?year=2026&page=2&page_size=8"), headers=staff)
    assert page.status_code == 200
    assert [x["id"] for x in page.get_json()] == [x["id"] for x in whole[8:16]]
    assert '"total": 20' in page.headers["X-Pagination"]
    assert '"page": 2' in page.headers["X-Pagination"]
    assert_error(client.get(url("/contacts?page=0"), headers=staff), 422, "validation_error")


def test_a_contact_sent_twice_is_stored_once(client, url, staff, rep, world, ids, clock):
    link = _pair(client, url, staff, "rep_member", ids.reps["a"], ids.members["m1"]).get_json()
    payload = {
        "link_id": link["id"],
        "contacted_on": "2026-05-20",
        "method": "phone",
        "summary": "电话了解近况",
        "client_key": "2f1d3c4b-api-retry",
        "case": {"title": "申请危房改造", "category": "其他"},
    }
    first = client.post(url("/contacts"), headers=rep, json=payload)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["cases"][0]["title"] == "申请危房改造" and body["cases"][0]["tracking_code"]
    again = client.post(url("/contacts"), headers=rep, json=payload)
    assert again.status_code == 200
    assert again.get_json()["duplicate"] and again.get_json()["id"] == body["id"]
    assert again.get_json()["cases"][0]["tracking_code"] is None  # shown once only
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 1
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    future = client.post(
        url("/contacts"),
        headers=rep,
        json={**payload, "contacted_on": "2026-06-01", "client_key": "another-key-1"},
    )
    assert "contacted_on" in assert_error(future, 422, "validation_error")["errors"]
    missing = client.post(url("/contacts"), headers=rep, json={"link_id": link["id"]})
    assert {"contacted_on", "method", "summary", "client_key"} <= set(
        assert_error(missing, 422)["errors"]
    )
    # The case can also be raised later from the stored contact; the same title is the same.
    later = client.post(
        url(f"/contacts/{body['id']}/cases"), headers=rep, json={"title": "道路坑洼"}
    )
    assert later.status_code == 201 and later.get_json()["tracking_code"]
    same = client.post(
        url(f"/contacts/{body['id']}/cases"), headers=rep, json={"title": "道路坑洼"}
    )
    assert same.status_code == 200 and same.get_json()["id"] == later.get_json()["id"]
    listed = client.get(url("/contacts?year=2026&quarter=2"), headers=staff).get_json()
    assert [c["id"] for c in listed] == [body["id"]] and len(listed[0]["cases"]) == 2


def test_reports_meetings_compliance_and_figures(client, url, staff, rep, world, ids, clock):
    _pair(client, url, staff, "rep_member", ids.reps["a"], ids.members["m1"])
    r = client.post(url("/reports"), headers=rep, json={"year": 2026, "quarter": 2, "text": "一"})
    assert r.status_code == 201
    r = client.post(url("/reports"), headers=rep, json={"year": 2026, "quarter": 2, "text": "二"})
    assert r.status_code == 200 and r.get_json()["text"] == "二"
    assert_error(
        client.post(url("/reports"), headers=rep, json={"year": 2026, "quarter": 4, "text": "x"}),
        422,
    )
    committee = bearer(world.users["committee_member"])
    meeting = {
        "held_on": "2026-05-10",
        "summary": "座谈",
        "attendee_ids": [ids.reps["a"]],
        "client_key": "meeting-api-01",
    }
    assert client.post(url("/meetings"), headers=committee, json=meeting).status_code == 201
    assert client.post(url("/meetings"), headers=committee, json=meeting).status_code == 200
    compliance = client.get(url("/compliance"), headers=staff).get_json()
    assert (compliance["year"], compliance["quarter"]) == (2026, 2)
    assert (compliance["links_due"], compliance["links_kept"]) == (1, 0)
    assert (compliance["reports_due"], compliance["reports_in"]) == (6, 1)
    assert (compliance["meetings_due"], compliance["meetings_held"]) == (2, 1)
    assert "安代表" in {p["name"] for p in compliance["behind"]}
    assert_error(client.get(url("/compliance"), headers=rep), 403)
    figures = client.get(url("/figures?year=2026&quarter=2"), headers=staff).get_json()
    assert figures["figures"]["liaison_links_kept"] == {"value": 0.0, "n": 1}


def test_switched_off_answers_404_naming_the_module(client, url, staff, world, ids):
    from sqlalchemy import update

    from lianxin.tenants.models import TownshipModule

    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "liaison").values(enabled=False)
    )
    db.session.commit()
    body = assert_error(client.get(url("/links"), headers=staff), 404, "module_disabled")
    assert "liaison" in body["message"] or "三联" in body["message"]
