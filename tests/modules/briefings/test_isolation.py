"""The foundation's cross-township walk, with the briefings module in the registry and switched
on, and in every township a group, a representative, a sent briefing with its receipt, a draft
with a file — so that every id the walk sends from 乙镇 names a real row."""

from __future__ import annotations

import io

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.briefings import service
from lianxin.modules.briefings.inputs import BriefingInput
from lianxin.people import service as people
from lianxin.usecases import load_input
from tests.factories import actor
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world):  # the conftest's world, plus briefings in every township
    for key, township, user in (
        ("t", world.township, world.users["township_admin"]),
        ("o", world.other, world.users["other_admin"]),
        ("f", world.far, world.users["far_admin"]),
    ):
        who = actor(user)
        with tenant_context(township.id):
            group = people.create_group(
                who, township, people.GroupInput(name=f"{township.name}专属小组")
            )
            rep = people.create_representative(
                who,
                township,
                load_input(
                    people.RepresentativeInputSchema,
                    {
                        "name": f"{township.name}专属代表",
                        "gender": "男",
                        "birth_date": "1970-01-01",
                        "education": "大学本科",
                        "category": "农民",
                        "term": 13,
                        "phone": "13900000001",
                        "branch_id": world.branches[key].id,
                    },
                ),
            )
            people.assign_to_group(who, township, rep_id=rep.id, group_id=group.id)
            sent = service.create_briefing(
                who,
                township,
                BriefingInput(kind="decision", title=f"{township.name}专属通报", text="内容"),
            )
            service.send_briefing(who, township, sent.id)
            draft = service.create_briefing(
                who,
                township,
                BriefingInput(
                    kind="progress",
                    title=f"{township.name}专属草稿",
                    text="内容",
                    audience="groups",
                    group_ids=[group.id],
                ),
            )
            service.attach_file(
                who, township, draft.id, io.BytesIO("附件内容".encode()), f"{key}.txt"
            )
        db.session.commit()
    return world
