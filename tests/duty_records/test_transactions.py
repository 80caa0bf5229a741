"""A write is one transaction: a failure after the step is flushed (its audit entry) leaves
neither the step nor the formula behind."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, StepInput
from lianxin.duty_records.models import DutyFormula, DutyStep


class Boom(RuntimeError):
    pass


def _fail(*_args, **_kwargs):
    raise Boom()


def test_a_failed_audit_leaves_no_step(world, clock, people, office, monkeypatch):
    from lianxin.duty_records.stages import steps

    reps, _users = people
    rep_id = reps[0].id
    monkeypatch.setattr(steps.audit, "record", _fail)
    with tenant_context(world.township.id):
        with pytest.raises(Boom):
            service.record_step(
                office, world.township, StepInput(rep_id, 2025, "talk", date(2026, 5, 1))
            )
        assert db.session.scalar(select(func.count()).select_from(DutyStep)) == 0


def test_a_failed_audit_leaves_the_formula_unchanged(world, county_admin, monkeypatch):
    from lianxin.duty_records.stages import formula

    monkeypatch.setattr(formula.audit, "record", _fail)
    with pytest.raises(Boom):
        service.set_formula(county_admin, world.county, FormulaInput(inactive_below=10))
    assert db.session.scalar(select(func.count()).select_from(DutyFormula)) == 0
    assert service.get_formula(world.county.id).inactive_below == 60
