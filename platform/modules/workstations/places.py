"""The stations as places where cases are received in person (registry.CasePlaces): casework's
own form (代为登记) asks for the station of a visit, so that the case counts in the station's
monthly report (stages/reports.py counts the cases sourced to the station)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.registry import CasePlace, CasePlaces
from lianxin.modules.workstations import service
from lianxin.modules.workstations.models import Station
from lianxin.tenants.models import Township


def _place(station: Station) -> CasePlace:
    return CasePlace(service.SOURCE_TYPE, station.id, station.name)


def listed(township: Township) -> list[CasePlace]:
    """The township's open stations, by name (the township's tenant context is the caller's)."""
    rows = db.session.scalars(
        select(Station).where(Station.is_active.is_(True)).order_by(Station.name, Station.id)
    )
    return [_place(s) for s in rows]


def find(township: Township, station_id: int) -> CasePlace | None:
    """A station of the township (a visit may be recorded late, after it closed); None for an
    unknown or foreign one."""
    try:
        return _place(service.find_station(township, station_id))
    except NotFound:
        return None


# The four kinds of 约见 at a station: a case of one of these channels was received at one.
CASE_PLACES = CasePlaces(
    channels=frozenset(str(c) for c in service.CHANNEL_OF.values()),
    listed=listed,
    find=find,
)
