"""The pages: the office's sortable list with the flagged marked, a record with how its score
was reached (printable on A4, .xlsx), the step form, a representative's own record from the
menu, the county's distribution and formula pages."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook

from lianxin.db import db
from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, WeightInput
from tests.duty_records.conftest import add, shanghai
from tests.helpers import login

T = "/t/jia-zhen/duty_records"


def _formula(county_admin, world):
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(10, 100)}, inactive_below=30),
    )
    db.session.commit()


def test_office_list_sorted_and_flagged(world, clock, people, county_admin, client):
    reps, _users = people
    _formula(county_admin, world)
    ids = [r.id for r in reps]
    add(world.township, reps[1], "dutytest.visits", shanghai(2026, 3, 1, 9), times=5)
    add(world.township, reps[2], "dutytest.visits", shanghai(2026, 3, 1, 9), times=3)
    login(client, world.users["township_staff"])
    page = client.get(f"{T}/?year=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2026年履职档案" in html
    order = [int(x) for x in re.findall(r'<li id="rep-(\d+)"', html)]
    assert order[:2] == [ids[1], ids[2]]
    flagged = re.findall(r'<li id="rep-(\d+)"[^>]*data-flagged="1"', html)
    assert str(ids[1]) not in flagged and str(ids[2]) not in flagged and str(ids[0]) in flagged
    asc = client.get(f"{T}/?year=2026&sort=score&order=asc").get_data(as_text=True)
    assert [int(x) for x in re.findall(r'<li id="rep-(\d+)"', asc)][-1] == ids[1]
    only = client.get(f"{T}/?year=2026&flagged=1").get_data(as_text=True)
    assert f'id="rep-{ids[1]}"' not in only and f'id="rep-{ids[0]}"' in only
    book = client.get(f"{T}/list.xlsx?year=2026")
    sheet = load_workbook(io.BytesIO(book.data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("姓名", "届次", "得分") and rows[1][2] == 50


def test_record_page_explains_and_prints(world, clock, people, county_admin, client):
    reps, _users = people
    _formula(county_admin, world)
    rep_id = reps[0].id
    add(world.township, reps[0], "dutytest.visits", shanghai(2026, 3, 9, 10), times=2)
    login(client, world.users["township_staff"])
    html = client.get(f"{T}/{rep_id}?year=2026").get_data(as_text=True)
    assert "2次 × 10分，计20分" in html
    assert "加分合计20分 − 扣分合计0分 = 20分" in html
    assert "03月09日 记录1" in html and "履职不足（低于30.0分）" in html
    assert "@page { size: A4" in html and 'id="print-record"' in html
    assert 'id="step-form"' in html and "谈话提醒" in html  # the office's next step
    term = client.get(f"{T}/{rep_id}/term?year=2026")
    assert term.status_code == 200 and "本届各年度得分的平均分" in term.get_data(as_text=True)
    book = client.get(f"{T}/{rep_id}.xlsx?year=2026")
    assert book.status_code == 200
    values = [row for row in load_workbook(io.BytesIO(book.data)).active.values]
    assert values[1][:2] == ("得分", 20)
    assert any(row[1] == "走访群众" and row[2] == 2 for row in values if len(row) > 2)


def test_step_form_records_and_shows_errors(world, clock, people, client):
    reps, _users = people
    rep_id = reps[0].id
    login(client, world.users["township_staff"])
    under_way = client.post(
        f"{T}/{rep_id}/steps?year=2026",
        data={"step": "talk", "taken_on": "2026-05-01"},
        follow_redirects=True,
    )
    assert "本年度尚未结束" in under_way.get_data(as_text=True)
    clock.today = date(2027, 1, 10)  # 2026 is over: its steps may be recorded
    bad = client.post(
        f"{T}/{rep_id}/steps?year=2026",
        data={"step": "talk", "taken_on": "明天"},
        follow_redirects=True,
    )
    assert "日期格式不正确" in bad.get_data(as_text=True)
    wrong = client.post(
        f"{T}/{rep_id}/steps?year=2026",
        data={"step": "recall", "taken_on": "2026-05-01"},
        follow_redirects=True,
    )
    assert "须先记录" in wrong.get_data(as_text=True)
    ok = client.post(
        f"{T}/{rep_id}/steps?year=2026",
        data={"step": "talk", "taken_on": "2026-05-01", "note": "已谈话"},
        follow_redirects=True,
    )
    html = ok.get_data(as_text=True)
    assert "已记录处理步骤" in html and "已谈话" in html and "记录“批评”" in html


def test_representative_menu_and_own_record(world, clock, people, client):
    reps, users = people
    rep_id = reps[0].id
    login(client, users[0])
    home = client.get("/t/jia-zhen/").get_data(as_text=True)
    assert "我的履职档案" in home
    mine = client.get(f"{T}/mine")
    assert mine.status_code == 302 and f"/duty_records/{rep_id}" in mine.headers["Location"]
    assert client.get(f"{T}/").status_code == 302  # the list is the office's
    page = client.get(f"{T}/{rep_id}").get_data(as_text=True)
    assert 'id="step-form"' not in page and "本届尚无建设性意见建议" in page


def test_representative_without_a_record(world, clock, client):
    login(client, world.users["representative"])
    page = client.get(f"{T}/mine")
    assert page.status_code == 200 and "暂无履职档案" in page.get_data(as_text=True)


def test_office_menu(world, clock, client):
    login(client, world.users["township_staff"])
    home = client.get("/t/jia-zhen/").get_data(as_text=True)
    assert f'href="{T}/"' in home
    login(client, world.users["committee_member"])
    assert f'href="{T}/"' not in client.get("/t/jia-zhen/").get_data(as_text=True)


def test_county_pages(world, clock, people, county_admin, client):
    from lianxin.county import periods as P
    from lianxin.county import service as county_service

    reps, _users = people
    _formula(county_admin, world)
    add(world.township, reps[0], "dutytest.visits", shanghai(2026, 3, 1, 9), times=9)
    county_service.refresh_township(world.township, [P.parse("2026")])
    db.session.commit()
    login(client, world.users["county_viewer"])
    page = client.get("/c/jia/duty/?year=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="band-data"' in html and "chart.umd.min.js" in html
    assert "计分代表不足5人" not in html  # six scored: ranked
    with client.get("/assets/duty-records/static/duty-records.js") as script:
        assert script.status_code == 200 and b"lxBandChart" in script.data
        script.close()
    assert 'data-rank="1"' in html
    formula = client.get("/c/jia/duty/formula").get_data(as_text=True)
    assert "只有县级管理员可以修改" in formula and "disabled" in formula
    assert client.post("/c/jia/duty/formula", data={"inactive_below": "10"}).status_code == 403
    login(client, world.users["county_admin"])
    bad = client.post(
        "/c/jia/duty/formula",
        data={"inactive_below": "120", "points.dutytest.visits": "3", "cap.dutytest.visits": "9"},
        follow_redirects=True,
    )
    assert "履职不足线应在0到100分之间" in bad.get_data(as_text=True)
    assert service.get_formula(world.county.id).inactive_below == 30
    saved = client.post(
        "/c/jia/duty/formula",
        data={"inactive_below": "45", "points.dutytest.visits": "3", "cap.dutytest.visits": "9"},
        follow_redirects=True,
    )
    assert "已保存履职积分办法" in saved.get_data(as_text=True)
    formula = service.get_formula(world.county.id)
    assert formula.inactive_below == 45 and formula.weights["dutytest.visits"].cap == 9
    login(client, world.users["township_admin"])
    assert client.get("/c/jia/duty/formula").status_code == 404  # not a county role
