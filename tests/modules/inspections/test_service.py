"""The inspections rules, through the service: the plan, the lead time (N−1 refused, N
accepted, on the Asia/Shanghai date), the team's size (N−1 / N and the small team's maximum),
settings moved in one township only, findings, report, briefs as cases, a proposal draft and
the year against the minimum."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lianxin.casework import deadlines
from lianxin.casework.models import Case, CaseAssignment
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.inspections import service
from lianxin.modules.inspections.inputs import (
    BriefInput,
    FindingsInput,
    InspectionPlanInputSchema,
    PlanInput,
)
from lianxin.modules.inspections.models import Brief, Inspection, State
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.modules.inspections.conftest import TODAY

SHANGHAI_TODAY = deadlines.shanghai_today  # the real one, before any test stops the clock


def plan(cast, *, days=5, team=3, scale="small", units=("roads",), **extra) -> PlanInput:
    return PlanInput(
        form=extra.pop("form", "inspection"),
        subject=extra.pop("subject", "东关村道路改造项目进展"),
        held_on=TODAY + timedelta(days=days),
        scale=scale,
        place="东关村",
        unit_ids=[cast.units[u][0] for u in units],
        representative_ids=cast.reps[:team],
        **extra,
    )


def set_setting(township, **values):
    """The township's own settings of the module (as the county sets them), `values` changed."""
    from lianxin.tenants.models import TownshipModule

    row = db.session.scalar(
        select(TownshipModule).where(
            TownshipModule.township_id == township.id, TownshipModule.module_key == "inspections"
        )
    )
    row.settings = {**(row.settings or {}), **values}
    db.session.commit()
    from flask import g

    from lianxin.tenants.stages.modules import _SETTINGS

    g.pop(_SETTINGS, None)  # read once per request: this test is one long request


def held(office, tctx, cast, clock, **kw):
    """A visit planned, sent and held; the clock left on its date."""
    made = service.create_plan(office, tctx, plan(cast, **kw))
    service.send_plan(office, tctx, made.id)
    clock.today = made.held_on
    service.record_findings(
        office, tctx, made.id, FindingsInput("道路硬化已完成七成，排水未同步。", cast.reps[:2])
    )
    return made


# --- the plan and the lead time ---------------------------------------------------------------


def test_plan_at_exactly_the_lead_time_is_accepted_one_day_less_refused(
    app, world, office, cast, tctx
):
    made = service.create_plan(office, tctx, plan(cast, days=5))
    assert made.state == State.PLANNED and service.team_ids(made) == sorted(cast.reps[:3])
    with pytest.raises(service.InspectionRuleBroken) as exc:
        service.create_plan(office, tctx, plan(cast, days=4))
    assert "held_on" in exc.value.errors and "5天" in exc.value.message


def test_sending_the_plan_late_is_refused(app, world, office, cast, tctx, clock):
    made = service.create_plan(office, tctx, plan(cast, days=6))
    clock.today = TODAY + timedelta(days=2)  # 4 days before: too late
    with pytest.raises(service.InspectionRuleBroken):
        service.send_plan(office, tctx, made.id)
    assert db.session.get(Inspection, (tctx.id, made.id)).state == State.PLANNED
    clock.today = TODAY + timedelta(days=1)  # 5 days before: in time
    sent = service.send_plan(office, tctx, made.id)
    assert sent.state == State.NOTIFIED and sent.notified_on == TODAY + timedelta(days=1)


def test_the_lead_time_counts_shanghai_dates_near_midnight(
    app, world, office, cast, tctx, monkeypatch
):
    # 23:30 UTC on 2 March is 07:30 on 3 March in Shanghai: a visit on 7 March is 4 days away.
    late_evening_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(
        deadlines, "shanghai_today", lambda now=None: SHANGHAI_TODAY(late_evening_utc)
    )
    with pytest.raises(service.InspectionRuleBroken):
        service.create_plan(office, tctx, plan(cast, days=5))  # 7 March
    assert service.create_plan(office, tctx, plan(cast, days=6)).held_on == date(2026, 3, 8)


def test_the_plan_goes_to_the_units_and_the_team(app, world, office, cast, tctx):
    made = service.create_plan(office, tctx, plan(cast, units=("roads", "farm")))
    service.send_plan(office, tctx, made.id)
    kinds = [m.payload.get("kind") for m in db.session.scalars(select(OutboxMessage))]
    phones = [m.payload.get("phones") for m in db.session.scalars(select(OutboxMessage))]
    assert any(phones)
    assert kinds.count("inspection.plan") == 2  # the units (and their phones), the team
    # the unit's user can read it; the other unit's too (both visited)
    unit_actor = cast.units["roads"][1]
    assert service.get_inspection(unit_actor, tctx, made.id).id == made.id


def test_a_unit_sees_only_the_visits_to_it(app, world, office, cast, tctx):
    to_roads = service.create_plan(office, tctx, plan(cast, units=("roads",)))
    to_farm = service.create_plan(office, tctx, plan(cast, units=("farm",)))
    roads = cast.units["roads"][1]
    assert [i.id for i in service.list_inspections(roads, tctx)] == [to_roads.id]
    with pytest.raises(NotFound):
        service.get_inspection(roads, tctx, to_farm.id)


# --- the team's size ------------------------------------------------------------------------------


def test_team_size_minimum_and_small_maximum(app, world, office, cast, tctx):
    with pytest.raises(service.InspectionRuleBroken) as exc:
        service.create_plan(office, tctx, plan(cast, team=2))
    assert "representative_ids" in exc.value.errors
    service.create_plan(office, tctx, plan(cast, team=3))
    service.create_plan(office, tctx, plan(cast, team=5))
    with pytest.raises(service.InspectionRuleBroken):
        service.create_plan(office, tctx, plan(cast, team=6))
    assert service.create_plan(office, tctx, plan(cast, team=6, scale="large")).scale == "large"


def test_a_setting_moved_in_one_township_only(app, world, office, cast, tctx):
    set_setting(tctx, team_min=2, plan_lead_days=10)
    service.create_plan(office, tctx, plan(cast, team=2, days=10))
    with pytest.raises(service.InspectionRuleBroken):
        service.create_plan(office, tctx, plan(cast, team=2, days=9))
    assert tenants.effective_settings(world.other.id, "inspections")["team_min"] == 3
    assert tenants.effective_settings(world.other.id, "inspections")["plan_lead_days"] == 5


def test_changing_the_team_keeps_the_rule(app, world, office, cast, tctx):
    made = service.create_plan(office, tctx, plan(cast))
    with pytest.raises(service.InspectionRuleBroken):
        service.set_team(office, tctx, made.id, cast.reps[:2])
    service.set_team(office, tctx, made.id, cast.reps[2:6])
    assert service.team_ids(made) == sorted(cast.reps[2:6])


def test_a_team_of_another_townships_representative_is_not_found(app, world, office, cast, tctx):
    foreign = PlanInput(
        form="inspection",
        subject="x",
        held_on=TODAY + timedelta(days=9),
        representative_ids=[*cast.reps[:2], 987654],
    )
    with pytest.raises(NotFound):
        service.create_plan(office, tctx, foreign)


# --- who plans ------------------------------------------------------------------------------------


def test_a_group_leader_plans_for_the_group_a_representative_cannot(app, world, office, cast, tctx):
    leader, member = cast.actors[0], cast.actors[1]
    made = service.create_plan(leader, tctx, plan(cast, group_id=cast.group))
    assert made.group_id == cast.group and service.can_manage(leader, tctx, made)
    with pytest.raises(PermissionDenied):
        service.create_plan(member, tctx, plan(cast))
    with pytest.raises(PermissionDenied):
        service.send_plan(member, tctx, made.id)
    service.send_plan(leader, tctx, made.id)
    assert not service.can_manage(cast.actors[5], tctx, made)


def test_input_shape_is_checked(app, world):
    with pytest.raises(ValidationFailed) as exc:
        load_input(InspectionPlanInputSchema, {"form": "palace", "subject": "", "held_on": "x"})
    assert {"form", "subject", "held_on"} <= set(exc.value.errors)


# --- after the visit ------------------------------------------------------------------------------


def test_findings_only_on_or_after_the_date_once_sent(app, world, office, cast, tctx, clock):
    made = service.create_plan(office, tctx, plan(cast))
    with pytest.raises(service.WrongState):  # not sent
        service.record_findings(office, tctx, made.id, FindingsInput("x", cast.reps[:1]))
    service.send_plan(office, tctx, made.id)
    clock.today = made.held_on - timedelta(days=1)
    with pytest.raises(service.WrongState):
        service.record_findings(office, tctx, made.id, FindingsInput("x", cast.reps[:1]))
    clock.today = made.held_on
    with pytest.raises(ValidationFailed):  # someone not on the team
        service.record_findings(office, tctx, made.id, FindingsInput("x", [cast.reps[6]]))
    service.record_findings(office, tctx, made.id, FindingsInput("x", cast.reps[:2]))
    team = {m.representative.id: m.attended for m in service.team_of(made)}
    assert team == {cast.reps[0]: True, cast.reps[1]: True, cast.reps[2]: False}
    assert made.state == State.HELD


def test_a_team_member_writes_the_report(app, world, office, cast, tctx, clock):
    made = held(office, tctx, cast, clock)
    writer = cast.actors[2]  # on the team, not a manager
    service.write_report(writer, tctx, made.id, "视察报告：建议同步实施排水工程。")
    assert made.state == State.REPORTED and made.reported_at is not None
    with pytest.raises(PermissionDenied):
        service.write_report(cast.actors[6], tctx, made.id, "x")


def test_a_brief_becomes_a_case_referred_to_the_unit(app, world, office, cast, tctx, clock):
    made = held(office, tctx, cast, clock)
    unit_id = cast.units["farm"][0]
    brief = service.add_brief(
        office,
        tctx,
        made.id,
        BriefInput(kind="supervision", unit_id=unit_id, title="排水工程滞后", body="请限期答复。"),
    )
    case = db.session.get(Case, (tctx.id, brief.case_id))
    assert case.state == "referred" and case.source_type == "inspection"
    assert case.source_id == made.id and case.due_on is not None
    lead = db.session.scalar(select(CaseAssignment).where(CaseAssignment.case_id == case.id))
    assert lead.unit_id == unit_id
    [row] = service.briefs_of(office, tctx, made.id)
    assert row.due_on == case.due_on and not row.overdue and not row.answered
    # past the deadline: overdue, on the to-do of the office
    late = case.due_on + timedelta(days=1)
    [row] = service.briefs_of(office, tctx, made.id, late)
    assert row.overdue
    assert service.briefs_overdue(office, tctx, late).count == 1
    assert service.briefs_overdue(office, tctx, case.due_on).count == 0
    # the representative cannot send a brief
    with pytest.raises(PermissionDenied):
        service.add_brief(
            cast.actors[0], tctx, made.id, BriefInput("suggestion", unit_id, "t", "b")
        )


def test_a_brief_before_the_visit_is_refused_and_leaves_no_case(app, world, office, cast, tctx):
    made = service.create_plan(office, tctx, plan(cast))
    with pytest.raises(service.WrongState):
        service.add_brief(
            office, tctx, made.id, BriefInput("suggestion", cast.units["farm"][0], "t", "b")
        )
    assert db.session.scalar(select(Case.id)) is None
    assert db.session.scalar(select(Brief.id)) is None


def test_a_team_member_drafts_a_proposal_from_the_report(app, world, office, cast, tctx, clock):
    made = held(office, tctx, cast, clock)
    service.write_report(office, tctx, made.id, "建议同步实施排水工程。")
    draft_id = service.draft_proposal(cast.actors[1], tctx, made.id)
    from lianxin.modules.proposals.models import Proposal

    draft = db.session.get(Proposal, (tctx.id, draft_id))
    assert draft.state == "draft" and draft.body == "建议同步实施排水工程。"
    with pytest.raises(PermissionDenied):
        service.draft_proposal(cast.actors[6], tctx, made.id)


def test_cancel(app, world, office, cast, tctx):
    made = service.create_plan(office, tctx, plan(cast))
    service.send_plan(office, tctx, made.id)
    service.cancel(office, tctx, made.id, "天气原因")
    assert made.state == State.CANCELLED
    with pytest.raises(service.WrongState):
        service.set_team(office, tctx, made.id, cast.reps[:3])


# --- the year -----------------------------------------------------------------------------------


def test_yearly_minimum_and_research_month(app, world, office, cast, tctx, clock):
    set_setting(tctx, research_month=3, yearly_minimum=1)
    held(office, tctx, cast, clock)  # 7 March: reps 0 and 1 took part
    figures = service.year_figures(office, tctx, 2026)
    assert figures.held == 1 and figures.held_in_research_month == 1
    below = {r.representative_id for r in figures.below}
    assert cast.reps[0] not in below and cast.reps[1] not in below
    assert cast.reps[2] in below  # on the team, absent
    assert cast.reps[6] in below
    set_setting(tctx, yearly_minimum=0)
    assert service.year_figures(office, tctx, 2026).below == []
    assert service.year_figures(office, tctx, 2025).held == 0


def test_to_do_piles(app, world, office, cast, tctx, clock):
    made = service.create_plan(office, tctx, plan(cast))
    assert service.plans_to_send(office, tctx, TODAY).count == 1
    assert service.plans_to_send(cast.actors[1], tctx, TODAY).count == 0
    assert service.my_upcoming(cast.actors[1], tctx, TODAY).count == 1
    assert service.my_upcoming(cast.actors[6], tctx, TODAY).count == 0
    service.send_plan(office, tctx, made.id)
    day_after = made.held_on + timedelta(days=1)
    assert service.reports_to_write(office, tctx, made.held_on).count == 0
    assert service.reports_to_write(office, tctx, day_after).count == 1
    assert service.my_upcoming(cast.actors[1], tctx, day_after).count == 0


def test_register_xlsx(app, world, office, cast, tctx, clock):
    from io import BytesIO

    from openpyxl import load_workbook

    held(office, tctx, cast, clock, subject='=HYPERLINK("x")')
    data = service.register_xlsx(service.register_rows(office, tctx, 2026), 2026)
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "日期" and rows[1][3] == '=HYPERLINK("x")'
    assert "镇城建办" in rows[1][5]


def test_county_figures(app, world, office, cast, tctx, clock):
    from lianxin.modules.inspections.metrics import entities, figures

    held(office, tctx, cast, clock)  # reps 0 and 1 of 7 took part
    service.create_plan(office, tctx, plan(cast, days=20))  # planned, not held: not counted
    got = figures(date(2026, 3, 1), date(2026, 4, 1))
    assert got["inspections_held"].value == 1
    assert got["inspections_rep_share"].value == pytest.approx(2 / 7)
    assert got["inspections_reported"].value == 0
    assert figures(date(2026, 4, 1), date(2026, 5, 1))["inspections_rep_share"].value == 0
    assert {e.entity_id for e in entities(date(2026, 3, 1), date(2026, 4, 1))} == set(cast.reps[:2])
