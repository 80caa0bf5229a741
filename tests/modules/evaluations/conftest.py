"""Fixtures of the evaluations tests: the real module in the registry and switched on (with
the modules a test file names in `modules_on`, the one place that says which), a fixed clock
inside the default December–January period, thirty representatives with accounts, and two
committee members with accounts."""

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
from lianxin.people.models import Representative
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, batched, grant, make_user
from tests.helpers import Clock

TODAY = date(2025, 12, 15)


@pytest.fixture
def modules_on() -> tuple[Any, ...]:
    """The modules a test file needs beside evaluations (their `MODULE` specs): registered in
    the app after it and switched on with it in every township of the world. A file overrides
    this fixture only — never `app_modules` or `world` — e.g. with the annual sessions, the
    commitments or the trainings."""
    return ()


@pytest.fixture
def app_modules(modules_on):
    from lianxin.modules.evaluations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE, *modules_on)


@pytest.fixture
def world(app, modules_on):
    """The world with evaluations and `modules_on` switched on in every township."""
    from tests.factories import build_world

    built = build_world()
    keys = ("evaluations", *(spec.key for spec in modules_on))
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key.in_(keys)).values(enabled=True)
    )
    db.session.commit()
    return built


def switch_module(township: Any, key: str, *, on: bool) -> None:
    """Switch one module on or off in one township only (committed); the others keep theirs."""
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.township_id == township.id, TownshipModule.module_key == key)
        .values(enabled=on)
    )
    db.session.commit()


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
    reps: list[int]
    users: list[Any]
    actors: list[Any]
    members: list[Any]  # two committee members (users)


@pytest.fixture
def cast(world, clock):
    reps, users = [], []
    with tenant_context(world.township.id):
        for i in range(30):
            rep = Representative(
                name=f"评议人{i:02d}",
                name_pinyin=f"pingyiren{i:02d}",
                name_initials="pyr",
                gender="女",
                birth_date=date(1975, 1, 1),
                education="大学本科",
                category="农民",
                term=13,
                branch_id=world.branches["t"].id,
            )
            db.session.add(rep)
            reps.append(rep)
        db.session.flush()
        with batched():  # one commit for the accounts, not two per account
            for i, rep in enumerate(reps):
                user = make_user(f"ev.rep{i}")
                grant(user, Role.REPRESENTATIVE, township=world.township)
                rep.user_id = user.id
                users.append(user)
            members = []
            for name in ("ev.member.a", "ev.member.b"):
                user = make_user(name)
                grant(user, Role.COMMITTEE_MEMBER, township=world.township)
                members.append(user)
        db.session.commit()
        return Cast([r.id for r in reps], users, [actor(u) for u in users], members)


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
