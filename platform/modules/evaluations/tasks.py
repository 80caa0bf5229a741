"""Beat tasks of the evaluations module: the worker's release of sealed answers while campaigns
run (never in a voter's request: lianxin.db.anonymous), and the daily reminder of raters who
have not answered."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.evaluations import service
from lianxin.tenants.models import Township, TownshipStatus


def _township(tenant_id: int) -> Township | None:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return None
    return township


@shared_task(base=PlatformTask, name="evaluations.release", module_key="evaluations")
def release(*, tenant_id: int) -> int:
    township = _township(tenant_id)
    return service.release_open_campaigns(township) if township else 0


@shared_task(base=PlatformTask, name="evaluations.remind", module_key="evaluations")
def remind(*, tenant_id: int) -> int:
    township = _township(tenant_id)
    return service.remind_due(township) if township else 0


@shared_task(base=PlatformTask, name="evaluations.release_sweep")
def release_sweep() -> int:
    return each_township(release)


@shared_task(base=PlatformTask, name="evaluations.remind_sweep")
def remind_sweep() -> int:
    return each_township(remind)
