"""Beat task: each township's quarter-end reminders of the liaison chain (三联)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.liaison import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="liaison.daily", module_key="liaison")
def daily(*, tenant_id: int, today: str | None = None) -> dict[str, int] | None:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return service.run_daily(township, date.fromisoformat(today) if today else None)


@shared_task(base=PlatformTask, name="liaison.sweep")
def sweep() -> int:
    """One task per active township (a township without the module is skipped by PlatformTask)."""
    return each_township(daily)
