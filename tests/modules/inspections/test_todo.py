"""The inspections on the to-do home: the office's plans to send, reports to write and briefs
past their deadline; a representative's coming visit; a unit and another representative see
nothing."""

from __future__ import annotations

from datetime import timedelta

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.modules.inspections import service, todo
from lianxin.modules.inspections.inputs import BriefInput, FindingsInput
from tests.modules.inspections.test_service import plan


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_the_lines_of_each_role(app, world, office, cast, tctx, clock):
    made = service.create_plan(office, tctx, plan(cast))
    items = _items(app, office, tctx)
    assert items["inspections.plans_to_send"].count == 1
    assert items["inspections.plans_to_send"].url.endswith(f"/inspections/{made.id}")
    rep = _items(app, cast.actors[1], tctx)
    assert set(rep) == {"inspections.my_upcoming"} and "下次" in rep["inspections.my_upcoming"].note
    assert _items(app, cast.actors[6], tctx) == {}
    assert _items(app, cast.units["roads"][1], tctx) == {}

    service.send_plan(office, tctx, made.id)
    clock.today = made.held_on + timedelta(days=1)
    assert _items(app, office, tctx)["inspections.reports_to_write"].count == 1
    service.record_findings(office, tctx, made.id, FindingsInput("情况。", cast.reps[:3]))
    brief = service.add_brief(
        office, tctx, made.id, BriefInput("supervision", cast.units["roads"][0], "标题", "内容")
    )
    due = db.session.get(Case, (tctx.id, brief.case_id)).due_on
    clock.today = due + timedelta(days=1)
    items = _items(app, office, tctx)
    assert (
        items["inspections.briefs_overdue"].count == 1
        and items["inspections.briefs_overdue"].urgent
    )
    # the group leader (not the organiser, not of the group) has no such line
    assert "inspections.briefs_overdue" not in _items(app, cast.actors[0], tctx)
