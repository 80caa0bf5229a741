"""Celery tasks of the outbox: deliver one message, and the every-minute sweep."""

from __future__ import annotations

import logging

from celery import shared_task

from lianxin.jobs import PlatformTask
from lianxin.notify import service

log = logging.getLogger("lianxin.outbox")


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


@shared_task(base=PlatformTask, name="outbox.sweep")
def sweep_outbox() -> int:
    """Queue every due message; the claim in `deliver` makes duplicates harmless."""
    due = service.due_message_ids()
    for message_id, _tenant_id in due:
        try:
            deliver_outbox_message.delay(message_id)
        except Exception as exc:
            log.warning("sweep could not queue outbox %s: %s", message_id, exc)
            break
    return len(due)
