"""Beat task: due-soon and overdue reminders of the proposals assigned to handling units."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.proposals import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="proposals.reminders", module_key="proposals")
def reminders(*, tenant_id: int, today: str | None = None) -> dict[str, int] | None:
    from datetime import date

    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return service.send_reminders(township, date.fromisoformat(today) if today else None)


@shared_task(base=PlatformTask, name="proposals.sweep")
def sweep() -> int:
    """One task per active township (a township without the module is skipped by PlatformTask)."""
    return each_township(reminders)
