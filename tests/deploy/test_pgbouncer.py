"""The application through Debian's PgBouncer (1.18) in transaction pooling mode.

PgBouncer is started by the test on a free port of 127.0.0.1, with the shipped
`infra/pgbouncer/pgbouncer.ini` (only addresses, logging and authentication replaced), in front
of a scratch database migrated as in production. Through it, the tenancy fuzz's workload:
several threads, each request of another township, some failing between their INSERT and their
commit, server connections shared by more clients than there are servers. No row of another
township is seen, no township stays set on a connection, no prepared-statement error — with
LIANXIN_DB_POOLER=pgbouncer. Without it, psycopg prepares its statements after five executions
and PgBouncer 1.18 hands them to other clients' server connections: the second test shows the
error the setting prevents.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception
from sqlalchemy import text
from sqlalchemy.engine import URL

from lianxin.app import create_app
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.migrate import upgrade
from tests.conftest import (
    PG_HOST,
    PG_PORT,
    base_config,
    create_test_module_tables,
    scratch_database,
    service_missing,
)
from tests.factories import grant, make_county, make_note, make_township, make_user
from tests.helpers import token_for

pytestmark = pytest.mark.postgres

SHIPPED = Path(__file__).resolve().parents[2] / "infra" / "pgbouncer" / "pgbouncer.ini"
CYCLE = 16  # requests: 14 notes added, one failed write, one list
DEADLINE = 20.0  # seconds for a workload, all threads together


def _binary() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if os.access("/usr/sbin/pgbouncer", os.X_OK) else None
    )
    if found is None:
        service_missing("pgbouncer", "no pgbouncer binary (Debian package `pgbouncer`)")
    return str(found)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with(ini: str, section: str, values: dict[str, str]) -> str:
    """The shipped file with `values` replacing (or added to) `section`'s settings."""
    out: list[str] = []
    current = ""
    pending = dict(values)

    def flush() -> None:
        if current == section:
            out.extend(f"{key} = {value}" for key, value in pending.items())
            pending.clear()

    for line in ini.splitlines():
        header = re.match(r"\s*\[(\w+)\]", line)
        if header:
            flush()
            current = header.group(1)
        else:
            key = re.match(r"\s*([\w*]+)\s*=", line)
            if current == section and key and key.group(1) in pending:
                line = f"{key.group(1)} = {pending.pop(key.group(1))}"
        out.append(line)
    flush()
    assert not pending, f"no [{section}] in the shipped file"
    return "\n".join(out) + "\n"


@dataclass
class Bouncer:
    port: int
    database: str
    app_role: str
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, alias: str) -> str:
        return URL.create(
            "postgresql+psycopg",
            username=self.app_role,
            host="127.0.0.1",
            port=self.port,
            database=alias,
        ).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def bouncer() -> Iterator[Bouncer]:
    binary = _binary()
    with scratch_database("lx_pgb") as cluster:
        owner_url = cluster.url(cluster.owner).render_as_string(hide_password=False)
        # Migrations go straight to PostgreSQL, as infra/README.md says.
        upgrade(owner_url, cluster.app_role)
        create_test_module_tables(owner_url, cluster.app_role)
        folder = Path(tempfile.mkdtemp(prefix="lx-pgbouncer-"))
        folder.chmod(0o755)  # read by the unprivileged user PgBouncer runs as
        port = _free_port()
        target = f"host={PG_HOST} port={PG_PORT} dbname={cluster.database}"
        ini = _with(
            SHIPPED.read_text(),
            "databases",
            # Two entries, two pools of server connections: two servers shared by every
            # client, and one server shared by two clients (the deterministic case).
            {"lianxin": f"{target} pool_size=2", "lianxin_one": f"{target} pool_size=1"},
        )
        ini = _with(
            ini,
            "pgbouncer",
            {
                "listen_addr": "127.0.0.1",
                "listen_port": str(port),
                "unix_socket_dir": "",
                "logfile": "",
                "pidfile": "",
                "auth_type": "trust",
                "auth_file": str(folder / "userlist.txt"),
                "max_client_conn": "50",
                "query_wait_timeout": "15",
            },
        )
        (folder / "pgbouncer.ini").write_text(ini)
        (folder / "userlist.txt").write_text(f'"{cluster.app_role}" ""\n')
        for name in ("pgbouncer.ini", "userlist.txt"):
            (folder / name).chmod(0o644)
        command = [binary]
        if os.geteuid() == 0:  # "PgBouncer should not run as root"
            command += ["-u", pwd.getpwnam("nobody").pw_name]
        command.append(str(folder / "pgbouncer.ini"))
        log = folder / "pgbouncer.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            while True:
                assert process.poll() is None, f"pgbouncer exited: {log.read_text()}"
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"pgbouncer silent: {log.read_text()}"
                    time.sleep(0.05)
            yield Bouncer(port, cluster.database, cluster.app_role, process, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class World:
    slugs: list[str]
    headers: list[dict[str, str]]
    own: list[set[str]]


def _app(tmp: Path, url: str, pooler: str, pool_size: int) -> Flask:
    from tests.testmodule import TEST_MODULES

    return create_app(
        {
            **base_config(tmp, url),
            "DB_POOLER": pooler,
            "DATABASE_POOL_SIZE": pool_size,
            "DATABASE_MAX_OVERFLOW": 0,
            "PROPAGATE_EXCEPTIONS": False,
            "TESTING": False,
        },
        modules=TEST_MODULES,
    )


@pytest.fixture(scope="module")
def world(bouncer: Bouncer, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Three townships, each with an admin and three notes (written through PgBouncer)."""
    app = _app(tmp_path_factory.mktemp("pgb-setup"), bouncer.url("lianxin"), "pgbouncer", 1)
    try:
        with app.app_context():
            county = make_county()
            slugs, headers, own = [], [], []
            for i in range(3):
                township = make_township(county, slug=f"pgb-{i}-{uuid.uuid4().hex[:6]}")
                admin = make_user()
                grant(admin, Role.TOWNSHIP_ADMIN, township=township)
                slugs.append(township.slug)
                headers.append({"Authorization": f"Bearer {token_for(admin)}"})
                own.append({make_note(township, f"{i}号镇的第{n}条").text for n in range(3)})
            db.session.remove()
    finally:
        app.extensions["lianxin.db"].engine.dispose()
    return World(slugs, headers, own)


def _prepared_statement_error(exc: BaseException) -> bool:
    import psycopg.errors

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(
            seen, psycopg.errors.DuplicatePreparedStatement | psycopg.errors.InvalidSqlStatementName
        ) or "prepared statement" in str(seen):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


@dataclass
class Outcome:
    created: list[set[str]] = field(default_factory=lambda: [set(), set(), set()])
    exceptions: list[BaseException] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # what a request saw that it must not

    @property
    def prepared_statement_errors(self) -> list[BaseException]:
        return [e for e in self.exceptions if _prepared_statement_error(e)]

    @property
    def unexpected(self) -> list[BaseException]:
        return [e for e in self.exceptions if str(e) != "the request dies before its commit"]


def _run(apps: list[Flask], world: World, threads: int, cycles: int = 1) -> Outcome:
    """`threads` threads, `cycles` × CYCLE requests each; thread k's request number `step` goes
    to apps[(k + step) % len(apps)] and to township (k + step) % 3. In each CYCLE of
    requests: notes added one request after the other (each commits), then one that fails
    after its INSERT, then a list and a look at an idle connection of the pool.

    psycopg forgets its counts of executions at a rollback, which every failed request, read
    (the session closes an open transaction) and pool check-in of an open transaction sends;
    a run of committed requests is what takes a statement past the prepare threshold."""
    outcome = Outcome()
    lock = threading.Lock()

    def record(_sender: Any, exception: BaseException, **_extra: Any) -> None:
        with lock:
            outcome.exceptions.append(exception)

    for app in apps:
        got_request_exception.connect(record, app)

    def wrong(what: str) -> None:
        with lock:
            outcome.wrong.append(what)

    def work(k: int) -> None:
        for step in range(cycles * CYCLE):
            app = apps[(k + step) % len(apps)]
            client = app.test_client()
            i = (k + step) % 3
            url = f"/api/v1/t/{world.slugs[i]}/pilot/notes"
            phase = step % CYCLE
            try:
                if phase < CYCLE - 2:
                    note = f"{i}号镇新增{k}-{step}"
                    created = client.post(url, headers=world.headers[i], json={"text": note})
                    if created.status_code == 201:
                        with lock:
                            outcome.created[i].add(note)
                    else:
                        wrong(f"write answered {created.status_code}")
                    continue
                if phase == CYCLE - 2:
                    failed = client.post(url, headers=world.headers[i], json={"text": "失败"})
                    if failed.status_code != 500:
                        wrong(f"failing write answered {failed.status_code}")
                    continue
                listed = client.get(url, headers=world.headers[i])
                if listed.status_code != 200:
                    wrong(f"list answered {listed.status_code}")
                    continue
                texts = {n["text"] for n in listed.get_json()}
                stray = {t for t in texts if not t.startswith(f"{i}号镇")}
                if stray:
                    wrong(f"township {i} saw {sorted(stray)}")
                # A connection of the pool, through PgBouncer: whichever server connection it
                # gets, no township is set on it and row-level security shows nothing.
                with app.extensions["lianxin.db"].engine.connect() as conn:
                    setting = conn.execute(
                        text("SELECT current_setting('app.tenant_id', true)")
                    ).scalar()
                    visible = conn.execute(text("SELECT count(*) FROM test_pilot_notes")).scalar()
                if setting not in (None, "") or visible != 0:
                    wrong(f"idle connection: tenant {setting!r}, {visible} rows")
            except Exception as exc:  # a driver error outside a request: a finding too
                with lock:
                    outcome.exceptions.append(exc)

    workers = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=max(0.1, DEADLINE - (time.monotonic() - started)))
    assert not any(w.is_alive() for w in workers), "the workload did not finish in time"
    for app in apps:
        got_request_exception.disconnect(record, app)
    return outcome


@pytest.fixture
def failing_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A note whose text is 失败 is INSERTed and then its request dies before the commit."""
    import tests.testmodule as pilot

    original = pilot.add_note

    def add_note(actor: Any, township: Any, text: str) -> Any:
        if text != "失败":
            return original(actor, township, text)
        db.session.add(pilot.PilotNote(text=text))
        db.session.flush()
        raise RuntimeError("the request dies before its commit")

    monkeypatch.setattr(pilot, "add_note", add_note)


def _dispose(apps: list[Flask]) -> None:
    for app in apps:
        app.extensions["lianxin.db"].engine.dispose()


def test_tenancy_fuzz_through_pgbouncer_transaction_pooling(
    bouncer: Bouncer, world: World, failing_writes: None, tmp_path: Path
) -> None:
    # Two processes' worth of pools (3 connections each) used by four threads, on two server
    # connections; then two single-connection pools taking turns on one server connection.
    apps = [
        _app(tmp_path / "a", bouncer.url("lianxin"), "pgbouncer", 3),
        _app(tmp_path / "b", bouncer.url("lianxin"), "pgbouncer", 3),
        _app(tmp_path / "c", bouncer.url("lianxin_one"), "pgbouncer", 1),
        _app(tmp_path / "d", bouncer.url("lianxin_one"), "pgbouncer", 1),
    ]
    try:
        shared = _run(apps[:2], world, threads=4)
        single = _run(apps[2:], world, threads=1, cycles=2)
        for outcome, runs in ((shared, 4), (single, 2)):
            assert not outcome.prepared_statement_errors, outcome.prepared_statement_errors[:3]
            assert not outcome.unexpected, outcome.unexpected[:3]
            assert not outcome.wrong, outcome.wrong[:5]
            assert sum(map(len, outcome.created)) == runs * (CYCLE - 2)
        # Each township has exactly its own notes: nothing of a failed request.
        client = apps[0].test_client()
        for i in range(3):
            world.own[i] |= shared.created[i] | single.created[i]
            listed = client.get(f"/api/v1/t/{world.slugs[i]}/pilot/notes", headers=world.headers[i])
            assert {n["text"] for n in listed.get_json()} == world.own[i]
    finally:
        _dispose(apps)


def test_without_the_setting_prepared_statements_break_through_pgbouncer(
    bouncer: Bouncer, world: World, failing_writes: None, tmp_path: Path
) -> None:
    """Why LIANXIN_DB_POOLER=pgbouncer exists. With psycopg's default prepare_threshold (5), a
    statement run a sixth time since the connection's last rollback is prepared as _pg3_0
    (then _pg3_1 …, counted per connection). Two connections taking turns on one server
    connection both PREPARE _pg3_0 there, and the second is refused (PgBouncer 1.18 does not
    track prepared statements); with two server connections a client also runs its _pg3_0
    where it does not exist — or where another client's _pg3_0 does."""
    apps = [
        _app(tmp_path / "c", bouncer.url("lianxin_one"), "", 1),
        _app(tmp_path / "d", bouncer.url("lianxin_one"), "", 1),
    ]
    try:
        outcome = _run(apps, world, 1)
    finally:
        _dispose(apps)
    assert outcome.prepared_statement_errors, (outcome.exceptions[:3], outcome.wrong[:3])


def test_the_pooler_setting(tmp_path: Path) -> None:
    from lianxin.config import from_environ
    from lianxin.db.core import pooler_options

    def pooler(value: str) -> str:
        env = {"LIANXIN_DB_POOLER": value, "LIANXIN_INSTANCE_PATH": str(tmp_path)}
        return str(from_environ(env, instance_path=str(tmp_path))["DB_POOLER"])

    assert pooler("") == "" and pooler("none") == ""
    assert pooler("PgBouncer ") == "pgbouncer"
    with pytest.raises(RuntimeError, match="LIANXIN_DB_POOLER"):
        pooler("pgpool")
    assert pooler_options("pgbouncer") == {"connect_args": {"prepare_threshold": None}}
    assert pooler_options("") == {}
