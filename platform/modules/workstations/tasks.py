"""Beat task: on the 1st of each month, store last month's .xlsx report of every station."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.workstations import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="workstations.monthly_reports", module_key="workstations")
def monthly_reports(*, tenant_id: int, month: str | None = None) -> int:
    from datetime import date

    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return 0
    return service.generate_all_reports(township, date.fromisoformat(month) if month else None)


@shared_task(base=PlatformTask, name="workstations.sweep_monthly_reports")
def sweep_monthly_reports() -> int:
    """One task per active township (a township without the module is skipped by PlatformTask)."""
    return each_township(monthly_reports)
