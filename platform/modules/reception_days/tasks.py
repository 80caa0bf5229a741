"""Beat task: every morning, each township's reception days — notices that fall due, reminders
to the people on duty, and the summaries of days gone by."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.reception_days import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="reception_days.daily", module_key="reception_days")
def daily(*, tenant_id: int, today: str | None = None) -> dict[str, int] | None:
    from datetime import date

    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return service.run_daily(township, date.fromisoformat(today) if today else None)


@shared_task(base=PlatformTask, name="reception_days.sweep")
def sweep() -> int:
    """One task per active township (a township without the module is skipped by PlatformTask)."""
    return each_township(daily)
