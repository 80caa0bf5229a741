"""Briefings on the to-do home (a representative's unread, the office's unread past the reading
days) and the daily beat sweep (reminds once; a township without the module is skipped)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.briefings import service, tasks, todo
from lianxin.modules.briefings.inputs import BriefingInput
from lianxin.modules.briefings.models import Recipient
from lianxin.tenants.models import TownshipModule
from tests.factories import actor
from tests.modules.briefings.conftest import TODAY


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def _send(office, t):
    b = service.create_briefing(office, t, BriefingInput(kind="other", title="通报", text="x"))
    return service.send_briefing(office, t, b.id)


def test_to_do_lines(app, world, roll, office, tctx, clock):
    rep = actor(world.users["representative"])
    briefing = _send(office, tctx)
    line = _items(app, rep, tctx)["briefings.unread"]
    assert line.count == 1 and line.url.endswith(f"/briefings/{briefing.id}")
    assert not line.urgent and line.due_on == TODAY + timedelta(days=3)
    assert "briefings.unread_past_due" not in _items(app, office, tctx)
    clock.today = TODAY + timedelta(days=3)
    assert _items(app, rep, tctx)["briefings.unread"].urgent
    assert _items(app, office, tctx)["briefings.unread_past_due"].count == 1
    service.read_briefing(rep, tctx, briefing.id)
    assert "briefings.unread" not in _items(app, rep, tctx)


def _reminded(township) -> int:
    with tenant_context(township.id):
        n = db.session.scalar(
            select(func.count()).select_from(Recipient).where(Recipient.reminded_on.is_not(None))
        )
    db.session.rollback()
    return int(n or 0)


def test_the_sweep_reminds_once(world, roll, office, tctx, clock):
    _send(office, tctx)
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.township_id == world.other.id, TownshipModule.module_key == "briefings"
        )
        .values(enabled=False)
    )
    db.session.commit()
    clock.today = TODAY + timedelta(days=3)
    assert tasks.remind_sweep.delay().get() == 3  # one task a township
    assert _reminded(world.township) == 4
    tasks.remind_sweep.delay().get()
    assert _reminded(world.township) == 4
