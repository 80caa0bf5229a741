"""Drill-down: the county enters one township read-only from the comparison (the session's
read-only grant is `lianxin.county.drill`); the entry is audited in both chains."""

from __future__ import annotations

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.county.stages.comparison import _require_viewer
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.tenants.models import County, Township
from lianxin.usecases import use_case


@use_case
def drill_down(actor: Actor, county: County, township_id: int) -> Township:
    """Enter one township read-only from the comparison; the entry is audited in both chains."""
    _require_viewer(actor, county)
    township = db.session.get(Township, township_id)
    if township is None or township.county_id != county.id:
        raise NotFound()
    for tenant_id, county_id in ((township.id, None), (None, county.id)):
        audit.record(
            "county.drill_down",
            actor=actor,
            tenant_id=tenant_id,
            county_id=county_id,
            target_type="township",
            target_id=township.id,
            after={"read_only": True, "township": township.name},
        )
    return township
