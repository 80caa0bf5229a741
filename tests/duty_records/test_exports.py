"""The exports (all through `lianxin.spreadsheets.response`): the escalation steps' register
with dates, notes and who recorded them; the county page's table; a term record's .xlsx read
back with openpyxl. And the county formula form attacked by a township's admin: 404, nothing
changes."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, StepInput, WeightInput
from lianxin.duty_records.models import DutyFormula
from tests.duty_records.conftest import add, shanghai
from tests.helpers import login

T = "/t/jia-zhen/duty_records"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(answer):
    assert answer.status_code == 200, answer.status_code
    assert answer.mimetype == XLSX
    assert "attachment" in answer.headers["Content-Disposition"]
    return [tuple(row) for row in load_workbook(io.BytesIO(answer.data)).active.values]


def test_steps_register_has_dates_notes_and_recorder(world, clock, people, office, tctx, client):
    reps, _users = people
    clock.today = date(2026, 3, 1)
    service.record_step(
        office, tctx, StepInput(reps[0].id, 2025, "talk", date(2026, 1, 9), "当面谈话")
    )
    service.record_step(
        office, tctx, StepInput(reps[0].id, 2025, "criticism", date(2026, 2, 3), "书面批评")
    )
    db.session.commit()
    login(client, world.users["township_staff"])
    rows = _rows(client.get(f"{T}/steps.xlsx?year=2025"))
    assert rows[0] == ("姓名", "年度", "处理步骤", "日期", "说明", "记录人")
    staff = world.users["township_staff"].display_name
    body = [(r[0], r[1], r[2], r[3].date() if r[3] else None, r[4], r[5]) for r in rows[1:]]
    assert body == [
        (reps[0].name, 2025, "谈话提醒", date(2026, 1, 9), "当面谈话", staff),
        (reps[0].name, 2025, "批评", date(2026, 2, 3), "书面批评", staff),
    ]
    listing = _rows(client.get(f"{T}/list.xlsx?year=2025"))
    assert any("谈话提醒（2026-01-09）" in str(r[5]) for r in listing[1:])
    login(client, world.users["representative"])
    assert client.get(f"{T}/steps.xlsx?year=2025").status_code == 403


def test_county_scores_table_as_xlsx(world, clock, people, county_admin, client):
    from lianxin.county import periods as P
    from lianxin.county import service as county_service

    reps, _users = people
    add(world.township, reps[0], "dutytest.visits", shanghai(2026, 3, 1, 9), times=2)
    county_service.refresh_township(world.township, [P.parse("2026")])
    db.session.commit()
    login(client, world.users["county_viewer"])
    assert 'id="export-scores"' in client.get("/c/jia/duty/?year=2026").get_data(as_text=True)
    rows = _rows(client.get("/c/jia/duty/scores.xlsx?year=2026"))
    assert rows[0][:6] == ("乡镇", "排名", "中位数", "平均分", "履职不足占比", "计分人数")
    assert "履职积分60分以下人数" in rows[0]
    ours = next(r for r in rows[1:] if r[0] == world.township.name)
    assert ours[1] == 1 and ours[5] == 6  # six scored: ranked first
    login(client, world.users["township_admin"])
    assert client.get("/c/jia/duty/scores.xlsx?year=2026").status_code == 404


def test_term_xlsx_round_trips(world, clock, people, county_admin, client):
    reps, _users = people
    clock.today = date(2025, 2, 1)
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(10, 100)}, term_first_year=2025),
    )
    db.session.commit()
    clock.today = date(2026, 5, 20)
    add(world.township, reps[0], "dutytest.visits", shanghai(2025, 6, 1, 9), times=8)  # 80
    add(world.township, reps[0], "dutytest.visits", shanghai(2026, 2, 1, 9), times=4)  # 40
    login(client, world.users["township_staff"])
    rows = _rows(client.get(f"{T}/{reps[0].id}.xlsx?year=2026&term=1"))
    assert rows[0][0] == f"{reps[0].name} 2025–2026年履职档案"
    assert rows[1][:2] == ("得分", 60)
    assert rows[4][:2] == ("积分办法", "2025年起施行")
    visits = next(r for r in rows if r[1] == "走访群众")
    assert visits[2] == 12 and visits[3] == "次"
    assert visits[5].count("记录") == 12  # every detail of both years
    years = rows[rows.index(("年度", "得分", None, None, None, None)) + 1 :]
    assert [r[:2] for r in years] == [(2025, 80), (2026, 40)]


def test_a_township_admin_posting_the_county_formula_changes_nothing(
    world, clock, county_admin, client
):
    service.set_formula(county_admin, world.county, FormulaInput(inactive_below=30))
    db.session.commit()

    def state():
        return (
            db.session.scalar(select(func.count()).select_from(DutyFormula)),
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "duty_records.formula_changed")
            ),
            service.get_formula(world.county.id).inactive_below,
        )

    before = state()
    for who in ("township_admin", "township_staff", "far_county_admin"):
        login(client, world.users[who])
        answer = client.post(
            "/c/jia/duty/formula",
            data={
                "inactive_below": "99",
                "points.dutytest.visits": "50",
                "cap.dutytest.visits": "100",
            },
        )
        assert answer.status_code in (403, 404), (who, answer.status_code)
        answer = client.put("/api/v1/c/jia/duty/formula", json={"inactive_below": 99})
        assert answer.status_code in (401, 403, 404), (who, answer.status_code)
    db.session.expire_all()
    assert state() == before
    assert service.get_formula(world.county.id).weights == {}


def test_the_formula_page_says_which_years_formula_and_the_caps_total(
    world, clock, people, county_admin, client
):
    login(client, world.users["county_admin"])
    page = client.get("/c/jia/duty/formula").get_data(as_text=True)
    assert "2026年度按默认积分办法计分" in page
    total = service.get_formula(world.county.id).caps_total()
    assert f"加分项上限合计{total}分" in page
    service.set_formula(
        county_admin, world.county, FormulaInput(items={"dutytest.visits": WeightInput(5, 70)})
    )
    db.session.commit()
    page = client.get("/c/jia/duty/formula").get_data(as_text=True)
    assert "2026年度按2026年起施行的积分办法计分" in page and "加分项上限合计101.0分" in page
    past = client.get("/c/jia/duty/formula?year=2025").get_data(as_text=True)
    assert "2025年度按默认积分办法计分" in past and "disabled" in past  # a past year: read only
    login(client, world.users["township_staff"])
    record = client.get(f"{T}/{people[0][0].id}?year=2026").get_data(as_text=True)
    assert "按2026年起施行的县定积分办法" in record
    assert "按默认积分办法" in client.get(f"{T}/{people[0][0].id}?year=2025").get_data(as_text=True)
