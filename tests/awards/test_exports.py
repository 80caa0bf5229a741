"""The county's exports of a selection (.xlsx through lianxin.spreadsheets): the candidates with
their figure and rank, and a closed selection's honour roll (winners with category, name,
township, reason). Linked from the selection's page with its category filter applied; county
roles only. Every file is read back with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from lianxin.awards import service
from lianxin.awards.inputs import AdoptionInput, ChoiceInput, NominationInput, SelectionInput
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound
from tests.awards.conftest import ADOPTED_ON
from tests.factories import actor
from tests.helpers import login

C = "/c/jia/awards"


def _rows(data: bytes, sheet: int = 0) -> list[dict[str, Any]]:
    assert data[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.worksheets[sheet].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _selection(world, scene, county_admin, office, *, close: bool) -> int:
    """2025: one representative to choose; 甲镇 nominates an adopted case; the committee chooses
    the best representative and the suggestion (its reason typed like a formula)."""
    selection = service.open_selection(
        county_admin, world.county, SelectionInput(2025, "2025年度四十佳", quota_representative=1)
    )
    with tenant_context(world.township.id):
        mark = service.mark_adopted(
            office,
            world.township,
            AdoptionInput("case", scene.cases["t"][0], "both", ADOPTED_ON, "已采纳"),
        )
        service.nominate(
            office,
            world.township,
            selection.id,
            NominationInput("case", mark.item_id, name="修缮村道的建议", summary="群众受益面广"),
        )
        db.session.commit()
    service.start_choosing(county_admin, world.county, selection.id)
    roll = service.selection_roll(county_admin, world.county, selection.id)
    best = roll.candidates["representative"][0]
    suggestion = roll.candidates["suggestion"][0]
    service.choose(county_admin, world.county, best.id, ChoiceInput("=履职积分第一"))
    service.choose(county_admin, world.county, suggestion.id, ChoiceInput("被党委政府采纳"))
    if close:
        service.close_selection(county_admin, world.county, selection.id)
    db.session.commit()
    return selection.id


def test_the_candidates_export_has_every_candidate_with_figure_and_rank(
    world, scene, county_admin, office, client
):
    sid = _selection(world, scene, county_admin, office, close=False)
    login(client, world.users["county_admin"])
    page = client.get(f"{C}/{sid}").get_data(as_text=True)
    assert f"{C}/{sid}/candidates.xlsx" in page and 'id="export-roll"' not in page
    assert client.get(f"{C}/{sid}/roll.xlsx").status_code == 404  # not published yet
    response = client.get(f"{C}/{sid}/candidates.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = _rows(response.data)
    # 2 townships × 3 representatives (the pool is twice the number 1: the best 2), stations
    # and units (number 10: all 4 of each), and the one nomination
    assert len(rows) == 2 + 4 + 1 + 4
    reps = [r for r in rows if r["类别"] == "十佳党代表"]
    assert [r["排名"] for r in reps] == [1, 2] and [r["数值"] for r in reps] == [90, 90]
    assert {(r["名称"], r["乡镇"]) for r in reps} == {
        ("甲镇representative1", "甲镇"),
        ("乙镇representative1", "乙镇"),
    }
    chosen = [r for r in reps if r["当选"] == "是"]
    assert len(chosen) == 1 and chosen[0]["排名"] == 1
    assert chosen[0]["评选理由"] == "=履职积分第一"  # text, never a formula
    assert reps[0]["指标"] == "代表履职积分：90" and reps[0]["来源"] == "年度统计"
    [nominated] = [r for r in rows if r["类别"] == "十佳意见建议（提案）"]
    assert (nominated["名称"], nominated["乡镇"], nominated["来源"]) == (
        "修缮村道的建议",
        "甲镇",
        "乡镇推荐",
    )
    assert nominated["指标"] == "群众受益面广" and nominated["排名"] is None
    assert {r["当选"] for r in rows if r["类别"] == "十佳工作站（室）"} == {None}


def test_the_honour_roll_export_has_the_winners_only(world, scene, county_admin, office, client):
    sid = _selection(world, scene, county_admin, office, close=True)
    login(client, world.users["county_admin"])
    assert f"{C}/{sid}/roll.xlsx" in client.get(f"{C}/{sid}").get_data(as_text=True)
    rows = _rows(client.get(f"{C}/{sid}/roll.xlsx").data)
    assert list(rows[0]) == ["类别", "名称", "乡镇", "评选理由"]
    best = rows[0]["名称"]
    assert best in ("甲镇representative1", "乙镇representative1")
    assert [tuple(r.values()) for r in rows] == [
        ("十佳党代表", best, best[:2], "=履职积分第一"),
        ("十佳意见建议（提案）", "修缮村道的建议", "甲镇", "被党委政府采纳"),
    ]  # the unchosen candidates are not in it
    workbook = load_workbook(io.BytesIO(client.get(f"{C}/{sid}/roll.xlsx").data))
    cell = workbook.worksheets[0]["D2"]
    assert cell.data_type == "s" and cell.value == "=履职积分第一"


def test_the_pages_category_filter_applies_to_both_exports(
    world, scene, county_admin, office, client
):
    sid = _selection(world, scene, county_admin, office, close=True)
    login(client, world.users["county_admin"])
    page = client.get(f"{C}/{sid}?category=suggestion").get_data(as_text=True)
    assert 'id="category-representative"' not in page and 'id="category-suggestion"' in page
    assert f"{C}/{sid}/candidates.xlsx?category=suggestion" in page
    assert f"{C}/{sid}/roll.xlsx?category=suggestion" in page
    candidates = _rows(client.get(f"{C}/{sid}/candidates.xlsx?category=suggestion").data)
    assert [r["名称"] for r in candidates] == ["修缮村道的建议"]
    roll = _rows(client.get(f"{C}/{sid}/roll.xlsx?category=suggestion").data)
    assert [r["名称"] for r in roll] == ["修缮村道的建议"]
    # an unknown category is no filter
    assert len(_rows(client.get(f"{C}/{sid}/roll.xlsx?category=nonsense").data)) == 2


@pytest.mark.parametrize("who", ["township_admin", "township_staff", "representative"])
def test_a_township_role_gets_no_file(world, scene, county_admin, office, client, who):
    sid = _selection(world, scene, county_admin, office, close=True)
    login(client, world.users[who])
    for tail in ("candidates.xlsx", "roll.xlsx"):
        response = client.get(f"{C}/{sid}/{tail}")
        assert response.status_code in (403, 404), (who, tail)
        assert response.data[:2] != b"PK"


def test_a_county_viewer_exports_and_another_county_finds_nothing(
    world, scene, county_admin, office, client
):
    sid = _selection(world, scene, county_admin, office, close=True)
    login(client, world.users["county_viewer"])
    assert len(_rows(client.get(f"{C}/{sid}/roll.xlsx").data)) == 2
    client.post("/logout")
    login(client, world.users["far_county_admin"])
    for tail in ("candidates.xlsx", "roll.xlsx"):
        assert client.get(f"{C}/{sid}/{tail}").status_code == 404
        assert client.get(f"/c/yuan/awards/{sid}/{tail}").status_code == 404
    far = actor(world.users["far_county_admin"])
    with pytest.raises(NotFound):
        service.candidates_xlsx(far, world.far_county, sid)


# --- the township's adoption register (采纳台账) -----------------------------------------------


def _register(world, scene, county_admin, office) -> int:
    """甲镇 marks three answers adopted: one received by a representative (2025, nominated to the
    2025 selection, its note typed like a formula), one in 2026; 乙镇 marks one of its own."""
    from datetime import date

    from sqlalchemy import update

    from lianxin.casework.models import Case
    from tests.factories import make_represented

    reps, _users = make_represented(world.township, 1, "aw.reg")
    with tenant_context(world.township.id):
        rep_id = reps[0].id
        db.session.execute(
            update(Case).where(Case.id == scene.cases["t"][0]).values(received_by_id=rep_id)
        )
        mark = service.mark_adopted(
            office,
            world.township,
            AdoptionInput("case", scene.cases["t"][0], "both", ADOPTED_ON, "=列入民生实事"),
        )
        service.mark_adopted(
            office,
            world.township,
            AdoptionInput("case", scene.cases["t"][1], "government", date(2026, 1, 1)),
        )
        db.session.commit()
    selection = service.open_selection(county_admin, world.county, SelectionInput(2025, "四十佳"))
    with tenant_context(world.township.id):
        service.nominate(
            office, world.township, selection.id, NominationInput("case", mark.item_id)
        )
        db.session.commit()
    other = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        service.mark_adopted(
            other, world.other, AdoptionInput("case", scene.cases["o"][0], "committee", ADOPTED_ON)
        )
        db.session.commit()
    return rep_id


def test_the_adoption_register_round_trips_from_the_page(
    world, scene, county_admin, office, client
):
    _register(world, scene, county_admin, office)
    login(client, world.users["township_staff"])
    page = client.get("/t/jia-zhen/awards/").get_data(as_text=True)
    assert 'id="adoptions-export"' in page and "/t/jia-zhen/awards/adoptions.xlsx" in page
    response = client.get("/t/jia-zhen/awards/adoptions.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rows = _rows(response.data)
    assert list(rows[0]) == ["采纳日期", "类别", "事项", "代表", "采纳单位", "说明", "已推荐参评"]
    first, second = rows  # newest first; 乙镇's mark is not in it
    assert first["事项"].endswith("甲镇的诉求1") and first["采纳单位"] == "政府"
    assert first["采纳日期"].date().isoformat() == "2026-01-01" and first["已推荐参评"] is None
    assert second["事项"].endswith("甲镇的诉求0") and second["代表"] == "代表00"
    assert second["类别"] == "诉求答复" and second["采纳单位"] == "党委政府"
    assert second["已推荐参评"] == "是"
    assert second["说明"] == "=列入民生实事"  # text, never a formula
    assert "乙镇" not in str(rows)
    one_year = _rows(client.get("/t/jia-zhen/awards/adoptions.xlsx?year=2025").data)
    assert [r["事项"] for r in one_year] == [second["事项"]]
    # A year no calendar holds is not found, never a server error.
    for bad in ("0", "10000", "-1", "1999", "abc"):
        assert client.get(f"/t/jia-zhen/awards/adoptions.xlsx?year={bad}").status_code == 404


def test_the_adoption_register_through_the_api(world, scene, county_admin, office, client):
    from tests.helpers import bearer

    _register(world, scene, county_admin, office)
    url = "/api/v1/t/{}/awards/adoptions/export"
    response = client.get(
        url.format("jia-zhen") + "?year=2026", headers=bearer(world.users["township_staff"])
    )
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "2026" in response.headers["Content-Disposition"]
    assert [r["采纳单位"] for r in _rows(response.data)] == ["政府"]
    theirs = client.get(url.format("yi-zhen"), headers=bearer(world.users["other_admin"]))
    assert [r["事项"][-6:] for r in _rows(theirs.data)] == ["乙镇的诉求0"]
    staff = bearer(world.users["township_staff"])
    bad = client.get(url.format("jia-zhen") + "?year=1", headers=staff)
    assert bad.status_code == 422


@pytest.mark.parametrize("who", ["representative", "other_admin"])
def test_the_adoption_register_is_the_offices_own(world, scene, county_admin, office, client, who):
    from tests.helpers import bearer

    _register(world, scene, county_admin, office)
    login(client, world.users[who])
    page = client.get("/t/jia-zhen/awards/adoptions.xlsx")
    api = client.get("/api/v1/t/jia-zhen/awards/adoptions/export", headers=bearer(world.users[who]))
    for response in (page, api):
        assert response.status_code in (403, 404), who
        assert response.data[:2] != b"PK"
