"""A real Celery worker on the real Redis: tasks run in the right township's context, a module's
task is skipped where the module is off, and an outbox message is delivered once however many
times its task runs.

The worker is a separate process (`python -m celery -A tests.notify.worker_app worker`) consuming
from Redis, so the data it reads must be committed: each backend gets its own database here — a
SQLite file, or a fresh PostgreSQL database (as the application role, under row-level security)
that is dropped afterwards — never the rolled-back per-test database of the `app` fixture.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import TimeoutError as CeleryTimeout
from celery.signals import after_task_publish
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.db import db, utcnow
from lianxin.db.migrate import upgrade
from lianxin.notify import service
from lianxin.notify.models import DeadLetter, Notification, OutboxMessage, OutboxStatus
from tests.conftest import (
    PG_SUPERUSER,
    REDIS_URL,
    PgCluster,
    base_config,
    create_test_module_tables,
    service_missing,
)
from tests.factories import World, build_world, make_note, make_township
from tests.notify.worker_tasks import isolate
from tests.testmodule import TEST_MODULES

REPO = Path(__file__).resolve().parents[2]
WAIT = 30.0  # seconds: the first task also waits for the worker to start

pytestmark = pytest.mark.redis


def _redis_or_skip() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        service_missing("Redis", f"{REDIS_URL}: {type(exc).__name__}: {exc}")
    return client


@dataclass
class Database:
    url: str
    drop: Callable[[], None] = lambda: None


def _sqlite_database(tmp: Path) -> Database:
    url = f"sqlite:///{tmp / 'worker.db'}"
    upgrade(url)
    create_test_module_tables(url)
    return Database(url)


def _postgres_database(cluster: PgCluster) -> Database:
    """A fresh database owned by the run's owner role; the app (and worker) connect as the app
    role, which owns nothing and has no BYPASSRLS."""
    name = f"lx_worker_{uuid.uuid4().hex[:8]}"
    with cluster.admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{cluster.owner}"'))

    def drop() -> None:
        with cluster.admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        superuser = create_engine(
            cluster.url(PG_SUPERUSER).set(database=name),
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
        )
        with superuser.connect() as conn:
            conn.execute(text(f'ALTER SCHEMA public OWNER TO "{cluster.owner}"'))
            conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        superuser.dispose()
        owner_url = cluster.url(cluster.owner).set(database=name)
        owner = owner_url.render_as_string(hide_password=False)
        upgrade(owner, cluster.app_role)
        create_test_module_tables(owner, cluster.app_role)
    except BaseException:
        drop()
        raise
    app_url = cluster.url(cluster.app_role).set(database=name)
    return Database(app_url.render_as_string(hide_password=False), drop)


@dataclass
class Stack:
    """The test's own app (committed data, publishing to Redis) and a worker process."""

    app: Any
    celery: Any
    world: World
    extra: Any  # what the test's `build` returned besides the world
    worker: subprocess.Popen[bytes]
    log: Path

    def send(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.celery.tasks[name].delay(*args, **kwargs)

    def worker_log(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def get(self, result: Any, *, propagate: bool = True) -> Any:
        """The task's result; fails at once (with the worker's log) if the worker has died."""
        deadline = time.monotonic() + WAIT
        while True:
            try:
                return result.get(timeout=0.5, propagate=propagate)
            except CeleryTimeout:
                if self.worker.poll() is not None:
                    pytest.fail(
                        f"the worker exited ({self.worker.returncode}):\n{self.worker_log()}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail(f"no result in {WAIT:.0f} s; worker log:\n{self.worker_log()}")

    def wait_for(self, probe: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.app.app_context():
                value = probe()
            if value:
                return value
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.worker_log()}")


def _start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.notify.worker_app",
        "worker",
        "--pool",
        "threads",
        "--concurrency",
        "2",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finish the task at hand
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


@contextmanager
def worker_stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    build: Callable[[], tuple[World, Any]],
    modules: tuple[Any, ...] = TEST_MODULES,
) -> Iterator[Stack]:
    """A committed database of `request.param` ("sqlite" or "postgresql") filled by `build`
    (which returns the world and anything else the tests need), an app publishing to Redis, and
    a worker process on a queue of its own; everything is removed afterwards."""
    redis_client = _redis_or_skip()
    tmp = tmp_path_factory.mktemp(f"worker-{request.param}")
    queue = f"lx-test-{uuid.uuid4().hex[:12]}"
    database: Database | None = None
    flask_app = None
    worker = None
    published: list[str] = []  # every task id this process sends, the after-commit kicks too

    def record(sender: Any = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
        if headers and headers.get("id"):
            published.append(headers["id"])

    after_task_publish.connect(record, weak=False)
    try:
        database = (
            _sqlite_database(tmp)
            if request.param == "sqlite"
            else _postgres_database(request.getfixturevalue("pg_cluster"))
        )
        flask_app = create_app(
            {**base_config(tmp, database.url), "BROKER_URL": REDIS_URL, "CELERY_EAGER": False},
            modules=modules,
        )
        celery = flask_app.extensions["celery"]
        isolate(celery, queue=queue, result_backend=REDIS_URL)
        with flask_app.app_context():
            world, extra = build()

        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "LIANXIN_DATABASE_URL": database.url,
            "LIANXIN_PUBLIC_BASE_URL": "http://testserver",
            "LIANXIN_BROKER_URL": REDIS_URL,
            "LIANXIN_INSTANCE_PATH": str(tmp / "instance"),
            "LIANXIN_STORAGE_ROOT": str(tmp / "files"),
            "LIANXIN_TEST_QUEUE": queue,
            "PYTHONUNBUFFERED": "1",
        }
        log = tmp / "worker.log"
        worker = _start_worker(env, queue, log)
        yield Stack(flask_app, celery, world, extra, worker, log)
    finally:
        if worker is not None:
            _stop_worker(worker)
        if flask_app is not None:
            celery = flask_app.extensions["celery"]
            for task_id in published:
                redis_client.delete(celery.backend.get_key_for_task(task_id))
            celery.backend.client.close()
            celery.close()
            flask_app.extensions["lianxin.db"].engine.dispose()
        for key in redis_client.scan_iter(match=f"{queue}:*", count=500):
            redis_client.delete(key)
        redis_client.close()
        after_task_publish.disconnect(record)
        if database is not None:
            database.drop()


def _notes_world() -> tuple[World, Any]:
    world = build_world()
    make_note(world.township, "甲镇第二条")
    make_note(world.township, "甲镇第三条")
    off = make_township(world.county, "丙镇", "bing-zhen", modules=("survey",))
    make_note(off, "丙镇的记录")
    return world, off


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    with worker_stack(request, tmp_path_factory, _notes_world) as running:
        yield running


def test_task_runs_in_the_right_townships_context(stack):
    world = stack.world
    ours = stack.send("pilot.count_notes", tenant_id=world.township.id)
    theirs = stack.send("pilot.count_notes", tenant_id=world.other.id)
    assert stack.get(ours) == 3  # ONLY 甲镇's three notes, of six in the table
    assert stack.get(theirs) == 1
    seen = stack.get(stack.send("lianxin_test.probe", tenant_id=world.other.id))
    assert seen == {"tenant_id": world.other.id, "notes": ["乙镇专属走访记录"]}


def test_task_of_a_switched_off_module_is_skipped(stack):
    off = stack.extra
    assert stack.get(stack.send("pilot.count_notes", tenant_id=off.id)) is None
    assert stack.get(stack.send("lianxin_test.probe", tenant_id=off.id)) is None
    assert "module pilot is off in township" in stack.worker_log()


def test_outbox_message_is_delivered_once_when_its_task_runs_twice(stack):
    rep = stack.world.users["representative"]
    with stack.app.app_context():
        # Written straight into the outbox (no after-commit kick): the test sends the task.
        message = OutboxMessage(
            topic="notify",
            tenant_id=stack.world.township.id,
            payload={
                "user_ids": [rep.id],
                "title": "两次投递",
                "body": "",
                "link": None,
                "channels": ["inbox"],
            },
        )
        db.session.add(message)
        db.session.commit()
        message_id = message.id

    first = stack.send("outbox.deliver", message_id)
    second = stack.send("outbox.deliver", message_id)
    assert sorted([stack.get(first), stack.get(second)]) == [False, True]
    with stack.app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.outbox_id == message_id)
        ).all()
        assert [(n.user_id, n.tenant_id, n.title) for n in rows] == [
            (rep.id, stack.world.township.id, "两次投递")
        ]
        sent = db.session.get(OutboxMessage, message_id)
        assert (sent.status, sent.attempts) == (OutboxStatus.DELIVERED, 1)
    # A third run, long after: still nothing new.
    assert stack.get(stack.send("outbox.deliver", message_id)) is False


def test_failed_delivery_is_retried_by_the_outbox_not_dead_lettered_by_celery(stack):
    """A failing handler: the task does not fail (no Celery dead letter after one attempt);
    the outbox row records the attempt and backs off for the sweep."""
    with stack.app.app_context():
        message = OutboxMessage(
            topic="lianxin_test.boom", tenant_id=stack.world.township.id, payload={}
        )
        db.session.add(message)
        db.session.commit()
        message_id = message.id

    assert stack.get(stack.send("outbox.deliver", message_id)) is False
    with stack.app.app_context():
        failed = db.session.get(OutboxMessage, message_id)
        assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 1)
        assert failed.last_error == "RuntimeError: channel down"
        assert failed.available_at > utcnow() + timedelta(seconds=20)
        letters = db.session.scalars(
            select(DeadLetter).where(DeadLetter.task_name == "outbox.deliver")
        ).all()
        assert letters == []


def test_commit_kicks_the_worker_through_redis(stack):
    """notify() + commit in the web process: the after-commit kick reaches the worker."""
    staff = stack.world.users["township_staff"]
    with stack.app.app_context():
        message = service.notify([staff.id], "经由 Redis", tenant_id=stack.world.township.id)
        db.session.commit()
        message_id = message.id

    def delivered() -> int:
        return (
            db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.outbox_id == message_id)
            )
            or 0
        )

    assert stack.wait_for(delivered, "the worker to deliver the outbox message") == 1


def test_failed_task_leaves_a_dead_letter(stack):
    township_id = stack.world.township.id
    result = stack.send("lianxin_test.explode", tenant_id=township_id, reason="通道故障")
    with pytest.raises(RuntimeError, match="通道故障"):
        stack.get(result)

    def letters() -> list[tuple[str, int | None, str]]:
        rows = db.session.scalars(
            select(DeadLetter).where(DeadLetter.task_name == "lianxin_test.explode")
        ).all()
        return [(d.task_name, d.tenant_id, d.error) for d in rows]

    assert stack.wait_for(letters, "the dead letter") == [
        ("lianxin_test.explode", township_id, "RuntimeError: 通道故障")
    ]
