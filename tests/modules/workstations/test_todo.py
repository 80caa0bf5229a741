"""The workstations on the to-do home: the office's shifts to publish (urgent inside the lead
time) and commitments past their deadline; a representative's next shift and open commitments.
Nobody else, and no other township, sees them."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations import todo
from lianxin.modules.workstations.inputs import CommitmentInput, RosterPublishInput
from tests.factories import actor, grant, make_user
from tests.modules.workstations.test_service import shift, station_input


@pytest.fixture
def station(world, office, reps, tctx):
    made = ws.create_station(office, tctx, station_input())
    ws.set_representatives(office, tctx, made.id, [reps["a"].id, reps["b"].id])
    return made


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_the_roster_to_publish_and_a_representatives_next_shift(
    app, world, office, reps, tctx, station, today
):
    user = make_user("ws.todo.a")
    grant(user, Role.REPRESENTATIVE, township=world.township)
    reps["a"].user_id = user.id
    db.session.commit()
    rep = actor(user)
    near = shift(office, tctx, station, reps["a"], date(2025, 9, 29))  # inside the lead time
    shift(office, tctx, station, reps["a"], date(2025, 10, 9))
    shift(office, tctx, station, reps["b"], date(2025, 10, 10))

    waiting = _items(app, office, tctx)
    assert set(waiting) == {"workstations.roster"}
    roster = waiting["workstations.roster"]
    assert roster.count == 3 and roster.due_on == near.day and roster.urgent
    assert roster.url == f"/t/{tctx.slug}/workstations/{station.id}"  # the one station
    assert _items(app, rep, tctx) == {}  # nothing published: no shift to tell of yet

    ws.publish_roster(
        office, tctx, station.id, RosterPublishInput(date(2025, 9, 30), date(2025, 10, 31))
    )
    assert _items(app, office, tctx)["workstations.roster"].count == 1
    mine = _items(app, rep, tctx)
    assert set(mine) == {"workstations.next_shift"}
    assert mine["workstations.next_shift"].count == 1
    assert "10月9日" in str(mine["workstations.next_shift"].note)
    assert str(station.name) in str(mine["workstations.next_shift"].note)
    for key in ("committee_member", "branch_liaison", "representative", "handling_unit"):
        assert _items(app, actor(world.users[key]), tctx) == {}
    with tenant_context(world.other.id):
        assert _items(app, actor(world.users["other_admin"]), world.other) == {}


def test_commitments_past_their_deadline_and_a_representatives_open_ones(
    app, world, office, reps, tctx, station, today
):
    user = make_user("ws.todo.b")
    grant(user, Role.REPRESENTATIVE, township=world.township)
    reps["b"].user_id = user.id
    db.session.commit()
    ws.add_commitment(office, tctx, CommitmentInput(reps["b"].id, "修好村口路灯", date(2025, 9, 1)))
    ws.add_commitment(office, tctx, CommitmentInput(reps["b"].id, "走访困难户", date(2025, 12, 1)))
    kept = ws.add_commitment(office, tctx, CommitmentInput(reps["a"].id, "已办", date(2025, 9, 2)))
    kept.outcome = "已完成"
    db.session.commit()

    late = _items(app, office, tctx)["workstations.commitments_overdue"]
    assert late.count == 1 and late.urgent
    mine = _items(app, actor(user), tctx)
    assert set(mine) == {"workstations.my_commitments"}
    assert mine["workstations.my_commitments"].count == 2
    assert mine["workstations.my_commitments"].due_on == date(2025, 9, 1)
    assert mine["workstations.my_commitments"].url.endswith(f"/workstations/{station.id}")
