"""Fault drill 7: Redis stops. A public submission and a staff change still succeed at once;
their notifications go out once Redis is back.

The drill runs its own redis-server (no persistence: stopping it loses every queued message)
as the broker, the result store and the rate limiter's store, a real worker process, and the
web app on a committed database. With Redis stopped, the public form and a staff referral
answer normally (the rate limiter falls back to memory, the after-commit kick only logs); the
outbox holds the messages. Redis comes back empty; the worker reconnects by itself; the beat's
every-minute `outbox.sweep` (sent here rather than waited for) delivers every message once.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from lianxin.app import create_app
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.notify.models import Notification, OutboxMessage, OutboxStatus
from lianxin.people import service as people
from tests.conftest import base_config
from tests.factories import actor, build_world, grant, make_user
from tests.faults.services import ThrowawayRedis
from tests.helpers import bearer
from tests.notify.test_worker import (
    REPO,
    _postgres_database,
    _sqlite_database,
    _start_worker,
    _stop_worker,
)
from tests.notify.worker_tasks import isolate
from tests.testmodule import TEST_MODULES

pytestmark = pytest.mark.redis

FORM = {
    "category": "基础设施",
    "title": "路灯不亮",
    "body": "东关村3组路灯坏了。",
    "raiser_name": "王大爷",
    "raiser_phone": "13800000001",
}
REQUEST_BOUND = 5.0  # seconds a request may take while Redis is down
DELIVERY_BOUND = 60.0  # seconds from Redis back to every message delivered


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def drill(request, tmp_path):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    database = (
        _sqlite_database(tmp_path)
        if request.param == "sqlite"
        else _postgres_database(request.getfixturevalue("pg_cluster"))
    )
    queue = f"lx-fault-{uuid.uuid4().hex[:10]}"
    app = create_app(
        {
            **base_config(tmp_path, database.url),
            "BROKER_URL": redis.url,
            "CELERY_EAGER": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": redis.url,
        },
        modules=TEST_MODULES,
    )
    celery = app.extensions["celery"]
    isolate(celery, queue=queue, result_backend=redis.url)
    # As in production, the web side keeps no task results: a result backend would make every
    # publish wait on Redis (about 20 s while it is down) to subscribe for the result.
    celery.conf.update(task_ignore_result=True, result_backend=None)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "LIANXIN_DATABASE_URL": database.url,
        "LIANXIN_PUBLIC_BASE_URL": "http://testserver",
        "LIANXIN_BROKER_URL": redis.url,
        "LIANXIN_INSTANCE_PATH": str(tmp_path / "instance"),
        "LIANXIN_STORAGE_ROOT": str(tmp_path / "files"),
        "LIANXIN_TEST_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
    }
    worker = None
    try:
        with app.app_context():
            world = build_world()
            staff = world.users["township_staff"]
            with tenant_context(world.township.id):
                unit = people.create_unit(
                    actor(staff), world.township, people.UnitInput(name="镇交通办")
                )
                db.session.commit()
            unit_user = make_user("unit.roads")
            grant(unit_user, Role.HANDLING_UNIT, township=world.township).unit_id = unit.id
            db.session.commit()
            ids = {"unit": unit.id, "unit_user": unit_user.id, "staff": staff.id}
            db.session.remove()
        worker = _start_worker(env, queue, tmp_path / "worker.log")
        yield app, redis, world, ids, tmp_path / "worker.log"
    finally:
        if worker is not None:
            _stop_worker(worker)
        celery.close()
        app.extensions["lianxin.session_denylist"].close()
        app.extensions["lianxin.db"].engine.dispose()
        redis.stop()
        database.drop()


def _timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_redis_down_requests_succeed_and_notifications_follow(drill):
    app, redis, world, ids, log = drill
    slug = world.township.slug
    client = app.test_client()
    staff = {**bearer_in(app, world.users["township_staff"])}

    redis.stop()
    submitted, took = _timed(lambda: client.post(f"/p/{slug}/cases/new", data=FORM))
    assert submitted.status_code == 200, submitted.get_data(as_text=True)[:500]
    assert "查询码" in submitted.get_data(as_text=True)
    assert took < REQUEST_BOUND, took
    with app.app_context(), tenant_context(world.township.id):
        case_id = db.session.execute(text_case_id()).scalar_one()
    base = f"/api/v1/t/{slug}/cases/{case_id}"
    received, took_receive = _timed(lambda: client.post(f"{base}/receive", headers=staff))
    referred, took_refer = _timed(
        lambda: client.post(f"{base}/refer", headers=staff, json={"lead_unit_id": ids["unit"]})
    )
    assert (received.status_code, referred.status_code) == (200, 200), referred.get_data()[:300]
    assert max(took_receive, took_refer) < REQUEST_BOUND

    with app.app_context():
        pending = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
        ).all()
        assert len(pending) >= 2  # the office's "new case" and the unit's referral
        expected = {m.id for m in pending}
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0

    redis.start()  # back, and empty: whatever was queued before is gone
    back = time.monotonic()
    celery = app.extensions["celery"]
    while True:  # the beat's every-minute tick, sent as soon as the broker takes it
        try:
            celery.tasks["outbox.sweep"].delay()
            break
        except Exception:
            assert time.monotonic() - back < DELIVERY_BOUND, log.read_text()[-3000:]
            time.sleep(0.5)

    while True:
        with app.app_context():
            delivered = set(
                db.session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.id.in_(expected),
                        OutboxMessage.status == OutboxStatus.DELIVERED,
                    )
                )
            )
            if delivered == expected:
                users = set(db.session.scalars(select(Notification.user_id)))
                break
        assert time.monotonic() - back < DELIVERY_BOUND, log.read_text()[-3000:]
        time.sleep(0.25)
    elapsed = time.monotonic() - back
    assert ids["staff"] in users and ids["unit_user"] in users
    print(f"Redis back → {len(expected)} notifications delivered in {elapsed:.1f} s")


def bearer_in(app: Any, user: Any) -> dict[str, str]:
    with app.app_context():
        headers = bearer(user)
        db.session.commit()
        return headers


def text_case_id() -> Any:
    from lianxin.casework.models import Case

    return select(Case.id).order_by(Case.id.desc()).limit(1)
