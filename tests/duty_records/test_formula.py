"""The county's formula: only a county admin changes it (a county viewer and every township
role are refused), audited with before and after; bad input refused in Chinese."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, FormulaInputSchema, WeightInput
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.usecases import load_input
from tests.factories import actor


def test_defaults_are_documented_values(world):
    formula = service.get_formula(world.county.id)
    assert formula.is_default
    assert (formula.inactive_below, formula.min_sample, formula.term_first_year) == (60, 5, 2021)
    assert formula.term_of(2026) == (2026, 2030) and formula.term_of(2025) == (2021, 2025)


def test_county_admin_changes_it_audited(world, county_admin):
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(3, 30)}, inactive_below=55),
    )
    db.session.commit()
    formula = service.get_formula(world.county.id)
    assert formula.weights["dutytest.visits"].points == 3 and formula.inactive_below == 55
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "duty_records.formula_changed")
    )
    assert entry is not None and entry.county_id == world.county.id
    assert entry.before["inactive_below"] == 60 and entry.before["items"] == {}
    assert entry.after["inactive_below"] == 55
    assert entry.after["items"]["dutytest.visits"] == {"points": 3.0, "cap": 30.0}


@pytest.mark.parametrize(
    "who",
    ["county_viewer", "far_county_admin", "township_admin", "township_staff", "representative"],
)
def test_others_refused(world, who):
    with pytest.raises(PermissionDenied):
        service.set_formula(actor(world.users[who]), world.county, FormulaInput(inactive_below=10))
    assert service.get_formula(world.county.id).is_default


def test_unknown_item_and_bad_values_refused(world, county_admin):
    with pytest.raises(ValidationFailed) as unknown:
        service.set_formula(
            county_admin, world.county, FormulaInput(items={"nope.x": WeightInput(1, 1)})
        )
    assert "未知的履职项目" in str(unknown.value.errors)
    for body in (
        {"items": {"dutytest.visits": {"points": 101, "cap": 10}}},
        {"items": {"dutytest.visits": {"points": 1}}},
        {"inactive_below": -1},
        {"min_sample": 0},
    ):
        with pytest.raises(ValidationFailed):
            load_input(FormulaInputSchema, body)


def test_township_has_no_setting_for_it(world):
    from lianxin.modules.registry import current_registry

    spec = current_registry().get("duty_records")
    assert spec.core and not spec.is_feature  # no township settings form, no module row


def test_a_change_applies_from_this_year_past_years_keep_theirs(
    world, clock, people, office, county_admin, tctx
):
    """Year Y scored and acted on (a step recorded); the county changes the formula in Y+1:
    Y keeps its score, its flag and the formula it was scored by."""
    from datetime import date

    from lianxin.duty_records.inputs import StepInput
    from tests.duty_records.conftest import add, shanghai

    reps, _users = people
    add(tctx, reps[0], "dutytest.visits", shanghai(2025, 6, 1, 9), times=2)  # 10 points
    clock.today = date(2026, 1, 10)
    before = service.get_record(office, tctx, reps[0].id, 2025)
    assert before.score.total == 10 and before.flagged and before.formula_from is None
    service.record_step(office, tctx, StepInput(reps[0].id, 2025, "talk", date(2026, 1, 9)))
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(50, 100)}, inactive_below=5),
    )
    db.session.commit()
    after = service.get_record(office, tctx, reps[0].id, 2025)
    assert (after.score.total, after.flagged, after.threshold) == (10, True, 60)
    assert after.formula_from is None  # the defaults, in force in 2025
    assert [s.step for s in after.steps] == ["talk"]
    assert service.get_formula(world.county.id, 2025).is_default
    now = service.get_formula(world.county.id, 2026)
    assert now.from_year == 2026 and now.inactive_below == 5
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 1, 2, 9), times=1)
    assert service.get_record(office, tctx, reps[0].id, 2026).score.total == 50
    # A second change in the same year edits that year's version; 2025 still untouched.
    service.set_formula(county_admin, world.county, FormulaInput(inactive_below=7))
    db.session.commit()
    assert service.get_formula(world.county.id, 2026).inactive_below == 7
    assert service.get_formula(world.county.id, 2026).weights["dutytest.visits"].points == 50
    assert service.get_formula(world.county.id, 2025).inactive_below == 60
    # The next year's change leaves 2026's version as it was.
    clock.today = date(2027, 2, 1)
    service.set_formula(county_admin, world.county, FormulaInput(inactive_below=40))
    db.session.commit()
    assert service.get_formula(world.county.id, 2026).inactive_below == 7
    assert service.get_formula(world.county.id, 2027).inactive_below == 40
    assert service.get_formula(world.county.id, 2030).from_year == 2027


def test_a_term_scores_each_year_by_its_own_formula(
    world, clock, people, office, county_admin, tctx
):
    from datetime import date

    from tests.duty_records.conftest import add, shanghai

    reps, _users = people
    clock.today = date(2025, 2, 1)
    service.set_formula(county_admin, world.county, FormulaInput(term_first_year=2025))
    db.session.commit()
    add(tctx, reps[0], "dutytest.visits", shanghai(2025, 6, 1, 9), times=2)  # 2 × 5
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 3, 1, 9), times=2)  # 2 × 20
    clock.today = date(2026, 5, 20)
    service.set_formula(
        county_admin, world.county, FormulaInput(items={"dutytest.visits": WeightInput(20, 40)})
    )
    db.session.commit()
    term = service.get_term_record(office, tctx, reps[0].id, 2026)
    assert dict(term.year_scores) == {2025: 10, 2026: 40}
    assert term.formula_from == 2026
