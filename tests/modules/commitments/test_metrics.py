"""The county's figures: commitments made in the period, the kept rate among those closed
(n: closed; no close is no data, never 0 %), and those that fell due unclosed."""

from __future__ import annotations

from datetime import date, timedelta

from lianxin.modules.commitments import metrics, service
from lianxin.modules.commitments.inputs import CloseInput, CommitmentInput
from lianxin.modules.commitments.module import MODULE
from tests.modules.commitments.conftest import TODAY


def _made(office, township, rep, due_on):
    return service.create_commitment(
        office,
        township,
        CommitmentInput(year=2026, content="承诺", due_on=due_on, representative_id=rep.id),
    )


def test_made_kept_and_overdue(world, clock, office, people, tctx):
    reps, _users = people
    assert {m.key for m in MODULE.metrics.metrics} == {
        "commitments_made",
        "commitments_kept",
        "commitments_overdue",
    }
    year = (date(2026, 1, 1), date(2027, 1, 1))
    empty = metrics.figures(*year)
    assert empty["commitments_kept"].value is None and empty["commitments_made"].value == 0
    a = _made(office, tctx, reps[0], TODAY)
    b = _made(office, tctx, reps[1], TODAY)
    _made(office, tctx, reps[2], TODAY + timedelta(days=30))
    clock.today = TODAY + timedelta(days=1)
    service.close_commitment(office, tctx, a.id, CloseInput(True, "完成"))
    figures = metrics.figures(*year)
    assert figures["commitments_made"].value == 3
    assert figures["commitments_kept"].value == 1.0 and figures["commitments_kept"].n == 1
    # b fell due yesterday and is open; a was closed after its deadline: both count.
    assert figures["commitments_overdue"].value == 2
    service.close_commitment(office, tctx, b.id, CloseInput(False, "未完成"))
    figures = metrics.figures(*year)
    assert figures["commitments_kept"].value == 0.5 and figures["commitments_kept"].n == 2
    assert metrics.figures(date(2025, 1, 1), date(2026, 1, 1))["commitments_made"].value == 0
