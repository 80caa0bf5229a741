"""Fixtures of the training tests: the real module in the registry, switched on for every
township of the world, a fixed Shanghai clock, and our township's representatives: six in
office with accounts (term 13), one of them of the world's branch, one without an account."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, make_represented
from tests.helpers import Clock

TODAY = date(2026, 5, 20)  # a Wednesday, in the second quarter


@pytest.fixture
def app_modules():
    from lianxin.modules.trainings.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "trainings").values(enabled=True)
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


@pytest.fixture
def people(world):
    """(reps, users): six representatives with accounts; reps[0] is of the world's branch;
    reps[6] has no account but a phone."""
    reps, users = make_represented(world.township, 6, "tr.rep")
    with tenant_context(world.township.id):
        db.session.get(Representative, (world.township.id, reps[0].id)).branch_id = world.branches[
            "t"
        ].id
        phone_only = Representative(
            name="赵无号",
            name_pinyin="zzz",
            name_initials="zwh",
            gender="男",
            birth_date=date(1970, 1, 1),
            education="高中",
            category="农民",
            term=13,
            phone="13800138000",
        )
        db.session.add(phone_only)
        db.session.commit()
        reps.append(phone_only)
    return reps, users


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
