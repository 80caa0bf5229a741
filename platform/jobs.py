"""Celery wired to the Flask app: tasks run in the app context and in their township's context.

Tasks take ids and the tenant id, never ORM objects (ARCHITECTURE.md §7). A task that gets a
`tenant_id` keyword runs inside that township's context; a task of a module is skipped when the
module is switched off there.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, cast

from celery import Celery, Task
from flask import Flask, current_app, has_app_context

from lianxin.db import db
from lianxin.db.tenancy import no_tenant_context, tenant_context
from lianxin.usecases.transaction import outermost

log = logging.getLogger("lianxin.jobs")

# Redis redelivers an unacknowledged task after the visibility timeout; a task's hard limit
# stays below it so that a slow task is never run twice in parallel.
VISIBILITY_TIMEOUT = 3600
TASK_TIME_LIMIT = 900


def flask_app_of(task: Task) -> Flask | None:
    """The Flask app a task runs in: the one `celery_init_app` attached to the task's Celery app.

    Tasks declared with `@shared_task(base=PlatformTask)` are bound to every Celery app, so the
    Flask app is looked up through the Celery app the task is bound to, not a class attribute.
    """
    return getattr(task.app, "flask_app", None)


class PlatformTask(Task):
    """Runs inside the Flask app context, with its own session and its township's context."""

    abstract = True
    module_key: str | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        app = flask_app_of(self)
        if app is None:
            raise RuntimeError("celery_init_app() was not called")
        tenant_id = kwargs.get("tenant_id")
        scope = tenant_context(tenant_id) if tenant_id is not None else no_tenant_context()
        # An eager task inside a request reuses the request's app context: leaving an app
        # context of its own would run teardown_appcontext and remove the request's session.
        inside = has_app_context() and current_app._get_current_object() is app  # type: ignore[attr-defined]
        with (
            nullcontext() if inside else app.app_context(),
            db.separate_session(),
            scope,
            outermost(),
        ):
            if (
                self.module_key
                and tenant_id is not None
                and not _module_on(tenant_id, self.module_key)
            ):
                log.info(
                    "task %s skipped: module %s is off in township %s",
                    self.name,
                    self.module_key,
                    tenant_id,
                )
                return None
            return self.run(*args, **kwargs)

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """A task that failed for good goes to the dead-letter table for an operator."""
        app = flask_app_of(self)
        if app is None:
            return
        from lianxin.notify.models import DeadLetter

        try:
            with app.app_context(), db.separate_session():
                db.session.add(
                    DeadLetter(
                        task_name=self.name,
                        tenant_id=kwargs.get("tenant_id"),
                        arguments={"args": list(args), "kwargs": kwargs, "task_id": task_id},
                        error=f"{type(exc).__name__}: {exc}"[:2000],
                    )
                )
                db.session.commit()
        except Exception:  # the dead-letter write must never hide the original failure
            log.exception("could not record dead letter for %s", task_id)


# What the jobs need to know of townships, given by the app when it starts (`set_townships`):
# infrastructure imports no domain package.
TOWNSHIPS = "lianxin.jobs.townships"


@dataclass(frozen=True)
class Townships:
    """Whether a module is on in a township; the ids of the active townships."""

    module_on: Callable[[int, str], bool]
    active_ids: Callable[[], list[int]]


def set_townships(app: Flask, townships: Townships) -> None:
    app.extensions[TOWNSHIPS] = townships


def _townships() -> Townships:
    try:
        return cast(Townships, current_app.extensions[TOWNSHIPS])
    except KeyError:
        raise RuntimeError("jobs.set_townships() was not called when the app was made") from None


def task(name: str) -> Task:
    """The app's task registered under `name`. A service queues its own part's task this way,
    without importing the task module (which imports the service: a cycle)."""
    return current_app.extensions["celery"].tasks[name]


def _module_on(tenant_id: int, key: str) -> bool:
    return _townships().module_on(tenant_id, key)


def celery_init_app(
    app: Flask, *, beat_schedule: dict[str, Any] | None = None, task_modules: tuple[str, ...] = ()
) -> Celery:
    celery = Celery(app.name, task_cls=PlatformTask)
    celery.flask_app = app
    eager = app.config["CELERY_EAGER"]
    # A message whose worker died unacknowledged (SIGKILL, a lost machine) is handed out again
    # once it has been unacknowledged for `visibility` seconds, found by a sweep every
    # interval × throttle seconds: that sum bounds the redelivery (README, fault drills).
    visibility = int(app.config.get("CELERY_VISIBILITY_TIMEOUT", VISIBILITY_TIMEOUT))
    time_limit = min(TASK_TIME_LIMIT, visibility * 3 // 4)
    celery.conf.update(
        broker_url=app.config["BROKER_URL"] or "memory://",
        task_always_eager=eager,
        task_eager_propagates=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=time_limit,
        task_soft_time_limit=time_limit - min(60, time_limit // 4),
        broker_transport_options={
            "visibility_timeout": visibility,
            "unacked_restore_interval": int(app.config.get("CELERY_RESTORE_INTERVAL", 10)),
            "unacked_restore_throttle": int(app.config.get("CELERY_RESTORE_THROTTLE", 10)),
            # A publish connects through `Connection.default_channel`, which retries by these
            # options, not by `task_publish_retry`: unset, kombu keeps retrying for seconds
            # while the user's request waits. One quick retry, then the outbox sweep takes over.
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
            "socket_connect_timeout": 2,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # A failed publish must not hang the user's request: one quick try, then the outbox
        # sweep takes over.
        task_publish_retry=False,
        broker_pool_limit=10,
        timezone="Asia/Shanghai",
        enable_utc=True,
        # Every entry and task module is declared by its part's spec (the registry).
        beat_schedule=dict(beat_schedule or {}),
        imports=task_modules,
    )
    # Tasks defined with @shared_task bind to whichever app is current; make it this one.
    celery.set_default()
    for module in celery.conf.imports:
        importlib.import_module(module)
    app.extensions["celery"] = celery
    return celery


def each_township(task: Task) -> int:
    """Queue `task` once per active township (one where the task's module is off skips it).

    The read ends before the first task is queued: run eagerly on SQLite, a still-open read
    would hold the database lock (BEGIN IMMEDIATE) while each township's task waits for it.
    """
    ids = _townships().active_ids()
    db.session.rollback()
    for tenant_id in ids:
        task.delay(tenant_id=tenant_id)
    return len(ids)
