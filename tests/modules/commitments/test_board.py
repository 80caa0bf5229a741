"""The board's status on the Shanghai date (a deadline's day is still 进行中 until midnight in
Shanghai, whatever the server's clock), and of the representative only what the viewer may
see: the workplace is public only where the representative agreed to publish it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from lianxin.modules.commitments import service
from lianxin.modules.commitments.inputs import CloseInput, CommitmentInput
from lianxin.people.privacy import PUBLIC, viewer_for
from tests.factories import actor
from tests.modules.commitments.conftest import TODAY


def _approved(office, township, rep, due_on, content="承诺事项"):
    return service.create_commitment(
        office,
        township,
        CommitmentInput(year=due_on.year, content=content, due_on=due_on, representative_id=rep.id),
        today=TODAY,
    )


def test_overdue_from_shanghai_midnight(world, office, people, tctx):
    reps, _users = people
    row = _approved(office, tctx, reps[2], date(2026, 5, 20))
    # 15:59 UTC is 23:59 in Shanghai on the deadline's day: still under way.
    with time_machine.travel(datetime(2026, 5, 20, 15, 59, tzinfo=UTC), tick=False):
        [line] = service.board(tctx, PUBLIC, 2026)
        assert line.state == service.ON_TRACK
    # 16:00 UTC is already 21 May in Shanghai (and still 20 May in UTC): overdue.
    with time_machine.travel(datetime(2026, 5, 20, 16, 0, tzinfo=UTC), tick=False):
        [line] = service.board(tctx, PUBLIC, 2026)
        assert line.state == service.OVERDUE
        assert service.tally([line]) == {service.OVERDUE: 1}
    service.close_commitment(office, tctx, row.id, CloseInput(True, "完成"), today=TODAY)
    [line] = service.board(tctx, PUBLIC, 2026)
    assert line.state == "kept"


def test_the_workplace_only_where_published(world, clock, office, people, tctx):
    reps, users = people
    _approved(office, tctx, reps[0], date(2026, 9, 1), "甲的承诺")
    _approved(office, tctx, reps[1], date(2026, 9, 1), "乙的承诺")
    service.create_commitment(  # waiting: never on the board
        actor(users[3]),
        tctx,
        CommitmentInput(year=2026, content="待审的承诺", due_on=date(2026, 9, 1)),
    )
    public = {r.representative_id: r for r in service.board(tctx, PUBLIC, 2026)}
    assert set(public) == {reps[0].id, reps[1].id}
    assert public[reps[0].id].workplace == "公开单位甲"
    assert public[reps[1].id].workplace is None  # not published: hidden from the public
    assert public[reps[1].id].post == "村委委员" and public[reps[1].id].name == reps[1].name
    member = viewer_for(actor(users[4]), tctx.id)
    assert service.board(tctx, member, 2026)[1].workplace is None
    office_view = {
        r.representative_id: r for r in service.board(tctx, viewer_for(office, tctx.id), 2026)
    }
    assert office_view[reps[1].id].workplace == "保密单位乙"
    assert service.board(tctx, PUBLIC, 2025) == []
