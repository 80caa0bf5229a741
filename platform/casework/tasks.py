"""Celery tasks of casework: the due-soon and overdue reminder sweep (beat, every 5 minutes)."""

from __future__ import annotations

from celery import shared_task

from lianxin.casework import service
from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="casework.send_reminders")
def send_reminders(*, tenant_id: int) -> dict[str, int]:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return {"due_soon": 0, "overdue": 0}
    return service.send_reminders(township)


@shared_task(base=PlatformTask, name="casework.sweep_reminders")
def sweep_reminders() -> int:
    """One small task per active township; each runs in that township's context."""
    return each_township(send_reminders)
