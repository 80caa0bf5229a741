"""The county's figures of workstations: stations open, the duty roster kept, meetings held.

Duty kept: of the shifts on the roster for days in the period, the share that was published
(a shift never published was not announced to the public, so it was not kept as a duty).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.modules.registry import EntityFigure, Figure, Metric, MetricSet, rate, utc_bounds
from lianxin.modules.workstations.models import Meeting, Shift, Station

METRICS = (
    Metric("stations_open", _l("工作站（室）"), description=_l("期末在用的工作站、工作室数")),
    Metric(
        "stations_duty_kept",
        _l("值班公示率"),
        kind="rate",
        description=_l("期内排班中已公示的班次比例"),
    ),
    Metric("stations_meetings", _l("约见活动"), description=_l("期内各类约见活动次数")),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    _lo, hi = utc_bounds(start, end)
    stations = db.session.scalar(
        select(func.count())
        .select_from(Station)
        .where(Station.is_active.is_(True), Station.created_at < hi)
    )
    shifts = db.session.execute(
        select(Shift.published, func.count())
        .where(Shift.day >= start, Shift.day < end)
        .group_by(Shift.published)
    ).all()
    total = sum(n for _p, n in shifts)
    published = sum(n for p, n in shifts if p)
    meetings = db.session.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.held_on >= start, Meeting.held_on < end)
    )
    return {
        "stations_open": Figure(stations or 0),
        "stations_duty_kept": rate(published, total),
        "stations_meetings": Figure(meetings or 0),
    }


def entities(start: date, end: date) -> Iterator[EntityFigure]:
    """Each station's meetings with the public in the period."""
    rows = db.session.execute(
        select(Station.id, Station.name, func.count(Meeting.id))
        .join(
            Meeting,
            (Meeting.station_id == Station.id)
            & (Meeting.tenant_id == Station.tenant_id)
            & (Meeting.held_on >= start)
            & (Meeting.held_on < end),
        )
        .group_by(Station.id, Station.name)
    ).all()
    for station_id, name, count in rows:
        yield EntityFigure("station", station_id, name, "stations_meetings", count, count)


WORKSTATION_METRICS = MetricSet(METRICS, figures, entities)
