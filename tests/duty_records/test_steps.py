"""The escalation of an inactive representative: never automatic, in order (罢免建议 only
after 批评, 批评 only after 谈话提醒), once each a year, only for one flagged; audited; the
office's to-do line lists the flagged without a step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.duty_records import service
from lianxin.duty_records.inputs import StepInput
from lianxin.duty_records.models import DutyStep
from lianxin.errors import PermissionDenied, ValidationFailed
from tests.duty_records.conftest import TODAY, add, shanghai
from tests.factories import actor, make_represented


def _step(office, township, rep, step, day=TODAY, year=2026):
    return service.record_step(office, township, StepInput(rep.id, year, step, day, "说明"))


def _count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(DutyStep)) or 0)


def test_nothing_is_recorded_without_a_human_action(world, clock, people, office, tctx):
    from lianxin.county import periods as P
    from lianxin.county import service as county_service
    from lianxin.duty_records import todo

    records = service.list_records(office, tctx, 2026).records
    assert all(r.flagged for r in records)  # nobody did anything: all below 60
    with world_request(tctx):
        assert todo.items(office, tctx)[0].count == 6
    service.township_scores(tctx, 2026)
    county_service.refresh_township(world.township, [P.parse("2026")])
    db.session.commit()
    assert _count() == 0


def test_order_is_enforced(world, clock, people, office, tctx):
    reps, _users = people
    rep = reps[0]
    clock.today = date(2027, 1, 10)  # 2026 is over
    with pytest.raises(service.StepOutOfOrder):
        _step(office, tctx, rep, "criticism")
    with pytest.raises(service.StepOutOfOrder):
        _step(office, tctx, rep, "recall")
    assert _count() == 0
    _step(office, tctx, rep, "talk", TODAY - timedelta(days=10))
    with pytest.raises(service.StepOutOfOrder) as early:
        _step(office, tctx, rep, "recall")
    assert "批评" in str(early.value.message)
    with pytest.raises(service.StepOutOfOrder):
        _step(office, tctx, rep, "talk")  # once a year
    with pytest.raises(ValidationFailed):
        _step(office, tctx, rep, "criticism", TODAY - timedelta(days=11))  # before the talk
    _step(office, tctx, rep, "criticism", TODAY - timedelta(days=5))
    _step(office, tctx, rep, "recall")
    with pytest.raises(service.StepOutOfOrder):
        _step(office, tctx, rep, "recall")
    assert [s.step for s in service.steps_of(tctx, rep.id, 2026)] == [
        "talk",
        "criticism",
        "recall",
    ]
    # Another year starts again from the talk.
    with pytest.raises(service.StepOutOfOrder):
        _step(office, tctx, rep, "criticism", date(2025, 12, 1), year=2025)


def test_only_for_a_flagged_representative(world, clock, people, office, county_admin, tctx):
    from lianxin.duty_records.inputs import FormulaInput, WeightInput

    reps, _users = people
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(10, 100)}, inactive_below=30),
    )
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 3, 1, 9), times=3)  # 30: not flagged
    clock.today = date(2027, 1, 10)  # 2026 is over
    with pytest.raises(service.NotInactive):
        _step(office, tctx, reps[0], "talk")
    add(tctx, reps[1], "dutytest.visits", shanghai(2026, 3, 1, 9), times=2)  # 20: flagged
    assert _step(office, tctx, reps[1], "talk").step == "talk"


def test_future_date_refused_and_audited(world, clock, people, office, tctx):
    reps, _users = people
    with pytest.raises(ValidationFailed):
        _step(office, tctx, reps[0], "talk", TODAY + timedelta(days=1))
    step = _step(office, tctx, reps[0], "talk", year=2025)
    db.session.commit()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "duty_records.step_recorded")
    )
    assert entry is not None and entry.tenant_id == tctx.id
    assert entry.target_id == str(step.id)
    assert entry.before == {"steps": []} and entry.after["step"] == "talk"
    assert step.recorded_by_id == office.user_id


@pytest.mark.parametrize(
    "who", ["representative", "committee_member", "handling_unit", "group_leader"]
)
def test_only_the_office_records(world, clock, people, tctx, who):
    reps, _users = people
    with pytest.raises(PermissionDenied):
        _step(actor(world.users[who]), tctx, reps[0], "talk")


def test_todo_lists_last_years_flagged_without_a_step(world, clock, people, office, tctx):
    from lianxin.duty_records import todo

    reps, _users = people
    with world_request(tctx):
        [line] = todo.items(office, tctx)
        assert line.key == "duty_records.inactive" and line.count == 6
        assert "flagged=1" in line.url and "year=2025" in line.url
        assert line.note.startswith("2025年度：")
    _step(office, tctx, reps[0], "talk", date(2026, 1, 10), year=2025)
    with pytest.raises(ValidationFailed):  # this year's, still under way
        _step(office, tctx, reps[1], "talk", date(2026, 1, 10))
    with world_request(tctx):
        [line] = todo.items(office, tctx)
        assert line.count == 5
        assert todo.items(actor(world.users["representative"]), tctx) == []


def test_no_todo_for_those_registered_after_the_year(world, clock, office, tctx):
    from lianxin.duty_records import todo

    make_represented(world.township, 3, "dr.new")  # registered now, not in 2025
    with world_request(tctx):
        assert todo.items(office, tctx) == []


def world_request(township):
    from flask import current_app

    return current_app.test_request_context(f"/t/{township.slug}/")


def test_a_year_under_way_is_refused_unless_it_ends_the_term(
    world, clock, people, office, county_admin, tctx
):
    """2026 under way (term 2026–2030): refused; 2025, over, accepted. With the term moved to
    2022–2026 (a county change this year), 2026 is the term's last year: accepted."""
    from lianxin.duty_records.inputs import FormulaInput

    reps, _users = people
    with pytest.raises(ValidationFailed) as under_way:
        _step(office, tctx, reps[0], "talk", year=2026)
    assert "year" in under_way.value.errors
    assert _step(office, tctx, reps[0], "talk", year=2025).year == 2025
    service.set_formula(county_admin, world.county, FormulaInput(term_first_year=2022))
    assert _step(office, tctx, reps[1], "talk", year=2026).year == 2026
    with pytest.raises(ValidationFailed):  # a year to come, whatever the term
        _step(office, tctx, reps[1], "talk", year=2027)
