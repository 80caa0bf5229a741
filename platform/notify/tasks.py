"""Celery tasks of the outbox: deliver one message, and the every-minute sweep."""

from __future__ import annotations

import logging

from celery import shared_task

from lianxin.jobs import PlatformTask
from lianxin.notify import service

log = logging.getLogger("lianxin.outbox")
# Due messages queued per sweep (every minute): ten batches, so a backlog of 150,000 left by
# a broker outage drains in minutes, not hours.
SWEEP_LIMIT = 5000


@shared_task(base=PlatformTask, name="outbox.deliver")
def deliver_outbox_message(message_id: int) -> bool:
    # No Celery retry here: a failed delivery is rescheduled with backoff in the outbox row
    # itself (and dead-lettered there after the last attempt) and picked up by the sweep, so
    # retries survive a lost task message too. The task itself therefore does not fail:
    # raising would make PlatformTask.on_failure dead-letter the message after one attempt.
    try:
        return service.deliver(message_id)
    except Exception:
        log.exception("outbox %s not delivered; the sweep retries it", message_id)
        return False


@shared_task(base=PlatformTask, name="outbox.deliver_batch")
def deliver_outbox_batch(message_ids: list[int]) -> int:
    """Deliver up to `notify.service.BATCH` messages (a bulk enqueue's, or the sweep's) in one
    transaction. As above, a failure stays in the outbox rows and the sweep retries it."""
    try:
        return service.deliver_many(message_ids)
    except Exception:
        log.exception("outbox batch of %s not delivered; the sweep retries it", len(message_ids))
        return 0


@shared_task(base=PlatformTask, name="outbox.sweep")
def sweep_outbox() -> int:
    """Queue every due message, in batches; the claim makes duplicates harmless."""
    due = [message_id for message_id, _tenant_id in service.due_message_ids(SWEEP_LIMIT)]
    for start in range(0, len(due), service.BATCH):
        try:
            deliver_outbox_batch.delay(due[start : start + service.BATCH])
        except Exception as exc:
            log.warning("sweep could not queue outbox batch at %s: %s", due[start], exc)
            break
    return len(due)
