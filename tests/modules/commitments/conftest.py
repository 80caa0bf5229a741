"""Fixtures of the commitment tests: the real module in the registry, switched on for every
township of the world, a fixed Shanghai clock, and our township's representatives: six in
office with accounts (term 13), reps[0] with a published workplace, reps[1] with a private one,
and one without an account but with a phone."""

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

TODAY = date(2026, 5, 20)  # a Wednesday


@pytest.fixture
def app_modules():
    from lianxin.modules.commitments.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "commitments")
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


@pytest.fixture
def people(world):
    """(reps, users): six representatives with accounts; reps[6] has no account but a phone."""
    reps, users = make_represented(world.township, 6, "cm.rep")
    with tenant_context(world.township.id):
        first = db.session.get(Representative, (world.township.id, reps[0].id))
        first.workplace, first.publish_contact, first.post = "公开单位甲", True, "村党支部书记"
        second = db.session.get(Representative, (world.township.id, reps[1].id))
        second.workplace, second.publish_contact, second.post = "保密单位乙", False, "村委委员"
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
