"""The foundation's cross-township walk, with the training module in the registry and
switched on, and a session with an invitation and a check-in in every township."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.trainings.models import TrainingCheckIn, TrainingInvitation, TrainingSession
from lianxin.people.models import Representative
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world):  # the conftest's world, plus training rows in every township
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
            session = TrainingSession(
                title=f"{township.name}专属培训",
                kind="study",
                starts_on=date(2026, 1, 5),
                ends_on=date(2030, 1, 1),
                place="",
                content="",
                audience="named",
                group_ids=[],
                term=13,
            )
            db.session.add_all([rep, session])
            db.session.flush()
            db.session.add(
                TrainingInvitation(
                    session_id=session.id, representative_id=rep.id, term=13, answer="pending"
                )
            )
            db.session.add(
                TrainingCheckIn(
                    session_id=session.id, representative_id=rep.id, day=date(2026, 1, 5)
                )
            )
            db.session.commit()
    return world


def test_the_walk_sees_training_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/trainings/<int:session_id>/attendance" in rules
    assert "/api/v1/t/<township_slug>/trainings/invitations/<int:invitation_id>/leave" in rules
