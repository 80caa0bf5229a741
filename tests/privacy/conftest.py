"""A township with a former representative who had an account, a representative in office, a
member of the public who raised cases (one in another township from the same number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from lianxin.auth.roles import Role
from lianxin.casework import service as cases
from lianxin.casework.models import CaseEvent
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import GroupMembership, Representative, RepresentativeGroup, RepStatus
from tests.factories import actor, grant, make_user

FORMER_NAME = "欧阳秀英"
FORMER_PHONE = "13912345678"
FORMER_WORKPLACE = "东关村股份经济合作社"
SITTING_NAME = "司马在任"
PUBLIC_NAME = "诸葛大爷"
PUBLIC_PHONE = "13800001111"

CASE = {
    "channel": "regular_visit",
    "title": "村道路灯不亮",
    "body": "东关村3组路灯坏了两个月。",
    "category": "基础设施",
}


@dataclass
class People:
    former_id: int
    former_user_id: int
    sitting_id: int
    received_case_id: int  # raised by the public, received by the former representative
    own_case_id: int  # raised by the former representative from their own number
    public_case_ids: list[int]
    other_case_id: int  # the same number, in the other township


def _rep(name: str, phone: str | None, **fields) -> Representative:
    rep = Representative(
        name=name,
        name_pinyin=name,
        name_initials="x",
        gender="female",
        birth_date=date(1980, 5, 6),
        education="bachelor",
        category="farmer",
        term=13,
        phone=phone,
        **fields,
    )
    db.session.add(rep)
    return rep


@pytest.fixture
def people(app, world) -> People:
    t, o = world.township, world.other
    office = actor(world.users["township_staff"])
    user = make_user("ouyang.xy", name=FORMER_NAME, phone=FORMER_PHONE, email="oy@example.cn")
    grant(user, Role.REPRESENTATIVE, township=t)
    with tenant_context(t.id):
        group = RepresentativeGroup(name="东关组")
        db.session.add(group)
        former = _rep(
            FORMER_NAME,
            FORMER_PHONE,
            workplace=FORMER_WORKPLACE,
            post="村党支部书记",
            status=RepStatus.ENDED,
            ended_reason="transferred",
            ended_on=date(2025, 6, 30),
            ended_note=f"{FORMER_NAME}调任县城",
            user_id=user.id,
        )
        sitting = _rep(SITTING_NAME, "13700007777")
        db.session.flush()
        db.session.add(
            GroupMembership(
                group_id=group.id,
                representative_id=former.id,
                started_on=date(2022, 1, 1),
                ended_on=date(2025, 6, 30),
            )
        )
        public = dict(CASE, raiser_name=PUBLIC_NAME, raiser_phone=PUBLIC_PHONE)
        received = cases.register(office, t, cases.CaseInput(**public)).case
        received.received_by_id = former.id
        second = cases.register(office, t, cases.CaseInput(**public)).case
        own = cases.register(
            office,
            t,
            cases.CaseInput(**dict(CASE, raiser_name=FORMER_NAME, raiser_phone=FORMER_PHONE)),
        ).case
        db.session.add(
            CaseEvent(
                case_id=received.id,
                action="note",
                actor_user_id=user.id,
                actor_name=FORMER_NAME,
                note="已电话回访",
            )
        )
        db.session.commit()
        ids = (former.id, sitting.id, received.id, own.id, second.id)
    with tenant_context(o.id):
        other = cases.register(
            actor(world.users["other_admin"]),
            o,
            cases.CaseInput(**dict(CASE, raiser_name=PUBLIC_NAME, raiser_phone=PUBLIC_PHONE)),
        ).case
        db.session.commit()
        other_id = other.id
    return People(ids[0], user.id, ids[1], ids[2], ids[3], [ids[2], ids[4]], other_id)
