"""A consultation's adoption is the consultations module's own feedback (采纳 / 部分采纳): read,
never marked twice, and nominated like a mark; off when the module is off."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from lianxin.awards import service
from lianxin.awards.inputs import AdoptionInputSchema, NominationInput, SelectionInput
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, ValidationFailed
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor


@pytest.fixture
def app_modules():
    from lianxin.modules.consultations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def consultations(world, clock):
    from lianxin.modules.consultations.models import Consultation

    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "consultations")
        .values(enabled=True)
    )
    ids = {}
    with tenant_context(world.township.id):
        for outcome in ("adopted", "partly", "not_adopted"):
            row = Consultation(
                title=f"镇村规划方案（{outcome}）",
                kind="plan",
                deadline=date(2025, 9, 1),
                state="replied",
                audience={"everyone": True},
                outcome=outcome,
                feedback="反馈",
                feedback_at=datetime(2025, 9, 10, 2, tzinfo=UTC),
            )
            db.session.add(row)
            db.session.flush()
            ids[outcome] = row.id
        db.session.commit()
    return ids


def test_adopted_consultations_are_listed_and_nominated(world, consultations):
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        listed = {a.item_id: a for a in service.adopted_items(office, world.township, year=2025)}
        assert set(listed) == {consultations["adopted"], consultations["partly"]}
        assert listed[consultations["adopted"]].adoption_id is None
    selection = service.open_selection(
        actor(world.users["county_admin"]), world.county, SelectionInput(2025, "四十佳")
    )
    with tenant_context(world.township.id):
        row = service.nominate(
            office,
            world.township,
            selection.id,
            NominationInput("consultation", consultations["partly"]),
        )
        assert row.kind == "consultation" and "partly" in row.name
        with pytest.raises(NotFound):
            service.nominate(
                office,
                world.township,
                selection.id,
                NominationInput("consultation", consultations["not_adopted"]),
            )


def test_a_consultation_is_not_marked_here(world, consultations):
    with pytest.raises(ValidationFailed):
        load_input(
            AdoptionInputSchema,
            {
                "kind": "consultation",
                "item_id": consultations["adopted"],
                "adopted_by": "committee",
                "adopted_on": "2025-09-10",
            },
        )
