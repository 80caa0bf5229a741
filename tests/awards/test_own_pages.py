"""A township's own selection through its pages and its API: the office opens it (bad input
keeps what was typed), gathers, fixes, chooses N winners with a reason and publishes; the public
page of the township shows its own roll beside the county's. Another township's selection,
candidates and roll are 404 or absent; the county's pages and the to-do never show it."""

from __future__ import annotations

import re

from sqlalchemy import select

from lianxin.awards import service
from lianxin.awards.inputs import ChoiceInput, SelectionInput
from lianxin.awards.models import Candidate, Selection
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from tests.awards.test_own_selection import _reps
from tests.factories import actor
from tests.helpers import bearer, login

T = "/t/jia-zhen/awards/own"
O = "/t/yi-zhen/awards/own"  # noqa: E741
API = "/api/v1/t/jia-zhen/awards"
OTHER_API = "/api/v1/t/yi-zhen/awards"


def _form(year: int = 2025, **extra):
    return {"year": year, "title": f"甲镇{year}年度评先", "quota_representative": 1, **extra}


def _candidate_ids(township, selection_id: int) -> dict[tuple[str, str], int]:
    with tenant_context(township.id):
        rows = db.session.scalars(select(Candidate).where(Candidate.selection_id == selection_id))
        return {(c.category, c.name): c.id for c in rows}


def _their_closed_selection(world) -> tuple[int, int]:
    """乙镇 runs and publishes its own 2025 selection; (selection, winner) ids."""
    office = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        selection = service.open_own_selection(
            office, world.other, SelectionInput(2025, "乙镇2025年度评先")
        )
        service.start_own_choosing(office, world.other, selection.id)
        winner = db.session.scalars(
            select(Candidate).where(
                Candidate.selection_id == selection.id, Candidate.category == "representative"
            )
        ).first()
        assert winner is not None
        service.choose_own(office, world.other, winner.id, ChoiceInput(reason="乙镇的理由"))
        service.close_own_selection(office, world.other, selection.id)
        db.session.commit()
        return selection.id, winner.id


def test_the_office_runs_its_selection_on_its_pages(world, scene, client):
    _reps(world.township, "aw.page", [2, 1])
    login(client, world.users["township_staff"])
    assert 'id="to-own"' in client.get("/t/jia-zhen/awards/").get_data(as_text=True)
    # Bad input: refused with a message, what was typed stays on the page.
    bad = client.post(f"{T}/", data=_form(quota_representative=0, title="我写的名称"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "名额应在1到50之间" in html and "我写的名称" in html
    assert db.session.scalar(select(Selection.id)) is None
    made = client.post(f"{T}/", data=_form())
    assert made.status_code == 302
    sid = int(re.search(r"/own/(\d+)$", made.headers["Location"]).group(1))
    assert "本镇评选" in client.get(f"{T}/").get_data(as_text=True)
    client.post(f"{T}/{sid}/gather")
    page = client.get(f"{T}/{sid}").get_data(as_text=True)
    assert "代表00" in page and "代表01" in page and "履职积分" in page
    client.post(f"{T}/{sid}/choosing")
    assert db.session.get(Selection, sid).state == "choosing"
    ids = _candidate_ids(world.township, sid)
    first, second = ids[("representative", "代表00")], ids[("representative", "代表01")]
    client.post(f"{T}/candidates/{first}/choose", data={"reason": ""})
    assert "请填写评选理由" in client.get(f"{T}/{sid}").get_data(as_text=True)
    client.post(f"{T}/candidates/{first}/choose", data={"reason": "履职积分第一"})
    client.post(f"{T}/candidates/{second}/choose", data={"reason": "也很好"})  # N + 1
    page = client.get(f"{T}/{sid}").get_data(as_text=True)
    assert "已经选满" in page and "已选 1 / 名额 1" in page
    client.post(f"{T}/{sid}/close")
    assert db.session.get(Selection, sid).state == "closed"
    client.post("/logout")
    # The public page: the township's own roll beside the county's (none published yet).
    public = client.get("/p/jia-zhen/awards/").get_data(as_text=True)
    assert 'id="township-roll"' in public and "代表00" in public and "履职积分第一" in public
    assert "代表01" not in public


def test_another_townships_selection_is_404_on_pages_api_and_absent_in_public(world, scene, client):
    _reps(world.other, "aw.iso", [1])
    sid, winner = _their_closed_selection(world)
    login(client, world.users["township_staff"])
    assert client.get(f"{T}/{sid}").status_code == 404
    for url in (f"{T}/{sid}/gather", f"{T}/{sid}/choosing", f"{T}/{sid}/close"):
        assert client.post(url).status_code == 404, url
    for url in (f"{T}/candidates/{winner}/choose", f"{T}/candidates/{winner}/unchoose"):
        assert client.post(url, data={"reason": "x"}).status_code == 404, url
    assert "乙镇2025年度评先" not in client.get(f"{T}/").get_data(as_text=True)
    head = bearer(world.users["township_staff"])
    assert client.get(f"{API}/own-selections", headers=head).get_json() == []
    for url in (f"{API}/own-selections/{sid}", f"{API}/own-selections/{sid}/candidates"):
        assert client.get(url, headers=head).status_code == 404, url
    assert client.post(f"{API}/own-selections/{sid}/close", headers=head).status_code == 404
    made = client.post(f"{API}/own-candidates/{winner}/unchoose", headers=head)
    assert made.status_code == 404
    # Someone with no role in 乙镇 cannot read its API either.
    assert client.get(f"{OTHER_API}/own-selections", headers=head).status_code in (403, 404)
    client.post("/logout")
    # The public page of 甲镇 shows nothing of 乙镇's roll; 乙镇's own shows it.
    assert "乙镇的理由" not in client.get("/p/jia-zhen/awards/").get_data(as_text=True)
    assert "乙镇的理由" in client.get("/p/yi-zhen/awards/").get_data(as_text=True)
    assert db.session.get(Candidate, winner).chosen


def test_the_county_pages_and_to_do_ignore_township_selections(world, scene, client):
    _reps(world.other, "aw.cty", [1])
    sid, _winner = _their_closed_selection(world)
    login(client, world.users["county_admin"])
    assert "乙镇2025年度评先" not in client.get("/c/jia/awards/").get_data(as_text=True)
    assert client.get(f"/c/jia/awards/{sid}").status_code == 404
    assert (
        client.get(
            f"/api/v1/c/jia/awards/selections/{sid}", headers=bearer(world.users["county_admin"])
        ).status_code
        == 404
    )
    assert "乙镇的理由" not in client.get("/honours/jia/").get_data(as_text=True)
    # 乙镇's own 2024 selection, open: no county to-do comes of it.
    with tenant_context(world.other.id):
        service.open_own_selection(
            actor(world.users["other_admin"]), world.other, SelectionInput(2024, "乙镇2024")
        )
        db.session.commit()
    client.post("/logout")
    login(client, world.users["other_admin"])
    assert "待推荐的县级评选" not in client.get("/t/yi-zhen/").get_data(as_text=True)
    client.post("/logout")
    login(client, world.users["county_admin"])
    assert "乙镇2024" not in client.get("/c/jia/awards/").get_data(as_text=True)
    # The county may still open its own 2025 selection: one a year each, apart.
    opened = client.post("/c/jia/awards/", data={"year": 2025, "title": "2025年度四十佳"})
    assert opened.status_code == 302
    client.post("/logout")
    login(client, world.users["other_admin"])
    home = client.get("/t/yi-zhen/").get_data(as_text=True)
    assert "待推荐的县级评选" in home  # the county's, not the township's own


def test_the_api_runs_the_townships_selection(world, scene, client):
    _reps(world.township, "aw.api", [2, 1])
    head = bearer(world.users["township_admin"])
    made = client.post(f"{API}/own-selections", json=_form(), headers=head)
    assert made.status_code == 201, made.get_json()
    sid = made.get_json()["id"]
    assert made.get_json()["township_id"] == world.township.id
    again = client.post(f"{API}/own-selections", json=_form(), headers=head)
    assert again.status_code == 409 and again.get_json().get("message")
    bad = client.post(f"{API}/own-selections", json=_form(quota_station=51), headers=head)
    assert bad.status_code == 422
    gathered = client.post(f"{API}/own-selections/{sid}/gather", headers=head).get_json()
    assert gathered["representative"] == 2
    assert client.post(f"{API}/own-selections/{sid}/choosing", headers=head).status_code == 200
    rows = client.get(f"{API}/own-selections/{sid}/candidates", headers=head).get_json()
    reps = [r for r in rows if r["category"] == "representative"]
    ok = client.post(
        f"{API}/own-candidates/{reps[0]['id']}/choose", json={"reason": "第一"}, headers=head
    )
    assert ok.status_code == 200 and ok.get_json()["chosen"]
    full = client.post(
        f"{API}/own-candidates/{reps[1]['id']}/choose", json={"reason": "第二"}, headers=head
    )
    assert full.status_code == 409
    closed = client.post(f"{API}/own-selections/{sid}/close", headers=head)
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    # A representative of the township cannot run it.
    rep_head = bearer(world.users["representative"])
    assert client.get(f"{API}/own-selections", headers=rep_head).status_code == 403
