"""Beat task of the annual-session module: the worker's release of sealed secret ballots while
votes run, in batches of at least K (never in a voter's request: lianxin.db.anonymous)."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.modules.annual_sessions import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="annual_sessions.release", module_key="annual_sessions")
def release(*, tenant_id: int) -> int:
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return 0
    return service.release_open_votes(township)


@shared_task(base=PlatformTask, name="annual_sessions.release_sweep")
def release_sweep() -> int:
    return each_township(release)
