"""The proposals list shows each assigned proposal's deadline (issue 21: on a phone the state and
the due date come first on each card): the earliest due date of the units still at work on it,
and, once it has passed, the word 逾期 beside it (not a colour alone)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import AssignInput, DraftInput
from tests.helpers import login

BODY = DraftInput(kind="proposal", title="关于修建便民桥的提案", body="……", category="其他")


def _assigned(cast, tctx, office) -> int:
    proposal = service.create_draft(cast.actors[0], tctx, BODY)
    service.invite(cast.actors[0], tctx, proposal.id, cast.reps[1:10])
    for i in range(1, 10):
        service.sign(cast.actors[i], tctx, proposal.id)
    service.submit(cast.actors[0], tctx, proposal.id)
    service.accept(office, tctx, proposal.id, complexity="simple")
    service.assign(
        office,
        tctx,
        proposal.id,
        AssignInput(lead_unit_id=cast.units["roads"][0], co_unit_ids=[cast.units["farm"][0]]),
    )
    return proposal.id


def _row(page: str, proposal_id: int) -> str:
    return page.split(f'id="proposal-{proposal_id}"')[1].split("</tr>")[0]


def test_the_list_shows_the_deadline_and_says_overdue(app, clock, world, cast, office, tctx):
    assigned = _assigned(cast, tctx, office)
    draft = service.create_draft(cast.actors[0], tctx, BODY).id
    due = min(a.due_on for a in service.assignments(office, tctx, assigned))
    listed = service.due_of(tctx, service.list_proposals(cast.actors[0], tctx, mine=True))
    assert set(listed) == {assigned}  # a draft has no deadline
    assert listed[assigned].due_on == due and not listed[assigned].overdue

    client = app.test_client()
    login(client, world.users["township_staff"])
    url = f"/t/{world.township.slug}/proposals/"
    row = _row(client.get(url).get_data(as_text=True), assigned)
    assert f'<span class="due-on">{due.isoformat()}</span>' in row and "逾期" not in row
    assert 'class="lx-state"' in row and 'class="lx-due"' in row
    author = app.test_client()
    login(author, cast.users[0])
    mine = author.get(url, query_string={"mine": "1"}).get_data(as_text=True)
    assert re.search(r'class="lx-due"[^>]*><span class="muted">—', _row(mine, draft))

    clock.today = due + timedelta(days=1)
    row = _row(client.get(url).get_data(as_text=True), assigned)
    assert "逾期" in row
    assert service.due_of(tctx, service.list_proposals(office, tctx))[assigned].overdue


def test_nothing_listed_nothing_read(app, clock, world, tctx):
    assert service.due_of(tctx, [], today=date(2026, 3, 2)) == {}
