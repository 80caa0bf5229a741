"""The committee side's workbook (the office and the committee members): the year's reception
days with their notes and the visiting months' schedules with each visit and its minutes, read
back with openpyxl; drafts are the office's only; a representative is refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    NotesInput,
    ReceptionPlanInput,
    VisitInput,
    VisitPlanInput,
)
from tests.factories import actor, grant, make_user
from tests.helpers import login


def _rows(data: bytes, title: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(c.value for c in row) for row in book[title].iter_rows()]


def test_the_workbook_round_trips(world, clock, office, people, tctx, client):
    _reps, _users, (one, two) = people
    first = world.users["committee_member"]
    first.display_name = "甲委员"
    second = make_user(name="乙委员")
    grant(second, Role.COMMITTEE_MEMBER, township=world.township)
    db.session.commit()
    days = service.plan_receptions(office, tctx, ReceptionPlanInput(2026, "联络办公室"))
    service.record_reception(
        actor(first), tctx, days[0].id, NotesInput("=组长反映路灯"), today=days[0].day
    )
    plan = service.create_plan(office, tctx, VisitPlanInput(2026, 11))
    service.add_visit(office, tctx, plan.id, VisitInput(first.id, one, date(2026, 11, 5)))
    service.add_visit(office, tctx, plan.id, VisitInput(second.id, two, date(2026, 11, 6)))
    db.session.commit()

    data = service.committee_xlsx(office, tctx, 2026)
    receptions = _rows(data, "组长接待日")
    assert receptions[0][:2] == ("接待日", "接待的党委委员")
    assert len(receptions) == 1 + len(days)
    row = receptions[1]
    assert row[0].date() == days[0].day and row[1] == "甲委员"
    assert row[2] == "一组、二组" and row[3] == "联络办公室"
    assert row[4] == "=组长反映路灯" and row[5] == "是"  # text, never a formula
    assert receptions[2][4] in ("", None) and receptions[2][5] == "否"
    visits = _rows(data, "走访工作月")
    assert [(v[0], v[1], v[2], v[3]) for v in visits[1:]] == [
        ("2026年11月", "未发布", "甲委员", "一组"),
        ("2026年11月", "未发布", "乙委员", "二组"),
    ]
    # A committee member reads the published schedules only; the draft is the office's.
    assert len(_rows(service.committee_xlsx(actor(first), tctx, 2026), "走访工作月")) == 1
    with pytest.raises(PermissionDenied):
        service.committee_xlsx(actor(world.users["representative"]), tctx, 2026)

    login(client, first)
    page = client.get("/t/jia-zhen/group_activities/committee?year=2026").get_data(as_text=True)
    assert "导出2026年接待与走访" in page
    got = client.get("/t/jia-zhen/group_activities/committee.xlsx?year=2026")
    assert got.status_code == 200 and got.data[:2] == b"PK"
    assert len(_rows(got.data, "组长接待日")) == 1 + len(days)
