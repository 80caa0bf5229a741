"""The foundation's cross-township walk, with the workstations module in the registry and
switched on, and a station (with a roster entry) in every township."""

from __future__ import annotations

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations.models import Commitment, Station, StationRepresentative
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
def world(world):  # the conftest's world, plus workstation rows in every township
    for township, user in (
        (world.township, world.users["township_admin"]),
        (world.other, world.users["other_admin"]),
        (world.far, world.users["far_admin"]),
    ):
        with tenant_context(township.id):
            rep = people.create_representative(
                actor(user),
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
                    },
                ),
            )
            station = Station(
                kind="village", name=f"{township.name}专属工作站", address="", hours="", rules=""
            )
            db.session.add(station)
            db.session.flush()
            db.session.add(StationRepresentative(station_id=station.id, representative_id=rep.id))
            db.session.add(
                Commitment(
                    representative_id=rep.id,
                    text=f"{township.name}专属承诺",
                    deadline=__import__("datetime").date(2030, 1, 1),
                )
            )
            db.session.commit()
    return world


def test_the_walk_sees_workstation_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/workstations/<int:station_id>" in rules
    assert "/p/<township_slug>/workstations/<int:station_id>" in rules
    assert "/api/v1/t/<township_slug>/workstations/stations/<int:station_id>" in rules
