"""The exports of a township's own selection (乡镇评先), as the county's selection has them
(.xlsx through lianxin.spreadsheets): its candidates with their figure and rank, whether chosen
and the reason, and a closed selection's honour roll (winners only). Linked from the own
selection's page with its category filter applied, and through the API. The office's and the
township committee's (read-only) only: another township, the county and the other township roles
get no file. Every file is read back with openpyxl."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
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
API = "/api/v1/t/jia-zhen/awards"


def _rows(data: bytes, sheet: int = 0) -> list[dict[str, Any]]:
    assert data[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.worksheets[sheet].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _run(world, township, office, *, close: bool, title: str) -> int:
    """The township's own 2025 selection: one representative to choose; its best
    representative (the reason typed like a formula) and one adopted item chosen."""
    with tenant_context(township.id):
        selection = service.open_own_selection(
            office, township, SelectionInput(2025, title, quota_representative=1)
        )
        service.start_own_choosing(office, township, selection.id)
        roll = service.own_roll(office, township, selection.id)
        best = roll.candidates["representative"][0]
        item = roll.candidates["suggestion"][0]
        service.choose_own(office, township, best.id, ChoiceInput("=履职积分第一"))
        service.choose_own(office, township, item.id, ChoiceInput("被党委政府采纳"))
        if close:
            service.close_own_selection(office, township, selection.id)
        db.session.commit()
        return selection.id


@pytest.fixture
def both(world, scene):
    """甲镇 (two representatives scored, 2 and 1 adopted items) and 乙镇 (one, one item) each
    run their own 2025 selection; (甲镇's, 乙镇's) selection ids, 甲镇's still choosing."""
    _reps(world.township, "aw.x", [2, 1])
    _reps(world.other, "aw.x.o", [1])
    mine = _run(
        world, world.township, actor(world.users["township_staff"]), close=False, title="甲镇评先"
    )
    theirs = _run(
        world, world.other, actor(world.users["other_admin"]), close=True, title="乙镇评先"
    )
    return mine, theirs


def test_the_candidates_export_round_trips_from_the_own_page(world, both, client):
    sid, _theirs = both
    login(client, world.users["township_staff"])
    page = client.get(f"{T}/{sid}").get_data(as_text=True)
    assert f"{T}/{sid}/candidates.xlsx" in page and 'id="export-roll"' not in page
    assert client.get(f"{T}/{sid}/roll.xlsx").status_code == 404  # not published yet
    response = client.get(f"{T}/{sid}/candidates.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert quote("甲镇评先候选名单.xlsx") in disposition
    assert f'filename="own-award-candidates-{sid}.xlsx"' in disposition
    rows = _rows(response.data)
    with tenant_context(world.township.id):
        stored = list(db.session.scalars(select(Candidate).where(Candidate.selection_id == sid)))
    assert len(rows) == len(stored) > 0
    assert {r["乡镇"] for r in rows} == {"甲镇"} and "乙镇" not in str(rows)
    reps = [r for r in rows if r["类别"] == "十佳党代表"]
    assert [r["排名"] for r in reps] == [1, 2] and reps[0]["数值"] > reps[1]["数值"]
    assert reps[0]["指标"].startswith("履职积分：") and reps[0]["来源"] == "履职积分"
    assert reps[0]["当选"] == "是" and reps[1]["当选"] is None
    assert reps[0]["评选理由"] == "=履职积分第一"  # text, never a formula
    stations = [r for r in rows if r["类别"] == "十佳工作站（室）"]
    assert [r["数值"] for r in stations] == [12, 8] and stations[0]["来源"] == "年度统计"
    items = [r for r in rows if r["类别"] == "十佳意见建议（提案）"]
    assert len(items) == 3 and {r["来源"] for r in items} == {"本镇采纳"}
    assert [r["评选理由"] for r in items if r["当选"] == "是"] == ["被党委政府采纳"]
    workbook = load_workbook(io.BytesIO(response.data))
    reason = next(c for c in workbook.worksheets[0]["I"] if c.value == "=履职积分第一")
    assert reason.data_type == "s"
    info = {r[0]: r[1] for r in workbook.worksheets[1].iter_rows(values_only=True)}
    assert info["评选名称"] == "甲镇评先" and info["乡镇"] == "甲镇" and info["状态"] == "评选中"
    # The page's category filter applies to the file.
    page = client.get(f"{T}/{sid}?category=station").get_data(as_text=True)
    assert f"{T}/{sid}/candidates.xlsx?category=station" in page
    only = _rows(client.get(f"{T}/{sid}/candidates.xlsx?category=station").data)
    assert [r["类别"] for r in only] == ["十佳工作站（室）"] * 2


def test_the_honour_roll_export_has_the_winners_only(world, both, client):
    sid, _theirs = both
    with tenant_context(world.township.id):
        service.close_own_selection(actor(world.users["township_staff"]), world.township, sid)
        db.session.commit()
    login(client, world.users["township_staff"])
    page = client.get(f"{T}/{sid}").get_data(as_text=True)
    assert f"{T}/{sid}/roll.xlsx" in page
    rows = _rows(client.get(f"{T}/{sid}/roll.xlsx").data)
    assert list(rows[0]) == ["类别", "名称", "乡镇", "评选理由"]
    assert [(r["类别"], r["乡镇"], r["评选理由"]) for r in rows] == [
        ("十佳党代表", "甲镇", "=履职积分第一"),
        ("十佳意见建议（提案）", "甲镇", "被党委政府采纳"),
    ]
    suggestion = _rows(client.get(f"{T}/{sid}/roll.xlsx?category=suggestion").data)
    assert [r["评选理由"] for r in suggestion] == ["被党委政府采纳"]


def test_a_title_a_file_name_cannot_hold(world):
    selection = Selection(id=7, year=2025, title='甲镇/评先:"2025"')
    assert service.own_file_names(selection, "roll") == (
        "甲镇_评先__2025_光荣榜.xlsx",
        "own-honour-roll-7.xlsx",
    )


def test_the_exports_through_the_api(world, both, client):
    sid, _theirs = both
    head = bearer(world.users["township_admin"])
    url = f"{API}/own-selections/{sid}"
    response = client.get(f"{url}/candidates/export?category=representative", headers=head)
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert [r["当选"] for r in _rows(response.data)] == ["是", None]
    assert client.get(f"{url}/candidates/export?category=nonsense", headers=head).status_code == 422
    assert client.get(f"{url}/roll/export", headers=head).status_code == 404  # not published
    client.post(f"{url}/close", headers=head)
    roll = client.get(f"{url}/roll/export", headers=head)
    assert roll.status_code == 200 and len(_rows(roll.data)) == 2


@pytest.mark.parametrize(
    "who",
    [
        "representative",
        "handling_unit",
        "group_leader",
        "county_admin",
        "county_viewer",
        "other_admin",
    ],
)
def test_no_one_else_gets_a_file(world, both, client, who):
    """Another role of the township, the county, another township's office: no file, on the
    pages or the API; nor does 甲镇's office get 乙镇's selection through its own address."""
    sid, theirs = both
    if who not in world.users:
        pytest.skip(f"no {who} in the world")
    login(client, world.users[who])
    head = bearer(world.users[who])
    for response in (
        client.get(f"{T}/{sid}/candidates.xlsx"),
        client.get(f"{T}/{sid}/roll.xlsx"),
        client.get(f"{API}/own-selections/{sid}/candidates/export", headers=head),
        client.get(f"{API}/own-selections/{sid}/roll/export", headers=head),
    ):
        assert response.status_code in (403, 404), who
        assert response.data[:2] != b"PK"
    client.post("/logout")
    login(client, world.users["township_staff"])
    staff = bearer(world.users["township_staff"])
    for response in (
        client.get(f"{T}/{theirs}/candidates.xlsx"),
        client.get(f"{T}/{theirs}/roll.xlsx"),
        client.get(f"{API}/own-selections/{theirs}/candidates/export", headers=staff),
        client.get(f"{API}/own-selections/{theirs}/roll/export", headers=staff),
    ):
        assert response.status_code == 404 and response.data[:2] != b"PK"


# --- the township committee's read-only view (as a county viewer reads the county's) -----------


def test_the_committee_reads_and_exports_but_changes_nothing(world, both, client):
    sid, theirs = both
    login(client, world.users["committee_member"])
    home = client.get("/t/jia-zhen/awards/").get_data(as_text=True)
    assert 'id="to-own"' in home and 'id="to-adopt"' not in home
    listing = client.get(f"{T}/").get_data(as_text=True)
    assert "甲镇评先" in listing and 'id="open"' not in listing and "乙镇评先" not in listing
    page = client.get(f"{T}/{sid}").get_data(as_text=True)
    assert "=履职积分第一" in page and 'id="export-candidates"' in page
    assert 'id="steps"' not in page and "/choose" not in page and "/unchoose" not in page
    assert len(_rows(client.get(f"{T}/{sid}/candidates.xlsx").data)) > 0
    head = bearer(world.users["committee_member"])
    assert client.get(f"{API}/own-selections", headers=head).get_json()[0]["id"] == sid
    assert client.get(f"{API}/own-selections/{sid}/candidates", headers=head).status_code == 200
    # Every step and choice is refused, and nothing changes.
    with tenant_context(world.township.id):
        winner = db.session.scalar(
            select(Candidate.id).where(Candidate.selection_id == sid, Candidate.chosen.is_(True))
        )
    for url in (f"{T}/{sid}/close", f"{T}/candidates/{winner}/unchoose"):
        client.post(url)
    client.post(f"{T}/", data={"year": 2024, "title": "委员开的评选"})
    assert client.post(f"{API}/own-selections/{sid}/close", headers=head).status_code == 403
    unchoose = client.post(f"{API}/own-candidates/{winner}/unchoose", headers=head)
    assert unchoose.status_code == 403
    made = client.post(
        f"{API}/own-selections", json={"year": 2024, "title": "委员开的评选"}, headers=head
    )
    assert made.status_code == 403
    db.session.expire_all()
    assert db.session.get(Selection, sid).state == "choosing"
    assert db.session.scalar(select(Selection.id).where(Selection.title == "委员开的评选")) is None
    with tenant_context(world.township.id):
        assert db.session.get(Candidate, winner).chosen
    # Another township's selection is still not found.
    assert client.get(f"{T}/{theirs}").status_code == 404
    assert client.get(f"{T}/{theirs}/candidates.xlsx").status_code == 404
