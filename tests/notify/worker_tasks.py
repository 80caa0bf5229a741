"""Test-only tasks, registered in the test process and in the real worker (worker_app.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import current_tenant_id
from lianxin.jobs import PlatformTask
from lianxin.notify import service
from lianxin.notify.models import OutboxMessage
from tests.testmodule import PilotNote


@shared_task(base=PlatformTask, name="lianxin_test.probe", module_key="pilot")
def probe(*, tenant_id: int) -> dict[str, Any]:
    """Which township's context the task ran in, and which notes it could see there."""
    texts = db.session.scalars(select(PilotNote.text).order_by(PilotNote.id)).all()
    return {"tenant_id": current_tenant_id(), "notes": list(texts)}


@service.handler("lianxin_test.boom")
def failing_handler(message: OutboxMessage) -> None:
    """An outbox topic whose delivery always fails (a channel that is down)."""
    raise RuntimeError("channel down")


@shared_task(base=PlatformTask, name="lianxin_test.explode")
def explode(*, tenant_id: int, reason: str) -> None:
    raise RuntimeError(reason)


def isolate(celery: Any, *, queue: str, result_backend: str) -> None:
    """Give one test run its own queue and Redis keys, and keep task results to read back.

    Called on both sides (the test process and the worker) before the Celery app is finalized,
    so that the tasks' `ignore_result` is bound from this configuration.
    """
    assert not celery.finalized, "configure before the first task is used"
    celery.conf.update(
        task_default_queue=queue,
        # Every kombu key (queue list, unacked hash, bindings) under this run's own prefix:
        # parallel runs on the same Redis database never see each other's messages.
        broker_transport_options={
            **celery.conf.broker_transport_options,
            "global_keyprefix": f"{queue}:",
        },
        result_backend=result_backend,
        task_ignore_result=False,
        result_expires=600,
        worker_enable_remote_control=False,
    )
