"""An outcome becomes a real proposal draft (the proposals module), linked from the outcome:
drafted by the group's leader or deputy as its author, in the group's name where the township
allows it, once; the office (not a representative) is refused and nothing is saved; the draft is
refused where the proposals module is off."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    ActivityInput,
    OutcomeInput,
    OutcomeProposalInput,
)
from lianxin.modules.group_activities.models import Outcome, OutcomeState
from lianxin.modules.proposals import service as proposals
from lianxin.modules.proposals.models import Proposal
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.modules.group_activities.conftest import TODAY

BASE = "/t/jia-zhen/group_activities"
API = "/api/v1/t/jia-zhen/group_activities"


def _activity(who, township, group_id):
    data = ActivityInput("修路座谈", TODAY, None, "村委会", "群众反映村道破损", [])
    return service.record_activity(who, township, group_id, data, today=TODAY)


def test_a_proposal_outcome_is_a_draft_in_the_groups_name(
    world, clock, office, people, proposals_on, tctx
):
    reps, users, (one, _two) = people
    leader = actor(users[0])
    activity = _activity(office, tctx, one)
    row = service.record_outcome(
        leader, tctx, activity.id, OutcomeInput("关于修缮村道的建议\n村道破损严重", "proposal")
    )
    assert row.state == OutcomeState.PROPOSAL and row.proposal_id is not None
    draft = proposals.get_proposal(leader, tctx, row.proposal_id)
    assert draft.state == "draft" and draft.author_id == reps[0].id
    assert draft.title == "关于修缮村道的建议" and "村道破损严重" in draft.body
    assert draft.group_id == one and draft.group_discussed_on == TODAY
    with pytest.raises(service.GroupRuleBroken):  # once
        service.outcome_to_proposal(leader, tctx, row.id, OutcomeProposalInput())


def test_a_pending_outcome_is_drafted_later_as_a_suggestion(
    world, clock, office, people, proposals_on, tctx
):
    _reps, users, (one, _two) = people
    activity = _activity(office, tctx, one)
    row = service.record_outcome(office, tctx, activity.id, OutcomeInput("路灯"))
    with pytest.raises(service.GroupRuleBroken):  # the office is no representative: no author
        service.outcome_to_proposal(office, tctx, row.id, OutcomeProposalInput())
    made = service.outcome_to_proposal(
        actor(users[0]), tctx, row.id, OutcomeProposalInput("suggestion", "增设路灯")
    )
    draft = proposals.get_proposal(actor(users[0]), tctx, made)
    assert (draft.kind, draft.title, draft.group_id) == ("suggestion", "增设路灯", None)
    assert row.proposal_id == made and row.state == OutcomeState.PROPOSAL


def test_refused_drafts_leave_nothing(world, clock, office, people, proposals_on, tctx):
    _reps, users, (one, _two) = people
    activity = _activity(office, tctx, one)
    db.session.commit()
    with pytest.raises(service.GroupRuleBroken):  # the office records a proposal outcome
        service.record_outcome(office, tctx, activity.id, OutcomeInput("建议", "proposal"))
    assert db.session.scalars(select(Outcome)).all() == []
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "proposals", {"allow_groups": False}
    )
    row = service.record_outcome(actor(users[0]), tctx, activity.id, OutcomeInput("x", "proposal"))
    assert db.session.get(Proposal, (tctx.id, row.proposal_id)).group_id is None  # personal
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.township_id == tctx.id, TownshipModule.module_key == "proposals")
        .values(enabled=False)
    )
    db.session.commit()
    with pytest.raises(service.GroupRuleBroken):
        service.record_outcome(actor(users[0]), tctx, activity.id, OutcomeInput("y", "proposal"))
    assert db.session.scalar(select(Outcome).where(Outcome.text == "y")) is None


def test_the_pages_and_the_api(world, clock, office, people, proposals_on, client):
    _reps, users, (one, _two) = people
    with tenant_context(world.township.id):
        activity_id = _activity(office, world.township, one).id
        pending = service.record_outcome(office, world.township, activity_id, OutcomeInput("a"))
        other = service.record_outcome(office, world.township, activity_id, OutcomeInput("b"))
        db.session.commit()
        pending_id, other_id = pending.id, other.id
    login(client, users[0])
    page = client.get(f"{BASE}/activities/{activity_id}").get_data(as_text=True)
    assert "起草建议草稿" in page
    client.post(f"{BASE}/outcomes/{pending_id}/proposal", data={"kind": "proposal"})
    page = client.get(f"{BASE}/activities/{activity_id}").get_data(as_text=True)
    assert "查看建议草稿" in page
    with tenant_context(world.township.id):
        proposal_id = db.session.get(Outcome, (world.township.id, pending_id)).proposal_id
    assert proposal_id is not None and f"/proposals/{proposal_id}" in page
    made = client.post(f"{API}/outcomes/{other_id}/proposal", json={}, headers=bearer(users[0]))
    assert made.status_code == 201 and made.get_json()["proposal_id"] is not None
    again = client.post(f"{API}/outcomes/{other_id}/proposal", json={}, headers=bearer(users[0]))
    assert_error(again, 409, "group_activity_rule")
    refused = client.post(
        f"{API}/activities/{activity_id}/outcomes",
        json={"text": "c", "state": "proposal"},
        headers=bearer(world.users["township_staff"]),
    )
    assert_error(refused, 409, "group_activity_rule")
