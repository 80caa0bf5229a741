"""The pages through the client: the office marks and nominates; the county opens, fixes,
chooses and publishes; the public reads the honour roll (names, townships, reasons only)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.awards.models import Adoption, Selection
from lianxin.db import db
from lianxin.db.tenancy import county_context, tenant_context
from tests.awards.conftest import ADOPTED_ON
from tests.helpers import login

T = "/t/jia-zhen/awards"
C = "/c/jia/awards"


def _mark(client, case_id, **extra):
    data = {
        "kind": "case",
        "item_id": str(case_id),
        "adopted_by": "both",
        "adopted_on": ADOPTED_ON.isoformat(),
        "note": "已列入民生实事",
        **extra,
    }
    return client.post(f"{T}/adopt", data=data)


def _open(client, **extra):
    data = {"year": "2025", "title": "2025年度四十佳", **extra}
    response = client.post(f"{C}/", data=data)
    assert response.status_code == 302
    return response


def test_the_office_marks_on_the_adopt_page(world, scene, client):
    login(client, world.users["township_staff"])
    page = client.get(f"{T}/adopt?kind=case")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "甲镇的诉求0" in text and "尚未答复" not in text
    assert "乙镇" not in text
    assert _mark(client, scene.cases["t"][0]).status_code == 302
    with tenant_context(world.township.id):
        mark = db.session.scalar(select(Adoption))
        assert mark.adopted_by == "both" and mark.note == "已列入民生实事"
    page = client.get(f"{T}/")
    assert "已采纳的意见建议" in page.get_data(as_text=True)
    assert "甲镇的诉求0" in page.get_data(as_text=True)


def test_a_bad_mark_is_a_chinese_message_and_nothing_saved(world, scene, client):
    login(client, world.users["township_staff"])
    response = _mark(client, scene.cases["t"][0], adopted_on="明天", adopted_by="")
    assert response.status_code == 302
    page = client.get(f"{T}/adopt?kind=case").get_data(as_text=True)
    assert "请选择采纳单位" in page or "日期格式不正确" in page
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Adoption.id)) is None


def test_a_representative_sees_the_roll_but_no_marking(world, scene, client):
    login(client, world.users["representative"])
    page = client.get(f"{T}/")
    assert page.status_code == 200 and "标记采纳" not in page.get_data(as_text=True)
    assert _mark(client, scene.cases["t"][0]).status_code in (302, 403)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Adoption.id)) is None


def test_the_whole_selection_through_the_pages(world, scene, client):
    # The office marks an item; the county opens; the office nominates it.
    login(client, world.users["township_staff"])
    _mark(client, scene.cases["t"][0])
    client.post("/logout")
    login(client, world.users["county_admin"])
    assert "开启年度评选" in client.get(f"{C}/").get_data(as_text=True)
    _open(client, quota_representative="1")
    selection = db.session.scalar(select(Selection))
    sid = selection.id
    client.post("/logout")
    login(client, world.users["township_staff"])
    page = client.get(f"{T}/").get_data(as_text=True)
    assert "推荐参评" in page and "甲镇的诉求0" in page
    response = client.post(
        f"{T}/selections/{sid}/nominate",
        data={
            "kind": "case",
            "item_id": str(scene.cases["t"][0]),
            "name": "修缮村道的建议",
            "summary": "群众受益面广",
        },
    )
    assert response.status_code == 302
    assert "已推荐" in client.get(f"{T}/").get_data(as_text=True)
    client.post("/logout")
    # The county fixes the candidates and chooses, then publishes.
    login(client, world.users["county_admin"])
    client.post(f"{C}/{sid}/choosing")
    page = client.get(f"{C}/{sid}").get_data(as_text=True)
    assert "评选中" in page and "修缮村道的建议" in page and "甲镇representative1" in page
    with county_context(world.county.id):
        from lianxin.awards.models import Candidate

        rows = {
            (c.category, c.name): c.id
            for c in db.session.scalars(select(Candidate).where(Candidate.selection_id == sid))
        }
    rep = rows[("representative", "甲镇representative1")]
    other_rep = rows[("representative", "乙镇representative1")]
    suggestion = rows[("suggestion", "修缮村道的建议")]
    client.post(f"{C}/candidates/{rep}/choose", data={"reason": "履职积分第一"})
    # The category's number is 1: the next is refused with a message, nothing chosen.
    client.post(f"{C}/candidates/{other_rep}/choose", data={"reason": "也很好"})
    page = client.get(f"{C}/{sid}").get_data(as_text=True)
    assert "已经选满" in page and "已选 1 / 名额 1" in page
    # A choice with no reason is refused.
    client.post(f"{C}/candidates/{suggestion}/choose", data={"reason": ""})
    assert "请填写评选理由" in client.get(f"{C}/{sid}").get_data(as_text=True)
    client.post(f"{C}/candidates/{suggestion}/choose", data={"reason": "被党委政府采纳"})
    client.post(f"{C}/{sid}/close")
    assert db.session.get(Selection, sid).state == "closed"
    client.post("/logout")
    # The public honour roll: the winners, their townships and reasons; no one else.
    for url in ("/p/jia-zhen/awards/", "/honours/jia/"):
        page = client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert "甲镇representative1" in text and "修缮村道的建议" in text and "履职积分第一" in text
        assert "乙镇representative1" not in text and "甲镇的诉求0" not in text
    # …and in each township.
    login(client, world.users["other_admin"])
    text = client.get("/t/yi-zhen/awards/").get_data(as_text=True)
    assert "甲镇representative1" in text and "十佳党代表" in text


def test_a_township_user_cannot_reach_the_county_pages(world, scene, client):
    login(client, world.users["township_admin"])
    assert client.get(f"{C}/").status_code == 404


def test_a_county_viewer_sees_but_cannot_open(world, client):
    login(client, world.users["county_viewer"])
    page = client.get(f"{C}/")
    assert page.status_code == 200 and "开启年度评选" not in page.get_data(as_text=True)
    client.post(f"{C}/", data={"year": "2025", "title": "偷开"})
    assert db.session.scalar(select(Selection.id)) is None


def test_unknown_or_unpublished_rolls(world, client, scene):
    assert client.get("/honours/nowhere/").status_code == 404
    page = client.get("/honours/jia/")
    assert page.status_code == 200 and "尚未公布评选结果" in page.get_data(as_text=True)
    # Anyone may ask for any selection by number: one the database cannot hold is refused as
    # input (400, on either database), never a server error.
    assert client.get("/honours/jia/?selection=99999999999999999999").status_code == 400
    for wanted in ("-5", "abc", "0"):
        assert client.get(f"/honours/jia/?selection={wanted}").status_code in (200, 404)


def test_the_pages_fit_a_phone(world, scene, client):
    login(client, world.users["township_staff"])
    for url in (f"{T}/", f"{T}/adopt?kind=case"):
        text = client.get(url).get_data(as_text=True)
        assert "min-height: 2.75rem" in text and 'name="viewport"' in text


def test_the_nomination_form_lists_the_selections_year_only(world, scene, client):
    login(client, world.users["township_staff"])
    _mark(client, scene.cases["t"][0])  # adopted in 2025
    _mark(client, scene.cases["t"][1], adopted_on="2026-01-01")
    client.post("/logout")
    login(client, world.users["county_admin"])
    _open(client)  # the 2025 selection
    sid = db.session.scalar(select(Selection.id))
    client.post("/logout")
    login(client, world.users["township_staff"])
    page = client.get(f"{T}/").get_data(as_text=True)
    form = page.split(f'id="selection-{sid}"', 1)[1].split("</section>", 1)[0]
    assert "从本镇2025年度已采纳的意见建议中推荐" in form
    assert "甲镇的诉求0" in form and "甲镇的诉求1" not in form
    # …while the township's list of adopted items keeps both.
    adopted = page.split('id="adopted"', 1)[1]
    assert "甲镇的诉求0" in adopted and "甲镇的诉求1" in adopted
    # A forged form for the 2026 item is refused with the rule's message; nothing nominated.
    client.post(
        f"{T}/selections/{sid}/nominate", data={"kind": "case", "item_id": scene.cases["t"][1]}
    )
    assert "只能推荐2025年度采纳的事项" in client.get(f"{T}/").get_data(as_text=True)
    with county_context(world.county.id):
        from lianxin.awards.models import Candidate

        assert db.session.scalar(select(Candidate.id).where(Candidate.nominated)) is None
