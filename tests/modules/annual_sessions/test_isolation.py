"""The foundation's cross-township walk, with the annual-session module in the registry and
switched on, and in every township a representative, a group, a session (open) with an item on
its agenda that a representative and a group proposed, an attendance row, a named vote cast, a
closed election with a candidate, a secret ballot's receipt, its released ballot and a sealed
one still in the pool, and a published resolution — so that every id the walk sends from 乙镇
names a real row."""

from __future__ import annotations

import os
from datetime import date

import pytest

from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import (
    Attendance,
    Ballot,
    Candidate,
    Item,
    ItemGroup,
    ItemSupporter,
    NamedVote,
    Observer,
    PooledBallot,
    Receipt,
    Resolution,
    Session,
    Vote,
)
from lianxin.people.models import Representative, RepresentativeGroup
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)

# 乙镇's and 远镇's rows take ids far above anything of 甲镇 (in any table, global ones included),
# so that every route is walked with an id that names a real row of 乙镇 and nothing of 甲镇.
FOREIGN_BASE = {"乙镇": 700_000, "远镇": 800_000}


def _rows(township):
    base = FOREIGN_BASE.get(township.name)

    def own(k):
        return {} if base is None else {"id": base + k}

    mark = f"{township.name}专属"
    rep = Representative(
        **own(1),
        name=f"{mark}代表",
        name_pinyin="daibiao",
        name_initials="db",
        gender="男",
        birth_date=date(1970, 1, 1),
        education="大学本科",
        category="农民",
        term=13,
    )
    group = RepresentativeGroup(**own(1), name=f"{mark}代表小组")
    session = Session(
        **own(1),
        title=f"{mark}年会",
        held_on=date(2026, 3, 20),
        place=f"{mark}会场",
        state="open",
        checkin_token=f"{mark}签到码",
        expected_count=1,
    )
    db.session.add_all([rep, group, session])
    db.session.flush()
    motion = Item(
        **own(1),
        session_id=session.id,
        title=f"{mark}议题",
        description=f"{mark}说明",
        kind="motion",
        proposer="representatives",
        status="on_agenda",
        by_rule=True,
    )
    election = Item(
        **own(2),
        session_id=session.id,
        title=f"{mark}选举",
        kind="election",
        proposer="group",
        status="on_agenda",
    )
    db.session.add_all([motion, election])
    db.session.flush()
    named = Vote(
        **own(1),
        session_id=session.id,
        item_id=motion.id,
        method="named",
        state="open",
        expected_count=1,
    )
    secret = Vote(
        **own(2),
        session_id=session.id,
        item_id=election.id,
        method="secret",
        channel="online",
        seats=1,
        state="closed",
        expected_count=1,
        result={"ballots": 1, "candidates": {}, "base": 1},
        passed=False,
        closed_at=utcnow(),
    )
    db.session.add_all(
        [
            ItemSupporter(**own(1), item_id=motion.id, representative_id=rep.id),
            ItemGroup(**own(1), item_id=election.id, group_id=group.id),
            Attendance(
                **own(1),
                session_id=session.id,
                representative_id=rep.id,
                status="present",
                leave_reason=f"{mark}请假",
            ),
            named,
            secret,
            Observer(
                **own(1),
                session_id=session.id,
                name=f"{mark}列席人员",
                kind="cppcc_member",
                unit=f"{mark}政协",
            ),
            Resolution(
                **own(1),
                session_id=session.id,
                item_id=motion.id,
                title=f"{mark}决议",
                text=f"{mark}决议内容",
                published_at=utcnow(),
                implementation=f"{mark}落实",
            ),
        ]
    )
    db.session.flush()
    db.session.add_all(
        [
            NamedVote(**own(1), vote_id=named.id, representative_id=rep.id, choice="yes"),
            Candidate(**own(1), vote_id=secret.id, name=f"{mark}候选人", elected=False),
            Receipt(**own(1), vote_id=secret.id, representative_id=rep.id),
            Ballot(
                **own(1), vote_id=secret.id, key=f"{township.id:08d}-0000-4000-8000-000000000001"
            ),
            PooledBallot(**own(1), vote_id=secret.id, sealed=os.urandom(148)),
        ]
    )
    db.session.commit()


@pytest.fixture
def world(world):  # the annual-session conftest's world, plus its rows in every township
    for township in (world.township, world.other, world.far):
        with tenant_context(township.id):
            _rows(township)
    return world


def test_the_walk_sees_annual_session_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    base = "/api/v1/t/<township_slug>/annual_sessions"
    for path in (
        "/sessions",
        "/sessions/<int:session_id>",
        "/sessions/<int:session_id>/open",
        "/sessions/<int:session_id>/documents",
        "/sessions/<int:session_id>/items",
        "/items/<int:item_id>/join-group",
        "/items/<int:item_id>/decision",
        "/sessions/<int:session_id>/attendance/<int:representative_id>/leave-decision",
        "/sessions/<int:session_id>/check-in",
        "/items/<int:item_id>/vote",
        "/votes/<int:vote_id>/ballot",
        "/votes/<int:vote_id>/paper-tally",
        "/votes/<int:vote_id>/result",
        "/resolutions/<int:resolution_id>/published",
        "/sessions/<int:session_id>/report",
        "/sessions/<int:session_id>/proposal-window",
        "/sessions/<int:session_id>/deliveries",
        "/sessions/<int:session_id>/observers",
        "/observers/<int:observer_id>",
        "/observers/<int:observer_id>/check-in",
    ):
        assert base + path in rules, path
