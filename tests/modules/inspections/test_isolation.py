"""The foundation's cross-township walk, with the inspections module in the registry and
switched on, and in every township a representative, a unit and a visit with its team and unit,
so that every id the walk sends from 乙镇 names a real row."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.inspections.models import Inspection, InspectionMember, InspectionUnit
from lianxin.people.models import HandlingUnit, Representative
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)

# 乙镇's and 远镇's rows take ids far above anything of 甲镇, so that every route is walked with
# an id that names a real row of 乙镇 and nothing of 甲镇.
FOREIGN_BASE = {"乙镇": 700_000, "远镇": 800_000}


@pytest.fixture
def app_modules():  # this module alone: the walk is about its routes
    from lianxin.modules.inspections.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(world):  # the conftest's world, plus a visit in every township
    for township in (world.township, world.other, world.far):
        base = FOREIGN_BASE.get(township.name)

        def own(k, base=base):
            return {} if base is None else {"id": base + k}

        mark = f"{township.name}专属"
        with tenant_context(township.id):
            rep = Representative(
                **own(1),
                name=f"{mark}代表",
                name_pinyin="zhuan shu",
                name_initials="zs",
                gender="male",
                birth_date=date(1970, 1, 1),
                education="bachelor",
                category="farmer",
                term=13,
            )
            unit = HandlingUnit(**own(2), name=f"{mark}单位")
            db.session.add_all([rep, unit])
            db.session.flush()
            inspection = Inspection(
                **own(3),
                form="inspection",
                scale="small",
                subject=f"{mark}视察",
                description="",
                place="",
                held_on=date(2030, 5, 1),
                state="planned",
            )
            db.session.add(inspection)
            db.session.flush()
            db.session.add_all(
                [
                    InspectionUnit(**own(4), inspection_id=inspection.id, unit_id=unit.id),
                    InspectionMember(
                        **own(5), inspection_id=inspection.id, representative_id=rep.id
                    ),
                ]
            )
            db.session.commit()
    return world


def test_the_walk_sees_inspection_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/inspections/<int:inspection_id>" in rules
    assert "/api/v1/t/<township_slug>/inspections/inspections/<int:inspection_id>" in rules
