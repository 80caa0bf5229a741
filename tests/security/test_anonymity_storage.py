"""Attacks on the secrecy of evaluations and secret ballots by someone who holds the database
(ARCHITECTURE.md §6): nobody with the PostgreSQL server as a superuser (pageinspect,
pg_walinspect, the WAL files, the statement log), nor with the SQLite file and its -wal, can
tell how a given representative rated a committee member or voted in a secret ballot.

Each representative answers with a plaintext of their own (an evaluation comment
`MARK-<hex>/<subject>`; a ballot's JSON `"choice":"no"` or `"candidates":[…]`) and each attack
looks for it where a voter's request left its traces. The answers may appear in plain text
only in the final tables, written by the worker's release or the close in batches of at least
K, never by a voter's request, with keys the pool never held.

PostgreSQL attacks run in a database of their own (copied from a template migrated once per
module) with real commits, as the application role; the attacker is the superuser. K = 3 and
seven voters; after each request the worker is called as a beat would (it releases all but K
of a group once 2K wait), and the close releases what is left.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.migrate import upgrade
from lianxin.modules.registry import ModuleSpec
from tests.conftest import (
    PG_HOST,
    PG_PORT,
    PG_SUPERUSER,
    PgCluster,
    base_config,
    create_test_module_tables,
    scratch_database,
    service_missing,
)
from tests.helpers import Clock
from tests.security.anonymity_attacks import (
    SESSION_DAY,
    VOTERS,
    Flow,
    K,
    ServerLog,
    Wal,
    Xids,
    ballot_flow,
    build_cast,
    build_flow,
    columns,
    evaluation_flow,
    final_rows,
    heap_tuples,
    hits,
    key_forms,
    looks_random,
    next_xid,
    pool_count,
    receipt_xmins,
    relation_pages,
    rows_written_by,
    user_tables,
)
from tests.testmodule import TEST_MODULES

FLOWS = (
    "evaluation",
    "paper",
    "categories",
    "personnel",
    "election",
    "consultation",
    "by_election",
)
# The contract: the pool keeps its parent (and subject) and one sealed value, nothing else —
# but for evaluations the rater's category, which the receipt beside it tells anyway (answers
# are released per subject and category).
POOL_COLUMNS = {
    "ev_answer_pool": {"tenant_id", "id", "campaign_id", "subject_id", "category", "sealed"},
    "as_ballot_pool": {"tenant_id", "id", "vote_id", "sealed"},
    "cs_ballot_pool": {"tenant_id", "id", "consultation_id", "sealed"},
    "be_ballot_pool": {"tenant_id", "id", "election_id", "sealed"},
}


def _modules() -> tuple[ModuleSpec, ...]:
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.by_elections.module import MODULE as BY_ELECTIONS
    from lianxin.modules.consultations.module import MODULE as CONSULTATIONS
    from lianxin.modules.evaluations.module import MODULE as EVALUATIONS

    return (*TEST_MODULES, EVALUATIONS, SESSIONS, CONSULTATIONS, BY_ELECTIONS)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(SESSION_DAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


# --- a PostgreSQL database of the test's own ----------------------------------------------------


def _url(role: str, database: str) -> URL:
    return URL.create(
        "postgresql+psycopg", username=role, host=PG_HOST, port=PG_PORT, database=database
    )


@pytest.fixture(scope="module")
def pg_template() -> Iterator[PgCluster]:
    """Roles and a database migrated once (with pageinspect and pg_walinspect), then copied for
    each test; everything dropped at the end."""
    with scratch_database("lx_anon", extensions=("pageinspect", "pg_walinspect")) as template:
        owner_url = template.url(template.owner).render_as_string(hide_password=False)
        upgrade(owner_url, template.app_role)
        create_test_module_tables(owner_url, template.app_role)
        yield template


@dataclass
class PgDatabase:
    name: str
    oid: int
    app_url: str
    su: Connection  # the attacker: superuser on this database, autocommit


@pytest.fixture
def pg_database(pg_template: PgCluster) -> Iterator[PgDatabase]:
    name = f"lx_anon_{uuid.uuid4().hex[:8]}"
    with pg_template.admin_engine.connect() as conn:
        conn.execute(
            text(
                f'CREATE DATABASE "{name}" TEMPLATE "{pg_template.database}" '
                f'OWNER "{pg_template.owner}"'
            )
        )
    engine = create_engine(
        _url(PG_SUPERUSER, name), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        with engine.connect() as su:
            oid = int(
                su.scalar(text("SELECT oid FROM pg_database WHERE datname = :n"), {"n": name})
            )
            app_url = _url(pg_template.app_role, name).render_as_string(hide_password=False)
            yield PgDatabase(name, oid, app_url, su)
    finally:
        engine.dispose()
        with pg_template.admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_app(pg_database: PgDatabase, tmp_path: Path) -> Iterator[Flask]:
    """The app on that database as the application role, committing for real."""
    app = create_app(
        {
            **base_config(tmp_path, pg_database.app_url),
            "DATABASE_POOL_SIZE": 2,
            "DATABASE_MAX_OVERFLOW": 2,
        },
        modules=_modules(),
    )
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        app.extensions["lianxin.db"].engine.dispose()


# --- 1. pageinspect -----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("flow_name", FLOWS)
def test_pageinspect_finds_no_answer_in_a_voters_transactions(
    pg_database: PgDatabase, pg_app: Flask, clock: Clock, flow_name: str
) -> None:
    """Attack 1 (superuser with pageinspect): after every submission and after the close, read
    every page of every table — live and dead tuples — and the raw pages of the pool (free
    space and indexes too). No tuple written by a voter's request (its xmin among the xids
    assigned while the request ran, a receipt's xmin among them) holds an answer, nor do its
    rows read back through SQL; the pool never holds one; final rows share no xmin with a
    receipt or a voter's request, each xmin carries at least K answers of a group, their
    physical order does not follow the receipts', and no final key was ever in the pool."""
    su = pg_database.su
    flow = build_flow(build_cast(clock), flow_name)
    tables = user_tables(su)
    voters_xids = Xids()
    pool_history = bytearray()

    def read_everything(moment: str) -> None:
        receipts = receipt_xmins(su, flow)
        touched: set[str] = set()
        for tup in heap_tuples(su, voters_xids | receipts):
            touched.add(tup.relation)
            leaked = hits(flow.needles, tup.data)
            whose = "a receipt's transaction" if tup.xmin in receipts else "a voter's request"
            assert not leaked, (
                f"{moment}: a tuple of {tup.relation} written by {whose} (xmin {tup.xmin}, "
                f"xmax {tup.xmax}) holds the plaintext {leaked}"
            )
        # The same rows as SQL returns them: TOASTed or compressed values read back whole.
        for row in rows_written_by(su, touched & tables, voters_xids | receipts):
            leaked = hits(flow.needles, row.data)
            assert not leaked, (
                f"{moment}: a row of {row.table} written by a voter's request (xmin "
                f"{row.xmin}) reads back as the plaintext {leaked}"
            )
        pool = relation_pages(su, flow.pool_table)
        pool_history.extend(pool)
        leaked = hits(flow.needles, pool)
        assert not leaked, (
            f"{moment}: the pages of {flow.pool_table} (tuples live or dead, free space, "
            f"indexes) hold the plaintext {leaked}"
        )

    for i in range(VOTERS):
        first = next_xid(su)
        flow.submit(i)
        voters_xids.add(first, next_xid(su))
        read_everything(f"{flow.name}, after voter {i}'s submission")
        flow.release()  # the worker, after the request
    flow.close()
    read_everything(f"{flow.name}, after the close")

    receipts = receipt_xmins(su, flow)
    assert len(receipts) == VOTERS
    assert pool_count(su, flow) == 0
    if flow.final_table is None:  # a by-election: only the tallies survive the count
        assert_only_tallies_survive(su, flow, pool_history)
        return
    finals = final_rows(su, flow)
    assert len(finals) == VOTERS * flow.groups
    final_xmins = {row.xmin for row in finals}
    assert not final_xmins & receipts, "a final row was written with a receipt"
    assert not [x for x in final_xmins if x in voters_xids], "a voter's request wrote a final row"
    per_batch = Counter((row.xmin, row.group) for row in finals)
    assert min(per_batch.values()) >= K, f"a release wrote fewer than K answers: {per_batch}"
    if flow.name in ("paper", "categories"):  # a released row names its category: K of it
        per_category = Counter(
            (xmin, subject, category)
            for xmin, subject, category in su.execute(
                text(
                    f"SELECT xmin::text::bigint, subject_id, category FROM {flow.final_table} "
                    "WHERE campaign_id = :p"
                ),
                {"p": flow.parent_id},
            )
        )
        assert min(per_category.values()) >= K, (
            f"a release wrote fewer than K answers of a category: {per_category}"
        )
    for row in finals:
        assert uuid.UUID(row.key).version == 4
        assert not hits(key_forms(row.key), bytes(pool_history)), (
            f"final key {row.key} was in {flow.pool_table} before the release"
        )
    if flow.name in ("evaluation", "categories"):
        assert_order_hidden(
            flow, [[(row.xmin, row.group), row.data] for row in finals], "physical (ctid)"
        )


def assert_only_tallies_survive(su: Connection, flow: Flow, pool_history: bytearray) -> None:
    """A by-election's count opens every ballot at once and writes each candidate's tally:
    no row of any table holds a ballot afterwards, the count's transaction wrote no ballot,
    and the tallies add up to the seven ballots' choices."""
    votes = dict(
        su.execute(
            text("SELECT id, votes FROM be_candidates WHERE election_id = :p ORDER BY id"),
            {"p": flow.parent_id},
        ).all()
    )
    assert sorted(votes.values()) == [3, 3, 3], f"the tallies are {votes}"
    count_xmins = set(
        su.scalars(
            text("SELECT xmin::text::bigint FROM be_candidates WHERE election_id = :p"),
            {"p": flow.parent_id},
        )
    )
    everything = Xids() | count_xmins
    for tup in heap_tuples(su, everything):
        leaked = hits(flow.needles, tup.data)
        assert not leaked, f"the count's transaction wrote {leaked} into {tup.relation}"
    assert not hits(flow.needles, bytes(pool_history))


def assert_order_hidden(flow: Flow, rows: list[list[Any]], order: str) -> None:
    """Rows (a batch key, the row's bytes) in the table's own order: within each batch, the
    answers' order does not follow the receipts' (the voters answered 0, 1, 2, …). A shuffle
    keeps the receipts' order in every batch of all three subjects once in (4! × 3!)³ ≈ 3
    million runs."""
    batches: dict[Any, list[int]] = {}
    for batch, data in rows:
        voter = flow.voter_of(data)
        assert voter is not None, f"whose answer is {data[:80]!r}?"
        batches.setdefault(batch, []).append(voter)
    assert batches
    assert not all(v == sorted(v) for v in batches.values()), (
        f"the {order} order of the final rows follows the receipts' in every batch: {batches}"
    )


# --- 2. the WAL ---------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("flow_name", FLOWS)
def test_the_wal_of_a_voters_request_carries_no_answer(
    pg_database: PgDatabase, pg_app: Flask, clock: Clock, flow_name: str
) -> None:
    """Attack 2 (superuser reading pg_wal/ and pg_walinspect): between the insert LSN before
    and after each submission, the raw WAL bytes (segment files read with
    pg_read_binary_file, page headers cut out, a segment boundary crossed when it comes) and
    every record of this database listed by pg_get_wal_records_info hold no answer; every
    sealed pool value of one campaign or vote has the same length whatever the answer, and
    none compresses (a cipher, not an encoding the WAL's compression would hide)."""
    su = pg_database.su
    flow = build_flow(build_cast(clock), flow_name)
    wal = Wal(su)
    unique = [m for m in flow.markers if m]
    sealed_lengths: set[int] = set()
    for i in range(VOTERS):
        start = wal.insert_lsn()
        flow.submit(i)
        end = wal.insert_lsn()
        records = wal.records(start, end)
        ours = [r for r in records if r.in_database(pg_database.oid)]
        assert ours, f"voter {i}: no WAL record of the submission was found ({start}..{end})"
        for record in ours:
            leaked = hits(flow.needles, record.data + record.description.encode())
            assert not leaked, (
                f"{flow.name}, voter {i}: WAL record {record.resource_manager}/"
                f"{record.record_type} at {record.start:X} (xid {record.xid}, "
                f"{record.block_ref.strip()}) carries the plaintext {leaked}"
            )
        leaked = hits(unique, wal.between(start, end))  # markers nobody else writes: all WAL
        assert not leaked, f"{flow.name}, voter {i}: the raw WAL of the request holds {leaked}"
        assert columns(su, flow.pool_table) == POOL_COLUMNS[flow.pool_table]
        sealed = [
            bytes(v)
            for v in su.scalars(
                text(f"SELECT sealed FROM {flow.pool_table} WHERE {flow.parent_column} = :p"),
                {"p": flow.parent_id},
            )
        ]
        assert sealed and all(looks_random(v) for v in sealed), (
            f"{flow.name}, voter {i}: a sealed value compresses: an encoding, not a cipher"
        )
        sealed_lengths |= {len(v) for v in sealed}
        flow.release()  # the worker, after the request
    assert len(sealed_lengths) == 1, (
        f"{flow.name}: sealed answers of different lengths {sorted(sealed_lengths)} tell "
        "answers apart"
    )
    flow.close()
    assert pool_count(su, flow) == 0


# --- 3. the statement log -----------------------------------------------------------------------

HEX_PARAMETER = re.compile(rb"\\x([0-9a-fA-F]+)")


def unhex(entry: bytes) -> bytes:
    """The bytea parameters of a log entry ('\\x…'), decoded."""
    return b"\x00".join(
        bytes.fromhex(h.decode()) for h in HEX_PARAMETER.findall(entry) if len(h) % 2 == 0
    )


@pytest.mark.postgres
@pytest.mark.parametrize("flow_name", FLOWS)
def test_the_statement_log_of_a_voters_request_shows_no_answer(
    pg_database: PgDatabase, pg_app: Flask, clock: Clock, flow_name: str
) -> None:
    """Attack 3 (the server's statement log): with log_statement = 'all' on the database (new
    connections of the app pick it up), the log entries of this database written while a
    voter's request ran — statements and their bound parameters — show no answer."""
    su = pg_database.su
    log = ServerLog.find(su)
    if log is None:
        service_missing("PostgreSQL server log", "pg_current_logfile() is NULL and no log file")
    assert log is not None
    flow = build_flow(build_cast(clock), flow_name)
    su.execute(text(f"ALTER DATABASE \"{pg_database.name}\" SET log_statement = 'all'"))
    try:
        db.session.commit()
        db.engine.dispose()  # the pool's connections predate the setting
        for i in range(VOTERS):
            before = log.size()
            flow.submit(i)
            entries = log.entries(log.read(before, log.size()), pg_database.name)
            assert any(flow.receipt_table.encode() in e for e in entries), (
                f"voter {i}: the log shows no statement of the submission ({log.path}): "
                "log_statement did not take effect"
            )
            leaked = [e for e in entries if hits(flow.needles, e + unhex(e))]
            assert not leaked, (
                f"{flow.name}, voter {i}: the statement log shows the answer:\n"
                + "\n".join(e.decode("utf-8", "replace")[:400] for e in leaked[:3])
            )
            flow.release()  # the worker, after the request
        flow.close()
    finally:
        su.execute(text(f'ALTER DATABASE "{pg_database.name}" RESET log_statement'))


# --- 4. SQLite ----------------------------------------------------------------------------------

UUID_TEXT = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _files(path: Path) -> bytes:
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _sqlite_finals(flow: Flow) -> dict[int, tuple[str, Any, bytes]]:
    group = flow.group_column or "NULL"
    rows = db.session.execute(
        text(f"SELECT id, key, {group}, * FROM {flow.final_table} WHERE {flow.parent_column} = :p"),
        {"p": flow.parent_id},
    ).all()
    db.session.commit()
    return {int(r[0]): (str(r[1]), r[2], repr(tuple(r)).encode()) for r in rows}


@pytest.mark.sqlite_only
def test_sqlite_file_and_wal_hold_no_pending_answer_and_batches_hide_the_order(
    sqlite_template: Path, tmp_path: Path, clock: Clock
) -> None:
    """Attack 4 (the SQLite file and its -wal, journal mode WAL): after each submission and
    before any release, neither file holds an answer (a marker, a ballot's JSON); then each
    release (the worker's, the close's) writes at least K answers of a group at once, with
    fresh uuid4 keys that appeared nowhere in the files before, and the final rows' order does
    not follow the receipts' order."""
    path = tmp_path / "anon.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app({**base_config(tmp_path, f"sqlite:///{path}")}, modules=_modules())
    with app.app_context():
        try:
            cast = build_cast(clock)
            flows = [ballot_flow(cast, "personnel"), evaluation_flow(cast)]
            seen_uuids: set[bytes] = set()
            for i in range(VOTERS):
                for flow in flows:
                    flow.submit(i)
                    data = _files(path)
                    leaked = hits(flow.needles, data)
                    assert not leaked, (
                        f"{flow.name}, voter {i}: {path.name} and its -wal hold {leaked} "
                        "before any release"
                    )
                    seen_uuids |= set(UUID_TEXT.findall(data))
            for flow in flows:
                pool = {
                    str(r[1])
                    for r in db.session.execute(text(f"PRAGMA table_info({flow.pool_table})"))
                }
                assert pool == POOL_COLUMNS[flow.pool_table], f"{flow.pool_table}: {pool}"
            for flow in flows:
                batches: list[dict[int, tuple[str, Any, bytes]]] = []
                before = _sqlite_finals(flow)
                for step in (flow.release, flow.close):
                    step()
                    after = _sqlite_finals(flow)
                    batches.append({k: v for k, v in after.items() if k not in before})
                    before = after
                assert len(before) == VOTERS * flow.groups
                for step_name, batch in zip(
                    ("the worker's release", "the close"), batches, strict=True
                ):
                    # 2K or more waiting: the worker releases all but K; the close the K left.
                    sizes = Counter(group for _key, group, _row in batch.values())
                    assert len(sizes) == flow.groups and min(sizes.values()) >= K, (
                        f"{flow.name}: {step_name} wrote fewer than K answers of a group: {sizes}"
                    )
                for key, _group, _row in before.values():
                    assert uuid.UUID(key).version == 4
                    assert key.encode() not in seen_uuids, (
                        f"{flow.name}: final key {key} was in the files before the release"
                    )
                if flow.name == "evaluation":
                    assert_order_hidden(
                        flow,
                        [
                            [(n, batch[row_id][1]), batch[row_id][2]]
                            for n, batch in enumerate(batches)
                            for row_id in sorted(batch)
                        ],
                        "rowid",
                    )
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_file_holds_no_pending_consultation_or_by_election_ballot(
    sqlite_template: Path, tmp_path: Path, clock: Clock
) -> None:
    """Attack 4 on the two ballots released only by their close (a consultation's secret vote,
    a by-election's online ballot): after each ballot neither the .db file nor its -wal holds
    a stance or a choice; the close writes the consultation's ballots all at once with fresh
    uuid4 keys that appeared nowhere before, and leaves no by-election ballot at all."""
    path = tmp_path / "anon.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app({**base_config(tmp_path, f"sqlite:///{path}")}, modules=_modules())
    with app.app_context():
        try:
            cast = build_cast(clock)
            flows = [build_flow(cast, "consultation"), build_flow(cast, "by_election")]
            seen_uuids: set[bytes] = set()
            for i in range(VOTERS):
                for flow in flows:
                    flow.submit(i)
                    data = _files(path)
                    leaked = hits(flow.needles, data)
                    assert not leaked, f"{flow.name}, voter {i}: the files hold {leaked}"
                    seen_uuids |= set(UUID_TEXT.findall(data))
            for flow in flows:
                pool = {
                    str(r[1])
                    for r in db.session.execute(text(f"PRAGMA table_info({flow.pool_table})"))
                }
                assert pool == POOL_COLUMNS[flow.pool_table], f"{flow.pool_table}: {pool}"
                flow.close()
                left = db.session.scalar(
                    text(f"SELECT count(*) FROM {flow.pool_table} WHERE {flow.parent_column} = :p"),
                    {"p": flow.parent_id},
                )
                assert left == 0, f"{flow.name}: {left} sealed ballots survive the close"
            finals = _sqlite_finals(flows[0])
            assert len(finals) == VOTERS
            for key, _group, _row in finals.values():
                assert uuid.UUID(key).version == 4 and key.encode() not in seen_uuids
        finally:
            db.session.remove()
            db.engine.dispose()
