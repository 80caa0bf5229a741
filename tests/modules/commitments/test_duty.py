"""The duty-record lines (registry.DutySet): made, kept (done) and not kept (missed) by the
deadline's period, batched for the whole roster in a fixed number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from lianxin.db import db
from lianxin.modules.commitments import service
from lianxin.modules.commitments.duty import COMMITMENT_DUTY, KEPT, MADE, NOT_KEPT
from lianxin.modules.commitments.inputs import CloseInput, CommitmentInput
from lianxin.modules.commitments.module import MODULE
from tests.factories import actor
from tests.modules.commitments.conftest import TODAY


@contextmanager
def statements():
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    bind = db.session.get_bind()
    engine = getattr(bind, "engine", bind)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def _made(office, township, rep, due_on, content, close=None):
    row = service.create_commitment(
        office,
        township,
        CommitmentInput(year=due_on.year, content=content, due_on=due_on, representative_id=rep.id),
    )
    if close is not None:
        service.close_commitment(office, township, row.id, CloseInput(close, "评定"), today=due_on)
    return row


def test_the_lines_of_several_representatives(world, clock, office, people, tctx):
    reps, users = people
    assert MODULE.duty is COMMITMENT_DUTY
    assert {i.key for i in COMMITMENT_DUTY.items} == {MADE, KEPT, NOT_KEPT}
    assert next(i for i in COMMITMENT_DUTY.items if i.key == NOT_KEPT).kind == "missed"
    _made(office, tctx, reps[0], date(2026, 6, 30), "修通村道", close=True)
    _made(office, tctx, reps[0], date(2026, 7, 31), "建电商服务点", close=False)
    _made(office, tctx, reps[0], date(2026, 12, 20), "走访困难群众")
    _made(office, tctx, reps[1], date(2026, 8, 1), "调解纠纷", close=True)
    service.create_commitment(  # waiting for approval: not on the record
        actor(users[2]),
        tctx,
        CommitmentInput(year=2026, content="待审", due_on=date(2026, 8, 1)),
    )
    ids = [r.id for r in reps]
    lines = COMMITMENT_DUTY.compute(date(2026, 1, 1), date(2027, 1, 1), ids)
    first = lines[reps[0].id]
    assert first[MADE].count == 3 and first[KEPT].count == 1 and first[NOT_KEPT].count == 1
    assert "承诺：修通村道（已兑现）" in first[KEPT].details
    assert "承诺：建电商服务点（未兑现）" in first[NOT_KEPT].details
    assert "承诺：走访困难群众（进行中）" in first[MADE].details
    assert lines[reps[1].id][KEPT].count == 1 and NOT_KEPT not in lines[reps[1].id]
    assert reps[2].id not in lines and reps[3].id not in lines
    # The period is the deadline's: the first half-year has only the June one.
    half = COMMITMENT_DUTY.compute(date(2026, 1, 1), date(2026, 7, 1), ids)
    assert half[reps[0].id][MADE].count == 1 and reps[1].id not in half


def test_a_fixed_number_of_queries_whatever_the_batch(world, clock, office, people, tctx):
    reps, _users = people
    for i, rep in enumerate(reps):
        _made(office, tctx, rep, TODAY + timedelta(days=10 + i), f"承诺{i}", close=i % 2 == 0)
    with statements() as one:
        COMMITMENT_DUTY.compute(date(2026, 1, 1), date(2027, 1, 1), [reps[0].id])
    with statements() as all_of_them:
        lines = COMMITMENT_DUTY.compute(date(2026, 1, 1), date(2027, 1, 1), [r.id for r in reps])
    assert len(lines) == len(reps)
    reads = lambda seen: [s for s in seen if "cm_" in s or "representatives" in s]  # noqa: E731
    assert len(reads(all_of_them)) == len(reads(one)) == 1
    assert COMMITMENT_DUTY.compute(date(2026, 1, 1), date(2027, 1, 1), []) == {}
