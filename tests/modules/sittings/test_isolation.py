"""The foundation's cross-township walk, with the sitting-in module in the registry and
switched on, and a meeting with an invitation and a suggestion in every township."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.sittings.models import Invitation, Meeting, Suggestion
from lianxin.people.models import Representative
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world):  # the conftest's world, plus sitting-in rows in every township
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
            meeting = Meeting(
                title=f"{township.name}专属会议",
                kind="enlarged",
                held_on=date(2030, 1, 1),
                place="",
                topics="",
                term=13,
            )
            db.session.add_all([rep, meeting])
            db.session.flush()
            db.session.add(
                Invitation(
                    meeting_id=meeting.id,
                    representative_id=rep.id,
                    batch=1,
                    term=13,
                    answer="pending",
                    answered_by_office=False,
                )
            )
            db.session.add(
                Suggestion(
                    meeting_id=meeting.id,
                    representative_id=rep.id,
                    text=f"{township.name}专属建议",
                    outcome="pending",
                )
            )
            db.session.commit()
    return world


def test_the_walk_sees_sitting_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/sittings/<int:meeting_id>" in rules
    assert "/api/v1/t/<township_slug>/sittings/suggestions/<int:suggestion_id>/answer" in rules
