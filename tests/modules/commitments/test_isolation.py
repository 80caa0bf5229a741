"""The foundation's cross-township walk, with the commitment module in the registry and
switched on, and a commitment with a progress note in every township."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.commitments.models import Commitment, Progress
from lianxin.people.models import Representative
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world):  # the conftest's world, plus commitment rows in every township
    for township in (world.township, world.other, world.far):
        with tenant_context(township.id):
            rep = Representative(
                name=f"{township.name}专属代表",
                name_pinyin="zhuanshu",
                name_initials="zs",
                gender="男",
                birth_date=date(1970, 1, 1),
                education="高中",
                category="农民",
                term=13,
            )
            db.session.add(rep)
            db.session.flush()
            row = Commitment(
                representative_id=rep.id,
                year=date.today().year,
                content=f"{township.name}专属承诺",
                due_on=date(date.today().year, 12, 31),
                status="approved",
                by_office=True,
            )
            db.session.add(row)
            db.session.flush()
            db.session.add(
                Progress(commitment_id=row.id, noted_on=date(2026, 1, 5), note="专属进展")
            )
            db.session.commit()
    return world


def test_the_walk_sees_commitment_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/commitments/<int:commitment_id>/close" in rules
    assert "/api/v1/t/<township_slug>/commitments/commitments/<int:commitment_id>/approve" in rules
