"""Fixtures of the annual-session tests: the real module in the registry and switched on, a
fixed clock, 100 representatives in office (应到 100; the first twelve with accounts), two
representative groups led by accounts, and a session on the clock's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import SessionInput
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, batched, grant, make_user
from tests.helpers import Clock

SESSION_DAY = date(2026, 3, 20)
PLANNING_DAY = date(2026, 3, 2)  # 18 days before: items may still be proposed


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "annual_sessions")
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(PLANNING_DAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@dataclass
class Cast:
    reps: list[int]  # 100 representative ids
    actors: list[Any]  # actors of the first twelve
    users: list[Any]
    groups: list[int]  # two groups; actors[0] leads the first, actors[1] the second
    session: int


@pytest.fixture
def cast(world, office, clock):
    reps = []
    with tenant_context(world.township.id):
        for i in range(100):
            name = f"代表{i:03d}"
            rep = Representative(
                name=name,
                name_pinyin=f"daibiao{i:03d}",
                name_initials="db",
                gender="男",
                birth_date=date(1970, 1, 1),
                education="大学本科",
                category="农民",
                term=13,
            )
            db.session.add(rep)
            reps.append(rep)
        db.session.flush()
        users = []
        with batched():  # one commit for the accounts, not two per account
            for i, rep in enumerate(reps[:12]):
                user = make_user(f"as.rep{i}")
                grant(user, Role.REPRESENTATIVE, township=world.township)
                rep.user_id = user.id
                users.append(user)
        db.session.commit()
        groups = []
        for i, name in enumerate(("农业代表小组", "社区代表小组")):
            group = people.create_group(office, world.township, people.GroupInput(name=name))
            people.assign_to_group(
                office, world.township, rep_id=reps[i].id, group_id=group.id, role="leader"
            )
            groups.append(group.id)
        session = service.create_session(
            office,
            world.township,
            SessionInput(
                title="第十三届党代表大会第二次会议", held_on=SESSION_DAY, place="镇会议中心"
            ),
        )
        return Cast([r.id for r in reps], [actor(u) for u in users], users, groups, session.id)


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
