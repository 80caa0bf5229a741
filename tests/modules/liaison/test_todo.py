"""The liaison chain on the to-do home: a branch liaison (and the office) the branches' parts to
confirm; each person their pairs to contact this quarter, their report and meetings, urgent in
the quarter's last days. Nobody sees another's, and no other township counts."""

from __future__ import annotations

from datetime import date

from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison import service, todo
from tests.factories import actor
from tests.modules.liaison.test_service import YEAR, _contact, _link


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_the_branch_liaison_confirms_their_branch_and_the_office_sees_every_branch(
    app, clock, world, chain, office, tctx
):
    _link(office, tctx, "rep_member", chain.reps["a"], chain.members["m1"])  # east
    _link(office, tctx, "member_household", chain.members["m6"], chain.households["h5"])  # west
    liaison = actor(world.users["branch_liaison"])  # of the east branch
    assert set(_items(app, liaison, tctx)) == {"liaison.confirm"}
    assert _items(app, liaison, tctx)["liaison.confirm"].count == 1
    assert _items(app, office, tctx)["liaison.confirm"].count == 2
    assert (
        _items(app, office, tctx)["liaison.confirm"].url
        == f"/t/{tctx.slug}/liaison/links?year={YEAR}"
    )
    service.confirm_branch(liaison, tctx, YEAR, chain.branches["east"].id)
    assert _items(app, liaison, tctx) == {}
    assert _items(app, office, tctx)["liaison.confirm"].count == 1
    with tenant_context(world.other.id):
        assert _items(app, actor(world.users["other_admin"]), world.other) == {}


def test_a_persons_own_pairs_report_and_meetings_this_quarter(
    app, clock, world, chain, office, tctx
):
    to_a = _link(office, tctx, "committee_rep", chain.committee["wang"], chain.reps["a"])
    a_to_m1 = _link(office, tctx, "rep_member", chain.reps["a"], chain.members["m1"])
    rep_a = actor(world.users["representative"])  # rep a's account
    wang = chain.actor("wang")

    mine = _items(app, rep_a, tctx)
    assert {"liaison.contacts", "liaison.report"} <= set(mine)
    assert mine["liaison.contacts"].count == 1 and not mine["liaison.contacts"].urgent
    assert "liaison.confirm" not in mine and "liaison.meetings" not in mine
    assert _items(app, wang, tctx)["liaison.contacts"].count == 1

    _contact(rep_a, tctx, a_to_m1, date(2026, 5, 18), "todo-key-1")
    assert "liaison.contacts" not in _items(app, rep_a, tctx)
    assert _items(app, wang, tctx)["liaison.contacts"].count == 1  # Wang's own pair is still due
    _contact(wang, tctx, to_a, date(2026, 5, 19), "todo-key-2")
    assert "liaison.contacts" not in _items(app, wang, tctx)

    clock.today = date(2026, 6, 28)  # the quarter's last days: what is left is urgent
    assert _items(app, rep_a, tctx)["liaison.report"].urgent
