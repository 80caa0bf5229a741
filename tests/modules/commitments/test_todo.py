"""The to-do lines: the office's commitments to approve and overdue ones; a representative's
returned ones, those due within the township's reminder days (N and N+1), and those to report
on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lianxin.db import db
from lianxin.modules.commitments import service, todo
from lianxin.modules.commitments.inputs import CommitmentInput, ProgressInput, ReturnInput
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.modules.commitments.conftest import TODAY


def _keys(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def _write(who, township, due_on, rep_id=None):
    return service.create_commitment(
        who,
        township,
        CommitmentInput(year=2026, content="承诺", due_on=due_on, representative_id=rep_id),
    )


def test_the_office_and_the_representative(app, world, clock, office, people, tctx):
    reps, users = people
    me = actor(users[2])
    assert not _keys(app, office, tctx) and not _keys(app, me, tctx)
    waiting = _write(me, tctx, date(2026, 9, 1))
    lines = _keys(app, office, tctx)
    assert lines["commitments.to_approve"].count == 1
    assert lines["commitments.to_approve"].url.endswith(f"/commitments/{waiting.id}")
    assert "commitments.to_approve" not in _keys(app, me, tctx)  # never office work
    service.return_commitment(office, tctx, waiting.id, ReturnInput("请细化"))
    assert "commitments.returned" in _keys(app, me, tctx)
    # Due in seven days (the default): reminded; in eight: not yet.
    _write(office, tctx, TODAY + timedelta(days=7), rep_id=reps[2].id)
    _write(office, tctx, TODAY + timedelta(days=8), rep_id=reps[2].id)
    soon = _keys(app, me, tctx)["commitments.due_soon"]
    assert soon.count == 1 and soon.urgent and soon.due_on == TODAY + timedelta(days=7)
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "commitments",
        {"remind_days": 8},
    )
    assert _keys(app, me, tctx)["commitments.due_soon"].count == 2
    assert "commitments.overdue" not in _keys(app, office, tctx)
    clock.today = TODAY + timedelta(days=8)  # the first is a day past its deadline
    lines = _keys(app, office, tctx)
    assert lines["commitments.overdue"].count == 1 and lines["commitments.overdue"].urgent
    assert _keys(app, me, tctx)["commitments.to_report"].count == 1
    assert not _keys(app, actor(users[3]), tctx)


def test_a_quiet_quarter_asks_for_a_report(app, world, clock, office, people, tctx):
    reps, users = people
    me = actor(users[2])
    row = _write(office, tctx, date(2026, 12, 20), rep_id=reps[2].id)
    row.approved_at = datetime(2026, 5, 20, 2, 0, tzinfo=UTC)  # on TODAY, Shanghai morning
    db.session.flush()
    assert "commitments.to_report" not in _keys(app, me, tctx)
    clock.today = TODAY + timedelta(days=service_quiet())
    assert "commitments.to_report" not in _keys(app, me, tctx)  # a quarter: not yet
    clock.today = TODAY + timedelta(days=service_quiet() + 1)
    assert "commitments.to_report" in _keys(app, me, tctx)
    service.add_progress(me, tctx, row.id, ProgressInput("已走访"))
    assert "commitments.to_report" not in _keys(app, me, tctx)


def service_quiet() -> int:
    from lianxin.modules.commitments.stages.waiting import QUIET_DAYS

    return QUIET_DAYS
