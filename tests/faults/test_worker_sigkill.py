"""Fault drill 6: a Celery worker is killed with SIGKILL in the middle of a task — its pool
child, and separately its main process — and the task's effect still happens exactly once.

A real prefork worker (one child, prefetch 1, acks late, reject on worker lost) on a Redis of
the drill's own delivers an outbox message whose handler hangs on its first run. The test
kills the worker mid-delivery; the delivery's transaction dies with it (nothing committed).

- Pool child killed: the main process sees the child die and requeues the message at once
  (`task_reject_on_worker_lost`); a new child delivers it.
- Main process killed (then its orphaned child, as systemd's control group or a lost machine
  would): the message stays unacknowledged in Redis. A new worker gets it back only when
  kombu's restore sweep finds it older than the visibility timeout: the bound is
  visibility timeout + restore interval × throttle + the new worker's start. The drill sets
  10 s, 1 s × 1, and measures it (production: 3600 s + 10 s × 10, see README).

Either way the outbox's conditional claim commits with the effect, so the notification is
written once however many runs started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.app import create_app
from lianxin.db import db
from lianxin.notify.models import Notification, OutboxMessage, OutboxStatus
from tests.conftest import base_config
from tests.factories import build_world
from tests.faults.services import ThrowawayRedis
from tests.notify.test_worker import REPO, _sqlite_database
from tests.notify.worker_tasks import isolate
from tests.testmodule import TEST_MODULES

pytestmark = pytest.mark.redis

VISIBILITY = 10  # seconds, for the drill's Redis
RESTORE_INTERVAL, RESTORE_THROTTLE = 1, 1
CHILD_BOUND = 15.0  # seconds from the kill to the effect: requeued at once
MAIN_BOUND = VISIBILITY + RESTORE_INTERVAL * RESTORE_THROTTLE + 15.0  # + the new worker's start


class Drill:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.redis = ThrowawayRedis(tmp)
        self.redis.start()
        self.database = _sqlite_database(tmp)
        self.queue = f"lx-kill-{uuid.uuid4().hex[:10]}"
        settings = {
            "CELERY_VISIBILITY_TIMEOUT": VISIBILITY,
            "CELERY_RESTORE_INTERVAL": RESTORE_INTERVAL,
            "CELERY_RESTORE_THROTTLE": RESTORE_THROTTLE,
        }
        self.app = create_app(
            {
                **base_config(tmp, self.database.url),
                "BROKER_URL": self.redis.url,
                "CELERY_EAGER": False,
                **settings,
            },
            modules=TEST_MODULES,
        )
        celery = self.app.extensions["celery"]
        isolate(celery, queue=self.queue, result_backend=self.redis.url)
        celery.conf.update(task_ignore_result=True, result_backend=None)
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "LIANXIN_DATABASE_URL": self.database.url,
            "LIANXIN_PUBLIC_BASE_URL": "http://testserver",
            "LIANXIN_BROKER_URL": self.redis.url,
            "LIANXIN_INSTANCE_PATH": str(tmp / "instance"),
            "LIANXIN_TEST_QUEUE": self.queue,
            "PYTHONUNBUFFERED": "1",
            **{f"LIANXIN_{k}": str(v) for k, v in settings.items()},
        }
        with self.app.app_context():
            self.world = build_world()
            self.user_id = self.world.users["representative"].id
            db.session.remove()
        self.workers: list[subprocess.Popen[bytes]] = []
        self.log = tmp / "worker.log"

    def start_worker(self) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.faults.worker_app",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            self.queue,
            "--hostname",
            f"{self.queue}-{len(self.workers)}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        with self.log.open("ab") as out:
            worker = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the test can kill all of it
            )
        self.workers.append(worker)
        return worker

    def send(self) -> tuple[int, Path]:
        runs = self.tmp / f"runs-{uuid.uuid4().hex[:6]}.log"
        with self.app.app_context():
            message = OutboxMessage(
                topic="lianxin_test.slow",
                tenant_id=self.world.township.id,
                payload={"log": str(runs), "user_id": self.user_id},
            )
            db.session.add(message)
            db.session.commit()
            message_id = message.id
            db.session.remove()
        self.app.extensions["celery"].tasks["outbox.deliver"].delay(message_id)
        return message_id, runs

    def wait_for_runs(self, runs: Path, count: int, bound: float) -> list[int]:
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            pids = [int(p) for p in runs.read_text().split()] if runs.exists() else []
            if len(pids) >= count:
                return pids
            time.sleep(0.05)
        pytest.fail(f"{count} run(s) not seen in {bound} s:\n{self.log.read_text()[-3000:]}")

    def wait_for_effect(self, message_id: int, bound: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < bound:
            with self.app.app_context():
                status = db.session.get(OutboxMessage, message_id).status
                db.session.remove()
            if status == OutboxStatus.DELIVERED:
                return time.monotonic() - started
            time.sleep(0.1)
        pytest.fail(f"not delivered in {bound} s:\n{self.log.read_text()[-3000:]}")

    def effects(self, message_id: int) -> list[Any]:
        with self.app.app_context():
            rows = db.session.scalars(
                select(Notification.user_id).where(Notification.outbox_id == message_id)
            ).all()
            message = db.session.get(OutboxMessage, message_id)
            result = (list(rows), message.status, message.attempts)
            db.session.remove()
            return result  # type: ignore[return-value]

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            _kill_group(worker.pid)
        self.app.extensions["celery"].close()
        self.app.extensions["lianxin.session_denylist"].close()
        self.app.extensions["lianxin.db"].engine.dispose()
        self.redis.stop()


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


@pytest.fixture
def drill(tmp_path):
    running = Drill(tmp_path)
    try:
        yield running
    finally:
        running.close()


def test_pool_child_killed_mid_task(drill):
    worker = drill.start_worker()
    message_id, runs = drill.send()
    (child,) = drill.wait_for_runs(runs, 1, 60)
    assert child != worker.pid  # the task runs in the pool child
    time.sleep(0.3)  # well inside the hanging first run
    os.kill(child, signal.SIGKILL)
    took = drill.wait_for_effect(message_id, CHILD_BOUND)
    pids = drill.wait_for_runs(runs, 2, 1)
    assert pids[0] == child and pids[1] != child  # delivered again, by a new child
    assert worker.poll() is None  # the worker itself lives on
    assert drill.effects(message_id) == ([drill.user_id], OutboxStatus.DELIVERED, 1)
    print(f"pool child SIGKILLed → redelivered and done in {took:.1f} s")


def test_main_process_killed_mid_task(drill):
    worker = drill.start_worker()
    sent = time.monotonic()
    message_id, runs = drill.send()
    drill.wait_for_runs(runs, 1, 60)
    time.sleep(0.3)
    os.kill(worker.pid, signal.SIGKILL)
    killed = time.monotonic()
    worker.wait(timeout=10)
    _kill_group(worker.pid)  # the orphaned child dies with its group, as on a lost machine
    time.sleep(0.5)
    with drill.app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.PENDING
        db.session.remove()
    drill.start_worker()  # the supervisor's restart
    drill.wait_for_effect(message_id, MAIN_BOUND)
    took = time.monotonic() - killed
    assert len(drill.wait_for_runs(runs, 2, 1)) == 2
    assert drill.effects(message_id) == ([drill.user_id], OutboxStatus.DELIVERED, 1)
    assert time.monotonic() - sent >= VISIBILITY  # not before the visibility timeout …
    assert took <= MAIN_BOUND  # … and within its bound
    print(f"main process SIGKILLed → redelivered and done in {took:.1f} s")
