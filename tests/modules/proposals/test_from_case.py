"""A case page offers its receiving representative to turn it into a proposal draft."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.proposals.models import Proposal, ProposalCase
from tests.helpers import login


def test_case_page_turns_a_case_into_a_draft(clock, world, cast, office, client):
    with tenant_context(world.township.id):
        new = casework.register(
            office,
            world.township,
            casework.CaseInput(
                title="北片三个村没有公交站",
                body="老人看病出行困难",
                channel="phone",
                raiser_phone="13900139000",
                received_by_id=cast.reps[0],
            ),
        )
        case_id = new.case.id
    slug = world.township.slug
    login(client, world.users["township_staff"])
    assert "据此起草" not in client.get(f"/t/{slug}/cases/{case_id}").get_data(as_text=True)
    client.post("/logout")
    login(client, cast.users[0])
    page = client.get(f"/t/{slug}/cases/{case_id}").get_data(as_text=True)
    assert "据此起草" in page
    r = client.post(f"/t/{slug}/proposals/from-case/{case_id}", data={"kind": "suggestion"})
    assert r.status_code == 302
    with tenant_context(world.township.id):
        draft = db.session.scalar(select(Proposal).order_by(Proposal.id.desc()))
        assert (draft.kind, draft.title, draft.state) == (
            "suggestion",
            "北片三个村没有公交站",
            "draft",
        )
        link = db.session.scalar(select(ProposalCase).where(ProposalCase.proposal_id == draft.id))
        assert link.case_id == case_id
    assert r.headers["Location"].endswith(f"/proposals/{draft.id}")
