"""PlatformTask: a task runs in its township's context, is skipped where its module is off, and
a task that fails for good leaves a dead letter."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.db import db
from lianxin.notify.models import DeadLetter
from tests.factories import make_note, make_township
from tests.notify.worker_tasks import explode, probe
from tests.testmodule import count_notes


def test_task_runs_in_its_townships_context(app, world):
    make_note(world.township, "第二条")
    assert count_notes.delay(tenant_id=world.township.id).get() == 2
    assert count_notes.delay(tenant_id=world.other.id).get() == 1
    seen = probe.delay(tenant_id=world.other.id).get()
    assert seen == {"tenant_id": world.other.id, "notes": ["乙镇专属走访记录"]}


def test_task_of_a_switched_off_module_is_skipped(app, world):
    off = make_township(world.county, "丙镇", "bing-zhen", modules=("survey",))
    make_note(off, "丙镇的记录")  # switching off keeps the data; the task just does not run
    assert count_notes.delay(tenant_id=off.id).get() is None
    assert probe.delay(tenant_id=off.id).get() is None
    assert count_notes.delay(tenant_id=world.township.id).get() == 1


def test_failed_task_leaves_a_dead_letter(app, world):
    # `apply(throw=False)` runs the worker's failure path (on_failure) in process.
    result = explode.apply(
        kwargs={"tenant_id": world.township.id, "reason": "磁盘已满"}, throw=False
    )
    assert result.failed()
    db.session.rollback()
    (letter,) = db.session.scalars(select(DeadLetter)).all()
    assert letter.task_name == "lianxin_test.explode"
    assert letter.tenant_id == world.township.id
    assert letter.outbox_id is None
    assert letter.error == "RuntimeError: 磁盘已满"
    assert letter.arguments["kwargs"] == {"tenant_id": world.township.id, "reason": "磁盘已满"}
    assert letter.arguments["task_id"] == result.id
