"""Beat task: each township's commitments due within its reminder days remind their
representatives, once."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.commitments import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="commitments.remind", module_key="commitments")
def remind(*, tenant_id: int) -> int | None:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return service.remind_due(township)


@shared_task(base=PlatformTask, name="commitments.remind_sweep")
def remind_sweep() -> int:
    """Daily, one task per active township (a township without the module is skipped)."""
    return each_township(remind)
