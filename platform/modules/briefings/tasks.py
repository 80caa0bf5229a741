"""Beat task of the briefings module: each morning, recipients who have not read a briefing
within its reading days are reminded once."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.briefings import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="briefings.remind", module_key="briefings")
def remind(*, tenant_id: int) -> int:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return 0
    return service.remind_due(township)


@shared_task(base=PlatformTask, name="briefings.remind_sweep")
def remind_sweep() -> int:
    """One task per active township (a township without the module is skipped by PlatformTask)."""
    return each_township(remind)
