"""Beat tasks: each township's consultations past their deadline day are closed (a secret vote
is then counted by its outbox message); those closing within the reminder days remind, once,
the representatives asked who have not answered."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.consultations import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="consultations.close_due", module_key="consultations")
def close_due(*, tenant_id: int) -> int | None:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return service.close_due(township)


@shared_task(base=PlatformTask, name="consultations.sweep")
def sweep() -> int:
    """One task per active township (a township without the module is skipped by PlatformTask)."""
    return each_township(close_due)


@shared_task(base=PlatformTask, name="consultations.remind", module_key="consultations")
def remind(*, tenant_id: int) -> int | None:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return service.remind_due(township)


@shared_task(base=PlatformTask, name="consultations.remind_sweep")
def remind_sweep() -> int:
    """Daily, one task per active township: the reminders of non-respondents."""
    return each_township(remind)
