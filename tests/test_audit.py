"""The audit log is a hash chain per township; tampering shows."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

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
    db.session.execute(
        AuditEntry.__table__.delete().where(AuditEntry.chain == chain, AuditEntry.seq == 3)
    )
    db.session.commit()
    assert audit.verify_chain(chain).reason == "entries removed from the end"
    result = CliRunner().invoke(
        app.cli, ["audit", "verify"], obj=None, standalone_mode=False, catch_exceptions=True
    )
    assert "BROKEN" in result.output


def test_verify_command_passes_on_a_clean_log(app, world):
    _record(world)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify", "--chain", f"t:{world.township.id}"])
    assert result.exit_code == 0 and "ok" in result.output
