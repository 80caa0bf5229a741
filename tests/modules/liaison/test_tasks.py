"""The beat sweep: one task per active township, skipped where the module is off, and a second
run the same day reminds nobody again (Celery eager, as the embedded default runs it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison import service, tasks
from lianxin.modules.liaison.inputs import LinkInput
from lianxin.modules.liaison.models import ReminderSent
from lianxin.tenants.models import TownshipModule


def _reminders(township) -> int:
    with tenant_context(township.id):
        count = db.session.scalar(select(func.count()).select_from(ReminderSent)) or 0
    db.session.rollback()  # on SQLite a read holds the lock the eager tasks need
    return count


def test_the_sweep_reminds_once_and_skips_a_township_without_the_module(
    world, chain, office, clock
):
    with tenant_context(world.township.id):
        service.add_link(
            office,
            world.township,
            LinkInput(
                year=2026,
                level="rep_member",
                upper_id=chain.reps["a"].id,
                lower_id=chain.members["m1"].id,
            ),
        )
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.township_id == world.other.id, TownshipModule.module_key == "liaison")
        .values(enabled=False)
    )
    db.session.commit()
    clock.today = date(2026, 6, 20)
    assert tasks.sweep.delay().get() == 3  # one task a township
    sent = _reminders(world.township)
    assert sent > 1  # the people behind, and the office's list
    assert _reminders(world.other) == 0
    tasks.sweep.delay().get()
    assert _reminders(world.township) == sent
