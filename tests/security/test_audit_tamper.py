"""Issue 18: an audit trail that whoever holds only the database cannot rewrite unnoticed.

Attackers: the PostgreSQL application role, the owner role and the superuser (with committed
rows, in a database of their own made like `pg_cluster`'s), and raw SQL on SQLite. Each rewrites
the log as well as it can — forged entries hashed correctly, an entry edited and every hash
after it recomputed, entries deleted in the middle and renumbered or cut from the end — and
`lianxin audit verify` must say BROKEN. What it cannot see (platform/audit/README.md) is shown
too: entries cut after the last checkpoint.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, insert, inspect, select, text, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.audit import checkpoints, keys
from lianxin.audit import service as audit
from lianxin.audit.models import AuditEntry
from lianxin.auth.actor import SYSTEM
from lianxin.db import db
from lianxin.db.migrate import upgrade
from lianxin.tenants.models import County
from tests.conftest import (
    PG_HOST,
    PG_PORT,
    PG_SUPERUSER,
    base_config,
    scratch_database,
    service_missing,
)
from tests.testmodule import TEST_MODULES

CHAIN = "platform"
BEFORE_SIGNING = "0013_account_security"

# --- the log, written and checked as the application does it ---------------------------------


def fill(n: int, start: int = 0) -> None:
    """`n` entries on the platform chain, each committed by the application."""
    for i in range(start, start + n):
        audit.record(
            "drill.change",
            actor=SYSTEM,
            target_type="thing",
            target_id=i,
            before={"v": i},
            after={"v": i + 1},
        )
        db.session.commit()


def checkpoint() -> list[audit.CheckpointResult]:
    results = audit.checkpoint_all()
    db.session.rollback()  # end the read (on SQLite it holds the write lock)
    assert all(r.report.ok for r in results), [r.report for r in results]
    return results


def verify(chain: str = CHAIN) -> audit.ChainReport:
    report = audit.verify_chain(chain)
    db.session.rollback()
    return report


def command(app: Any, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["audit", *args])
    db.session.rollback()
    return result


def line_of(output: str, chain: str) -> str:
    """The command's line about one chain."""
    (line,) = [line for line in output.splitlines() if line.split(" ", 1)[0] == chain]
    return line


# --- what an attacker does with SQL ---------------------------------------------------------------


def load(conn: Connection, chain: str = CHAIN) -> list[AuditEntry]:
    with Session(bind=conn) as session:
        entries = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
            )
        )
        session.expunge_all()
    return entries


def fix_head(conn: Connection, chain: str = CHAIN) -> None:
    """Where the schema still keeps a chain head (before 0014), make it match the rewrite."""
    columns = {c["name"] for c in inspect(conn).get_columns("audit_chain_heads")}
    if "seq" in columns:
        entries = load(conn, chain)
        conn.execute(
            text("UPDATE audit_chain_heads SET seq = :s, hash = :h WHERE chain = :c"),
            {"s": len(entries), "h": entries[-1].hash if entries else audit.GENESIS, "c": chain},
        )


def rehash(conn: Connection, chain: str = CHAIN) -> None:
    """Recompute every link and hash from the first entry on (and the head, if any).

    The MACs cannot be recomputed without the audit key: they stay as they were.
    """
    prev = audit.GENESIS
    for entry in load(conn, chain):
        entry.prev_hash = prev
        digest = audit.entry_hash(entry)
        if digest != entry.hash:
            conn.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry.id)
                .values(prev_hash=prev, hash=digest)
            )
        prev = digest
    fix_head(conn, chain)


def forge(conn: Connection, *, mac: str | None, chain: str = CHAIN) -> int:
    """Append an entry hashed exactly as the application would; return its seq."""
    last = load(conn, chain)[-1]
    entry = AuditEntry(
        chain=chain,
        seq=last.seq + 1,
        tenant_id=None,
        county_id=None,
        actor_user_id=None,
        actor_name="system",
        actor_role=None,
        action="drill.forged",
        target_type="thing",
        target_id="x",
        before=None,
        after={"granted": True},
        ip=None,
        created_at=datetime.now(UTC),
        prev_hash=last.hash,
    )
    entry.hash = audit.entry_hash(entry)
    values = {c.name: getattr(entry, c.key) for c in AuditEntry.__table__.columns if c.key != "id"}
    conn.execute(insert(AuditEntry.__table__).values(**{**values, "mac": mac}))
    fix_head(conn, chain)
    return entry.seq


def renumber_after(conn: Connection, seq: int, chain: str = CHAIN) -> None:
    """Close the gap left by a deleted entry (two steps: (chain, seq) is unique row by row)."""
    conn.execute(
        text("UPDATE audit_entries SET seq = 1 - seq WHERE chain = :c AND seq > :s"),
        {"c": chain, "s": seq},
    )
    conn.execute(
        text("UPDATE audit_entries SET seq = -seq WHERE chain = :c AND seq < 0"), {"c": chain}
    )


# --- targets: an app, and the attacker's own connection to its database ---------------------------


@dataclass
class AnchorDatabase:
    database: str
    owner: str
    app_role: str
    county_id: int

    def url(self, role: str) -> str:
        return URL.create(
            "postgresql+psycopg", username=role, host=PG_HOST, port=PG_PORT, database=self.database
        ).render_as_string(hide_password=False)


def legacy_chain(conn: Connection, county_id: int, n: int) -> None:
    """Entries as the version before signing wrote them: hashed, no MAC, a head row."""
    chain, prev = f"c:{county_id}", audit.GENESIS
    for seq in range(1, n + 1):
        entry = AuditEntry(
            chain=chain,
            seq=seq,
            tenant_id=None,
            county_id=county_id,
            actor_user_id=None,
            actor_name="县管理员",
            actor_role="county_admin",
            action="legacy.change",
            target_type=None,
            target_id=str(seq),
            before=None,
            after={"n": seq},
            ip="10.0.0.1",
            created_at=datetime(2026, 11, 1, 8, seq, tzinfo=UTC),
            prev_hash=prev,
        )
        entry.hash = audit.entry_hash(entry)
        values = {
            c.name: getattr(entry, c.key)
            for c in AuditEntry.__table__.columns
            if c.key not in ("id", "mac")
        }
        conn.execute(insert(AuditEntry.__table__).values(**values))
        prev = entry.hash
    conn.execute(
        text("INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (:c, :s, :h)"),
        {"c": chain, "s": n, "h": prev},
    )


def add_county(conn: Connection) -> int:
    counties = County.__table__
    return int(
        conn.execute(
            insert(counties)
            .values(
                name="旧县",
                slug=f"old-{uuid.uuid4().hex[:6]}",
                module_defaults={},
                created_at=datetime.now(UTC),
            )
            .returning(counties.c.id)
        ).scalar_one()
    )


def restore_legacy(conn: Connection, chain: str) -> None:
    """Put the shared legacy chain back as `legacy_chain` wrote it (tests attack it)."""
    conn.execute(text("DELETE FROM audit_entries WHERE chain = :c AND seq > 3"), {"c": chain})
    for seq in (1, 2, 3):
        conn.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.seq == seq)
            .values(after={"n": seq}, mac=None)
        )
    rehash(conn, chain)


@pytest.fixture(scope="module")
def anchor_db() -> Iterator[AnchorDatabase]:
    """A database with an owner and an app role, migrated as the owner, whose rows are committed.

    It is first migrated to the revision before signing, given a county chain of three entries
    as that version wrote them (legacy entries), then migrated to the head.
    """
    with scratch_database("lx_audit") as scratch:
        target = AnchorDatabase(scratch.database, scratch.owner, scratch.app_role, 0)
        owner_url = target.url(target.owner)
        upgrade(owner_url, target.app_role, BEFORE_SIGNING)
        owner = create_engine(owner_url, poolclass=NullPool)
        with owner.begin() as conn:
            target.county_id = add_county(conn)
            legacy_chain(conn, target.county_id, 3)
        owner.dispose()
        upgrade(owner_url, target.app_role)
        yield target


@dataclass
class Target:
    kind: str
    app: Any
    attacker: Engine
    legacy_chain: str | None = None


def _open(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    legacy: str | None = None
    anchor: AnchorDatabase | None = None
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "audit.db"
        shutil.copyfile(template, path)
        url = attacker_url = f"sqlite:///{path}"
    else:
        anchor = request.getfixturevalue("anchor_db")
        url = anchor.url(anchor.app_role)
        role = {"app": anchor.app_role, "owner": anchor.owner, "superuser": PG_SUPERUSER}[kind]
        attacker_url = anchor.url(role)
        legacy = f"c:{anchor.county_id}"
    flask_app = create_app(base_config(tmp_path, url), modules=TEST_MODULES)
    attacker = create_engine(attacker_url, poolclass=NullPool)
    try:
        with flask_app.app_context():
            yield Target(kind, flask_app, attacker, legacy)
            db.session.remove()
            db.engine.dispose()
    finally:
        attacker.dispose()
        if anchor is not None:  # the owner clears what this test wrote; the legacy chain is reset
            owner = create_engine(anchor.url(anchor.owner), poolclass=NullPool)
            with owner.begin() as conn:
                conn.execute(text("DELETE FROM audit_entries WHERE chain = :c"), {"c": CHAIN})
                conn.execute(text("DELETE FROM audit_chain_heads WHERE chain = :c"), {"c": CHAIN})
                restore_legacy(conn, f"c:{anchor.county_id}")
            owner.dispose()


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    yield from _open(request.param, request, tmp_path)


PG = pytest.mark.postgres
DB_ATTACKERS = [
    pytest.param("sqlite", id="sqlite-raw-sql"),
    pytest.param("owner", marks=PG, id="pg-owner"),
    pytest.param("superuser", marks=PG, id="pg-superuser"),
]
ALL_ATTACKERS = [pytest.param("app", marks=PG, id="pg-app-role"), *DB_ATTACKERS]


# --- (a) the application role: append only, and no forgery ----------------------------------------


@pytest.mark.postgres
def test_the_app_role_may_only_insert_and_select_audit_rows(app, world):
    audit.record("drill.entry", actor=SYSTEM, tenant_id=world.township.id)
    db.session.commit()
    for table in ("audit_entries", "audit_chain_heads"):
        granted = {
            privilege
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
            if db.session.scalar(
                text("SELECT has_table_privilege(current_user, :t, :p)"),
                {"t": table, "p": privilege},
            )
        }
        assert granted == {"SELECT", "INSERT"}, table
    for statement in (
        "UPDATE audit_entries SET action = 'forged'",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
        "UPDATE audit_chain_heads SET chain = chain",
        "DELETE FROM audit_chain_heads",
        "TRUNCATE audit_chain_heads",
        "INSERT INTO audit_chain_heads (chain) VALUES ('platform') "
        "ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain",
    ):
        with pytest.raises(Exception, match="permission denied"), db.session.begin_nested():
            db.session.execute(text(statement))


@pytest.mark.postgres
@pytest.mark.parametrize("mac", ["guessed", None])
def test_an_entry_forged_by_the_app_role_fails_verify(app, world, mac):
    for i in range(3):
        audit.record("drill.change", actor=SYSTEM, tenant_id=world.township.id, after={"v": i})
    db.session.commit()
    chain = f"t:{world.township.id}"
    guess = secrets.token_hex(32) if mac else None
    seq = forge(db.session.connection(), mac=guess, chain=chain)
    report = verify(chain)
    assert not report.ok and report.broken_at == seq == 4
    assert report.reason.startswith("MAC invalid" if mac else "entry has no MAC")


@pytest.mark.parametrize("target", ALL_ATTACKERS, indirect=True)
@pytest.mark.parametrize("mac", ["guessed", None])
def test_a_correctly_hashed_forged_entry_fails_verify(target, mac):
    fill(4)
    checkpoint()
    with target.attacker.begin() as conn:
        seq = forge(conn, mac=secrets.token_hex(32) if mac else None)
    report = verify()
    assert not report.ok and report.broken_at == seq == 5
    assert report.reason.startswith("MAC invalid" if mac else "entry has no MAC")
    result = command(target.app, "verify")
    assert result.exit_code == 1
    assert line_of(result.output, CHAIN).endswith(f"5 entries  BROKEN at #5: {report.reason}")


# --- (b, c) owner, superuser, raw SQL on SQLite: rewrite and re-hash ---------------------------


@pytest.mark.parametrize("target", DB_ATTACKERS, indirect=True)
@pytest.mark.parametrize("strip_macs", [False, True], ids=["macs-kept", "macs-stripped"])
@pytest.mark.parametrize("k", [3, 8], ids=["before-checkpoint", "after-checkpoint"])
def test_an_edited_entry_with_every_hash_recomputed_fails_verify(target, strip_macs, k):
    fill(6)
    checkpoint()  # at #6
    fill(4, start=6)
    with target.attacker.begin() as conn:
        conn.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == CHAIN, AuditEntry.seq == k)
            .values(after={"v": 999})
        )
        rehash(conn)
        if strip_macs:  # nothing signed left in the chain: as if written before signing
            conn.execute(update(AuditEntry).where(AuditEntry.chain == CHAIN).values(mac=None))
    report = verify()
    assert not report.ok and report.broken_at == (1 if strip_macs else k), report
    assert report.reason.startswith("entry has no MAC" if strip_macs else "MAC invalid")
    assert command(target.app, "verify").exit_code == 1


@pytest.mark.parametrize("target", DB_ATTACKERS, indirect=True)
@pytest.mark.parametrize("renumber", [True, False], ids=["renumbered", "gap"])
def test_an_entry_deleted_in_the_middle_fails_verify(target, renumber):
    fill(10)
    checkpoint()
    with target.attacker.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE chain = :c AND seq = 4"), {"c": CHAIN})
        if renumber:
            renumber_after(conn, 4)
            rehash(conn)
        else:
            fix_head(conn)
    report = verify()
    assert not report.ok and report.broken_at == 4
    assert report.reason == (
        "MAC invalid (entry forged, or re-hashed without the audit key)"
        if renumber
        else "sequence gap (entry removed)"
    )


@pytest.mark.parametrize("target", DB_ATTACKERS, indirect=True)
def test_entries_deleted_from_the_end_after_a_checkpoint_fail_verify(target):
    fill(6)
    checkpoint()  # at #6
    fill(2, start=6)
    with target.attacker.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE chain = :c AND seq >= 5"), {"c": CHAIN})
        fix_head(conn)
    report = verify()
    assert not report.ok and report.broken_at == 5
    assert report.reason == (
        "entries removed from the end: #6 was checkpointed, the chain ends at #4"
    )
    # The whole chain and its name gone: the checkpoints still name it.
    with target.attacker.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE chain = :c"), {"c": CHAIN})
        conn.execute(text("DELETE FROM audit_chain_heads WHERE chain = :c"), {"c": CHAIN})
    result = command(target.app, "verify")
    assert result.exit_code == 1
    assert line_of(result.output, CHAIN).endswith(
        "0 entries  BROKEN at #1: entries removed from the end: #6 was checkpointed, "
        "the chain ends at #0"
    )


@pytest.mark.parametrize("target", DB_ATTACKERS, indirect=True)
def test_a_rewritten_chain_gets_no_checkpoint(target):
    """The hourly checkpoint checks before it signs: it never anchors a rewrite."""
    fill(3)
    checkpoint()
    fill(2, start=3)
    with target.attacker.begin() as conn:
        conn.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == CHAIN, AuditEntry.seq == 4)
            .values(actor_name="别人")
        )
        rehash(conn)
    results = {r.chain: r for r in audit.checkpoint_all()}
    db.session.rollback()
    assert not results[CHAIN].report.ok and results[CHAIN].written is None
    assert results[CHAIN].report.broken_at == 4
    result = command(target.app, "checkpoint")
    assert result.exit_code == 1
    assert line_of(result.output, CHAIN).endswith(
        "BROKEN at #4: MAC invalid (entry forged, or re-hashed without the audit key) "
        "(no checkpoint written)"
    )
    keys_now = checkpoints.checkpoint_store().keys(f"{checkpoints.PREFIX}/{CHAIN}/")
    assert keys_now == [checkpoints.checkpoint_key(CHAIN, 3)]


# --- what verify cannot see -------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_known_limit_entries_cut_after_the_last_checkpoint_go_unseen(app):
    """Each MAC vouches for an entry and its past, not for what came after it: entries written
    after the last checkpoint and cut from the end leave a shorter chain that verifies. The loss
    is bounded by the checkpoint interval (an hour)."""
    fill(4)
    checkpoint()
    fill(2, start=4)
    db.session.execute(text("DELETE FROM audit_entries WHERE chain = :c AND seq > 4"), {"c": CHAIN})
    db.session.commit()
    report = verify()
    assert report.ok and report.entries == report.anchored == 4


# --- the checkpoints themselves ---------------------------------------------------------------


def test_a_checkpoint_is_never_overwritten_and_a_forged_one_is_refused(app):
    fill(3)
    checkpoint()
    store = checkpoints.checkpoint_store()
    key = checkpoints.checkpoint_key(CHAIN, 3)
    original = store.read(key)
    assert original is not None
    body = json.loads(original)
    assert checkpoints.parse_checkpoint(key, original).hash == body["hash"]
    assert store.create(key, b"{}") is False and store.read(key) == original
    # Someone with write access to the store but not the key plants a checkpoint further on.
    forged = {**body, "seq": 9, "hash": "0" * 64, "sig": secrets.token_hex(32)}
    assert store.create(checkpoints.checkpoint_key(CHAIN, 9), json.dumps(forged).encode())
    report = verify()
    assert not report.ok and report.broken_at == 9
    assert "not genuine: signature invalid" in report.reason


@pytest.mark.sqlite_only
def test_a_removed_legacy_anchor_is_reported_and_never_written_again(app):
    fill(2)
    checkpoint()
    path = Path(app.config["STORAGE_LOCAL_ROOT"]) / checkpoints.LEGACY_KEY
    path.unlink()
    result = command(app, "verify")
    assert result.exit_code == 1
    assert "legacy anchor BROKEN: audit-checkpoints/legacy.json is missing" in result.output
    fill(1, start=2)
    assert command(app, "checkpoint").exit_code == 0  # signed entries need no legacy anchor
    assert not path.exists()
    assert command(app, "verify").exit_code == 1


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_a_local_checkpoint_file_is_read_only_and_linked_into_place(target):
    fill(1)
    (result,) = [r for r in checkpoint() if r.chain == CHAIN]
    assert result.written is not None
    path = Path(target.app.config["STORAGE_LOCAL_ROOT"]) / result.written.key
    assert path.stat().st_mode & 0o777 == 0o444
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]


# --- (d) clean chains, and entries written before signing -----------------------------------------


def test_clean_chains_with_checkpoints_verify(app, world):
    from lianxin.auth.actor import actor_for

    admin = actor_for(world.users["township_admin"])
    for i in range(3):
        audit.record("drill.change", actor=admin, tenant_id=world.township.id, after={"v": i})
        audit.record("drill.county", actor=SYSTEM, county_id=world.county.id, after={"v": i})
    db.session.commit()
    first = {r.chain: r for r in audit.checkpoint_all()}
    db.session.rollback()
    township_chain = f"t:{world.township.id}"
    assert first[township_chain].written is not None
    audit.record("drill.change", actor=admin, tenant_id=world.township.id, after={"v": 9})
    db.session.commit()
    checkpoint()
    report = verify(township_chain)
    assert report.ok and (report.entries, report.checkpoints, report.anchored) == (4, 2, 4)
    assert report.unsigned == 0
    result = command(app, "verify")
    assert result.exit_code == 0, result.output
    assert line_of(result.output, township_chain).endswith(
        " 4 entries  ok (2 checkpoints, anchored to #4)"
    )


def _legacy_sqlite(tmp_path: Path) -> tuple[str, int]:
    """A SQLite database written by the version before signing, then upgraded."""
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    upgrade(url, revision=BEFORE_SIGNING)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        county_id = add_county(conn)
        legacy_chain(conn, county_id, 3)
    engine.dispose()
    upgrade(url)
    return url, county_id


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=PG)])
def legacy_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "sqlite":
        url, county_id = _legacy_sqlite(tmp_path)
        flask_app = create_app(base_config(tmp_path, url), modules=TEST_MODULES)
        attacker = create_engine(url, poolclass=NullPool)
        with flask_app.app_context():
            yield Target("sqlite", flask_app, attacker, f"c:{county_id}")
            db.session.remove()
            db.engine.dispose()
        attacker.dispose()
    else:
        yield from _open("owner", request, tmp_path)


def test_legacy_entries_are_anchored_once_and_reported(legacy_target):
    chain = legacy_target.legacy_chain
    assert chain is not None
    with legacy_target.attacker.connect() as conn:
        columns = conn.execute(text("SELECT * FROM audit_chain_heads")).keys()
        legacy = load(conn, chain)
    assert list(columns) == ["chain"]
    assert [(e.seq, e.mac) for e in legacy] == [(1, None), (2, None), (3, None)]
    before = verify(chain)
    assert not before.ok and before.broken_at == 1
    assert "no legacy anchor covers it" in before.reason
    audit.record("drill.county", actor=SYSTEM, county_id=int(chain[2:]), after={"signed": True})
    db.session.commit()
    checkpoint()
    report = verify(chain)
    assert report.ok and (report.entries, report.unsigned, report.anchored) == (4, 3, 4)
    result = command(legacy_target.app, "verify")
    assert result.exit_code == 0, result.output
    assert line_of(result.output, chain).endswith(
        " 4 entries  ok (1 checkpoints, anchored to #4; 3 legacy entries without MAC)"
    )
    # Only those three may lack a MAC; and they cannot be rewritten either.
    with legacy_target.attacker.begin() as conn:
        forge(conn, mac=None, chain=chain)
    assert verify(chain).reason == (
        "entry has no MAC (only the first 3 entries, written before signing began, may have none)"
    )
    with legacy_target.attacker.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE chain = :c AND seq = 5"), {"c": chain})
        conn.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.seq == 2)
            .values(after={"n": 200})
        )
        rehash(conn, chain)
    report = verify(chain)
    assert not report.ok and report.broken_at == 3
    assert report.reason.startswith("differs from the legacy anchor")


# --- appends on PostgreSQL never fork -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("target", ["app"], indirect=True)
def test_concurrent_appends_never_fork_a_chain(target):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with target.app.app_context():
                fill(8, start=100 * n)
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    report = verify()
    assert report.ok and report.entries == 32


# --- S3: Object Lock where the bucket has it ------------------------------------------------------


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # pragma: no cover - moto[server] is a dev dependency
        service_missing("S3 (moto server)", f"moto[server] not importable: {exc}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
        host, port = server.get_host_and_port()
    except Exception as exc:
        service_missing("S3 (moto server)", f"could not start: {type(exc).__name__}: {exc}")
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_client(s3_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    yield client
    client.close()


@pytest.mark.s3
@pytest.mark.parametrize("locked", [True, False], ids=["object-lock", "plain-bucket"])
def test_s3_checkpoints_are_locked_where_the_bucket_allows_and_never_replaced(s3_client, locked):
    bucket = f"lianxin-audit-{uuid.uuid4().hex[:10]}"
    s3_client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=locked)
    store = checkpoints.S3CheckpointStore(s3_client, bucket)
    key = checkpoints.checkpoint_key("t:1", 5)
    assert store.create(key, b'{"first": true}') is True
    assert store.create(key, b'{"second": true}') is False
    assert store.read(key) == b'{"first": true}'
    assert store.keys(f"{checkpoints.PREFIX}/") == [key]
    head = s3_client.head_object(Bucket=bucket, Key=key)
    if locked:
        assert head["ObjectLockMode"] == "COMPLIANCE"
        assert head["ObjectLockRetainUntilDate"].year >= datetime.now(UTC).year + 9
        version = s3_client.list_object_versions(Bucket=bucket)["Versions"][0]["VersionId"]
        with pytest.raises(Exception, match="AccessDenied"):
            s3_client.delete_object(Bucket=bucket, Key=key, VersionId=version)
    else:
        assert "ObjectLockMode" not in head


@pytest.mark.s3
@pytest.mark.sqlite_only
class TestS3Anchors:
    @pytest.fixture
    def app_config(self, s3_client: Any, s3_server: str) -> dict[str, Any]:
        bucket = f"lianxin-audit-{uuid.uuid4().hex[:10]}"
        s3_client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": s3_server,
            "S3_BUCKET": bucket,
            "S3_REGION": "us-east-1",
        }

    def test_checkpoint_and_verify_through_s3(self, app, s3_client):
        fill(3)
        checkpoint()
        assert verify().ok
        db.session.execute(
            text("DELETE FROM audit_entries WHERE chain = :c AND seq = 3"), {"c": CHAIN}
        )
        db.session.commit()
        assert verify().reason.startswith("entries removed from the end")
        app.extensions["lianxin.storage"].close()


def test_the_audit_key_comes_from_its_file_and_differs_from_the_secret(tmp_path):
    path = tmp_path / "audit.key"
    path.write_bytes(os.urandom(48))
    from_file = keys.derive({"AUDIT_KEY_FILE": str(path), "SECRET_KEY": "s"})
    from_secret = keys.derive({"AUDIT_KEY_FILE": None, "SECRET_KEY": "s"})
    assert from_file != from_secret != b"s"
    short = tmp_path / "short.key"
    short.write_bytes(b"too short")
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        keys.derive({"AUDIT_KEY_FILE": str(short), "SECRET_KEY": "s"})
