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
    # itself and picked up by the sweep, so retries survive a lost task message too.
    return service.deliver(message_id)


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
