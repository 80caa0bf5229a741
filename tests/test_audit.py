"""The audit log is a hash chain per township; tampering shows."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, update

from lianxin.audit import keys
from lianxin.audit import service as audit
from lianxin.audit.models import AuditEntry
from lianxin.auth.actor import Actor, actor_for
from lianxin.db import db


def _record(world, n=3):
    who = replace(actor_for(world.users["township_admin"]), ip="10.0.0.8")
    for i in range(n):
        audit.record(
            "test.change",
            actor=who,
            tenant_id=world.township.id,
            target_type="thing",
            target_id=i,
            before={"v": i},
            after={"v": i + 1},
        )
    db.session.commit()


def test_entries_link_and_verify(app, world):
    _record(world)
    report = audit.verify_chain(f"t:{world.township.id}")
    assert report.ok and report.entries == 3
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain == f"t:{world.township.id}")
        .order_by(AuditEntry.seq)
    ).all()
    assert entries[1].prev_hash == entries[0].hash and entries[0].ip == "10.0.0.8"
    assert entries[0].actor_role == "township_admin"


def test_chains_are_per_township(app, world):
    _record(world, 1)
    audit.record("other.change", actor=Actor(None, "x"), tenant_id=world.other.id)
    db.session.commit()
    assert audit.verify_chain(f"t:{world.other.id}").entries == 1


@pytest.mark.sqlite_only  # on PostgreSQL the app role cannot UPDATE/DELETE (test_metadata)
def test_tampering_is_detected(app, world):
    _record(world)
    chain = f"t:{world.township.id}"
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.chain == chain, AuditEntry.seq == 2)
        .values(after={"v": 999})
    )
    db.session.commit()
    report = audit.verify_chain(chain)
    assert not report.ok and report.broken_at == 2 and report.reason == "content changed"


@pytest.mark.sqlite_only
def test_removal_is_detected_and_the_command_fails(app, world):
    _record(world)
    chain = f"t:{world.township.id}"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    db.session.execute(
        AuditEntry.__table__.delete().where(AuditEntry.chain == chain, AuditEntry.seq == 3)
    )
    db.session.commit()
    report = audit.verify_chain(chain)
    assert not report.ok and report.broken_at == 3
    assert report.reason.startswith("entries removed from the end")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BROKEN at #3" in result.output


def test_verify_command_passes_on_a_clean_log(app, world):
    _record(world)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify", "--chain", f"t:{world.township.id}"])
    assert result.exit_code == 0 and "ok" in result.output


def test_entries_are_signed_and_counted_without_a_head(app, world):
    _record(world)
    chain = f"t:{world.township.id}"
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
    ).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert all(e.mac == keys.entry_mac(e.hash) for e in entries)
    assert audit.count_for_township(world.township.id) == 3
    assert [e.seq for e in audit.entries_for_township(world.township.id, limit=2)] == [3, 2]
    assert chain in audit.all_chains()


def test_checkpoint_command_signs_each_chain_that_grew(app, world):
    _record(world, 2)
    runner = app.test_cli_runner()
    chain = f"t:{world.township.id}"
    first = runner.invoke(args=["audit", "checkpoint"])
    assert first.exit_code == 0 and "checkpoint #2 written" in first.output
    again = runner.invoke(args=["audit", "checkpoint", "--chain", chain])
    assert again.exit_code == 0 and "unchanged since checkpoint #2" in again.output
    _record(world, 1)
    assert "checkpoint #3 written" in runner.invoke(args=["audit", "checkpoint"]).output
    result = runner.invoke(args=["audit", "verify", "--chain", chain])
    assert result.exit_code == 0
    assert "ok (2 checkpoints, anchored to #3)" in result.output


def test_the_hourly_task_checkpoints_and_is_on_the_beat(app, world):
    from lianxin.audit.tasks import AuditChainBroken, checkpoint

    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule["audit.checkpoint"]
    assert entry["task"] == "audit.checkpoint" == checkpoint.name
    assert entry["schedule"].minute == {17} and len(entry["schedule"].hour) == 24
    _record(world, 2)
    assert checkpoint.delay().get() == 1
    assert checkpoint.delay().get() == 0  # nothing grew
    if app.config["BACKEND"] == "sqlite":
        # It checks what it signs (from the last checkpoint on); `audit verify` checks it all.
        _record(world, 1)
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == f"t:{world.township.id}", AuditEntry.seq == 3)
            .values(after={"v": 999})
        )
        db.session.commit()
        with pytest.raises(AuditChainBroken, match="content changed"):
            checkpoint.delay()
