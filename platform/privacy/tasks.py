"""Celery tasks of retention: the daily purge of submitters' contact data (beat)."""

from __future__ import annotations

from celery import shared_task

from lianxin.db import db
from lianxin.jobs import PlatformTask, each_township
from lianxin.privacy import service
from lianxin.tenants.models import Township, TownshipStatus


@shared_task(base=PlatformTask, name="privacy.purge_contacts")
def purge_contacts(*, tenant_id: int) -> int:
    """One township's purge (runs in its tenant context, see PlatformTask)."""
    township = db.session.get(Township, tenant_id)
    if township is None or township.status != TownshipStatus.ACTIVE:
        return 0
    return service.purge_expired_contacts(township).cases


@shared_task(base=PlatformTask, name="privacy.retention_sweep")
def retention_sweep() -> int:
    """One small task per active township."""
    return each_township(purge_contacts)
