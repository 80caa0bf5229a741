"""Fixtures of the inspections tests: the real module (and proposals, for a draft from a report)
in the registry, switched on for every township of the world, a fixed clock, seven
representatives of our township with accounts, one of them the leader of a group, and two
handling units with a user each.

Ids are captured up front (`Cast` holds plain ints and actors): on PostgreSQL the rows cannot be
read back outside the township's context after a request has run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from lianxin.auth.models import User
from lianxin.auth.passwords import hash_password
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import PASSWORD, Clock

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def app_modules():
    from lianxin.modules.inspections.module import MODULE
    from lianxin.modules.proposals.module import MODULE as PROPOSALS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, PROPOSALS, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key.in_(["inspections", "proposals"]))
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(TODAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@dataclass
class Cast:
    reps: list[int]  # representative ids; reps[0] leads the group
    users: list[User]
    actors: list[Any]
    units: dict[str, tuple[int, Any]]  # key → (unit id, actor of its user)
    group: int


@pytest.fixture
def cast(world, office, clock):
    admin = actor(world.users["township_admin"])
    base = {"gender": "男", "education": "大学本科", "category": "农民", "term": 13}
    reps, users = [], []
    with tenant_context(world.township.id):
        for i in range(7):
            rep = people.create_representative(
                office,
                world.township,
                load_input(
                    people.RepresentativeInputSchema,
                    {**base, "name": f"代表{i:02d}", "birth_date": "1970-01-01"},
                ),
            )
            rep, _token = people.link_account(admin, world.township, rep.id, username=f"in.rep{i}")
            user = db.session.get(User, rep.user_id)
            user.password_hash = hash_password(PASSWORD)
            reps.append(rep.id)
            users.append(user)
        db.session.commit()
        group = people.create_group(admin, world.township, people.GroupInput(name="东片代表小组"))
        people.assign_to_group(
            admin, world.township, rep_id=reps[0], group_id=group.id, role="leader"
        )
        for rep_id in reps[1:4]:
            people.assign_to_group(admin, world.township, rep_id=rep_id, group_id=group.id)
        units = {}
        for key, name in (("roads", "镇城建办"), ("farm", "镇农业农村办")):
            unit = people.create_unit(
                admin, world.township, people.UnitInput(name=name, phone="13900000001")
            )
            added = people.add_unit_user(
                admin, world.township, unit.id, username=f"in.u.{key}", display_name=name + "答复人"
            )
            unit_user = db.session.get(User, added.membership.user_id)
            unit_user.password_hash = hash_password(PASSWORD)
            units[key] = (unit.id, actor(unit_user))
        db.session.commit()
    return Cast(reps, users, [actor(u) for u in users], units, group.id)


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
