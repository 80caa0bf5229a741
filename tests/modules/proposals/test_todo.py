"""The proposals on the to-do home, along one proposal's life: the invited representatives'
invitations; the office's review, assignment and extension requests; a unit's assignment with
its due date (urgent when close); the author's answer to rate. Each line only for whom it
waits."""

from __future__ import annotations

from datetime import date

from lianxin.db.tenancy import tenant_context
from lianxin.modules.proposals import service, todo
from lianxin.modules.proposals.inputs import AssignInput
from tests.factories import actor
from tests.modules.proposals.test_service import _draft


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_one_proposal_waits_for_each_in_turn(app, clock, cast, tctx, office, world):
    roads, roads_actor = cast.units["roads"]
    _farm, farm_actor = cast.units["farm"]
    author, invited = cast.actors[0], cast.actors[1:10]
    page = f"/t/{tctx.slug}/proposals"
    proposal = _draft(cast, tctx)
    service.invite(author, tctx, proposal.id, cast.reps[1:10])
    line = _items(app, invited[0], tctx)["proposals.invitations"]
    assert line.count == 1 and line.url == f"{page}/{proposal.id}"
    assert _items(app, author, tctx) == {}
    assert _items(app, cast.actors[10], tctx) == {}  # not invited
    for signer in invited:
        service.sign(signer, tctx, proposal.id)
    assert _items(app, invited[0], tctx) == {}

    service.submit(author, tctx, proposal.id)
    assert set(_items(app, office, tctx)) == {"proposals.to_review"}
    for who in (author, roads_actor, actor(world.users["committee_member"])):
        assert _items(app, who, tctx) == {}
    service.accept(office, tctx, proposal.id, complexity="simple")
    assert set(_items(app, office, tctx)) == {"proposals.to_assign"}

    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=roads))
    assert _items(app, office, tctx) == {}
    assigned = _items(app, roads_actor, tctx)["proposals.unit"]
    assert assigned.count == 1 and assigned.due_on == date(2026, 3, 12)
    assert assigned.url == f"{page}/{proposal.id}" and not assigned.urgent
    assert _items(app, farm_actor, tctx) == {}
    clock.today = date(2026, 3, 10)  # within the warning days
    assert _items(app, roads_actor, tctx)["proposals.unit"].urgent

    service.request_extension(roads_actor, tctx, proposal.id, 5, "需要实地调研")
    assert set(_items(app, office, tctx)) == {"proposals.extensions"}
    extension = service.extensions(office, tctx, proposal.id)[0]
    service.decide_extension(office, tctx, extension.id, approve=True)
    service.contact_author(roads_actor, tctx, proposal.id, "电话联系了领衔代表")
    service.answer(roads_actor, tctx, proposal.id, "已列入年度计划")
    assert _items(app, roads_actor, tctx) == {}
    rate = _items(app, author, tctx)["proposals.to_rate"]
    assert rate.count == 1 and rate.url == f"{page}/{proposal.id}"
    service.rate(author, tctx, proposal.id, "satisfied")
    assert _items(app, author, tctx) == {}
    with tenant_context(world.other.id):
        assert _items(app, actor(world.users["other_admin"]), world.other) == {}
