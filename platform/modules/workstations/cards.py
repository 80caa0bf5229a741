"""The workstation line of the contact card (连心卡): where a representative can be met.

Declared as `ModuleSpec.card_lines` (lianxin.modules.registry, the card-line hook); the people's
card asks the registry and never imports this module. A representative's stations are the open
ones they are attached to (驻站) and those where a published shift of theirs is still ahead;
the line names the station and, smaller, its address and opening hours (public facts of the
station, never the representative's own contact).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import and_, select, union

from lianxin.db import db
from lianxin.modules.kit import today
from lianxin.modules.registry import CardLine
from lianxin.modules.workstations.models import Shift, Station, StationRepresentative

SLOT = "workstation"


def card_lines(tenant_id: int, representative_ids: Sequence[int]) -> dict[int, list[CardLine]]:
    """Each representative's stations as card lines, in one query for the whole batch."""
    ids = sorted({int(i) for i in representative_ids})
    if not ids:
        return {}
    attached = select(
        StationRepresentative.representative_id.label("rep_id"),
        StationRepresentative.station_id.label("station_id"),
    ).where(
        StationRepresentative.tenant_id == tenant_id,
        StationRepresentative.representative_id.in_(ids),
    )
    on_duty = select(
        Shift.representative_id.label("rep_id"), Shift.station_id.label("station_id")
    ).where(
        Shift.tenant_id == tenant_id,
        Shift.representative_id.in_(ids),
        Shift.published.is_(True),
        Shift.day >= today(),
    )
    links = union(attached, on_duty).subquery()
    rows = db.session.execute(
        select(links.c.rep_id, Station)
        .join(Station, and_(Station.id == links.c.station_id, Station.tenant_id == tenant_id))
        .where(Station.is_active.is_(True))
        .order_by(links.c.rep_id, Station.id)
    ).all()
    label = _("工作站")
    out: dict[int, list[CardLine]] = defaultdict(list)
    for rep_id, station in rows:
        detail = "；".join(
            part
            for part in (
                station.address,
                _("开放时间：%(h)s", h=station.hours) if station.hours else "",
            )
            if part
        )
        out[int(rep_id)].append(CardLine(SLOT, label, station.name, detail))
    return dict(out)
