"""Celery tasks of the people: the large roster import."""

from __future__ import annotations

import logging

from celery import shared_task

from lianxin.auth.actor import SYSTEM, actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.jobs import PlatformTask
from lianxin.people import imports

log = logging.getLogger("lianxin.people.tasks")


@shared_task(base=PlatformTask, name="people.import_commit")
def import_commit(import_id: int, tenant_id: int, user_id: int | None = None) -> str | None:
    """Commit a previewed roster import (runs in township `tenant_id`, see PlatformTask).

    The job was set to `queued` by the page or API; it is taken once, so a redelivered message
    does nothing. The outcome (done or failed, counts, message) is recorded on the job.
    """
    if not imports.claim_queued(import_id):
        log.info("import %s is not queued any more; nothing to do", import_id)
        return None
    user = db.session.get(User, user_id) if user_id is not None else None
    actor = actor_for(user) if user is not None else SYSTEM
    return str(imports.run_commit(import_id, actor).status)
