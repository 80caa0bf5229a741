"""Fixtures of the consultations tests: the real module in the registry, switched on for every
township of the world, a fixed clock, and our township's representatives: twelve with an
account, one without an account but with a phone, one with neither, one whose term ended, and a
group of five."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.consultations import service
from lianxin.modules.consultations.inputs import ConsultationInput
from lianxin.people import service as people
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, make_represented
from tests.helpers import Clock

TODAY = date(2026, 6, 10)  # a Wednesday


@pytest.fixture
def app_modules():
    from lianxin.modules.consultations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "consultations")
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
class Reps:
    accounts: list[Any]  # Representatives with an account
    users: list[Any]  # their users
    phone_only: Any  # no account, a phone
    unreachable: Any  # no account, no phone
    ended: Any
    group_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    def ids(self, n: int) -> list[int]:
        return [r.id for r in self.accounts[:n]]


def _rep(name: str, phone: str | None = None, **more: Any) -> Representative:
    rep = Representative(
        name=name,
        name_pinyin=name,
        name_initials="x",
        gender="男",
        birth_date=date(1970, 1, 1),
        education="大学本科",
        category="农民",
        term=13,
        phone=phone,
        **more,
    )
    db.session.add(rep)
    return rep


@pytest.fixture
def reps(world, office):
    t = world.township
    accounts, users = make_represented(t, 12, "cs.rep.")
    with tenant_context(t.id):
        phone_only = _rep("无账号代表", "13900001111")
        unreachable = _rep("无电话代表")
        ended = _rep("已离任代表", status=RepStatus.ENDED, ended_on=date(2025, 1, 1))
        db.session.flush()
        group = people.create_group(office, t, people.GroupInput(name="第一代表小组"))
        for rep in (*accounts[:3], phone_only, unreachable):
            people.assign_to_group(office, t, rep_id=rep.id, group_id=group.id)
        db.session.commit()
        group_id = group.id
    return Reps(accounts, users, phone_only, unreachable, ended, group_id)


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township


def opinion_input(rep_ids: list[int], **more: Any) -> ConsultationInput:
    values: dict[str, Any] = {
        "title": "关于镇村道路改造方案的征求意见",
        "kind": "plan",
        "deadline": TODAY + timedelta(days=5),
        "body": "方案全文……",
        "representative_ids": rep_ids,
    }
    values.update(more)
    return ConsultationInput(**values)


def open_one(office: Any, township: Any, rep_ids: list[int], **more: Any) -> service.Opened:
    return service.open_consultation(office, township, opinion_input(rep_ids, **more))
