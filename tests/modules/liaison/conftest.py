"""Fixtures of the liaison-chain tests: the real module in the registry, switched on for every
township of the world, a fixed clock in the second quarter of 2026, and our township's chain:
two committee members, six representatives in two branches (one of them the second committee
member's own record), eight party members and six households."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import update

from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor, grant, make_branch, make_user
from tests.helpers import Clock

# A Wednesday in the second quarter of 2026 (Q2 runs 1 April – 30 June).
TODAY = date(2026, 5, 20)


@pytest.fixture
def app_modules():
    from lianxin.modules.liaison.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "liaison").values(enabled=True)
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
class Chain:
    """Our township's people of the chain."""

    committee: dict  # key → User: "wang" (world's committee member), "li" (also a representative)
    reps: dict  # key → Representative: "a".."f" ("li" is Li's own record)
    members: dict  # key → PartyMember: "m1".."m8"
    households: dict  # key → Household: "h1".."h6"
    branches: dict  # "east" (world.branches["t"]), "west"

    def actor(self, key):
        return actor(self.committee[key])


REP_BASE = {
    "gender": "男",
    "education": "高中",
    "category": "农民",
    "term": 13,
    "birth_date": "1970-01-01",
}


@pytest.fixture
def chain(world, office):
    t = world.township
    west = make_branch(t, "西村党支部")
    branches = {"east": world.branches["t"], "west": west}
    li = make_user("t.committee.li", name="李委员")
    grant(li, Role.COMMITTEE_MEMBER, township=t)
    committee = {"wang": world.users["committee_member"], "li": li}
    reps, members, households = {}, {}, {}
    with tenant_context(t.id):
        for key, name, branch, phone in (
            ("a", "安代表", "east", "13900000001"),
            ("b", "白代表", "east", "13900000002"),
            ("c", "陈代表", "east", None),
            ("d", "邓代表", "west", None),
            ("e", "鄂代表", "west", None),
            ("li", "李委员", "west", None),
        ):
            reps[key] = people.create_representative(
                office,
                t,
                load_input(
                    people.RepresentativeInputSchema,
                    {**REP_BASE, "name": name, "branch_id": branches[branch].id, "phone": phone},
                ),
            )
        admin = actor(world.users["township_admin"])
        people.link_account(admin, t, reps["a"].id, user_id=world.users["representative"].id)
        people.link_account(admin, t, reps["li"].id, user_id=li.id)
        for i in range(1, 9):
            branch = "east" if i <= 5 else "west"
            members[f"m{i}"] = people.create_party_member(
                office, t, people.PartyMemberInput(name=f"党员{i}", branch_id=branches[branch].id)
            )
        for i in range(1, 7):
            branch = "east" if i <= 4 else "west"
            households[f"h{i}"] = people.create_household(
                office,
                t,
                people.HouseholdInput(head_name=f"户主{i}", branch_id=branches[branch].id),
            )
    return Chain(committee, reps, members, households, branches)


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
