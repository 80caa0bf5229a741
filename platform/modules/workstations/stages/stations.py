"""Setting up: the stations, the representatives who serve at each, and the lookups and access
rules the other stages share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.kit import module_settings
from lianxin.modules.workstations.inputs import StationInput
from lianxin.modules.workstations.models import Station, StationKind, StationRepresentative
from lianxin.people.models import Representative
from lianxin.people.service import clean_phone
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case

MODULE_KEY = "workstations"
SOURCE_TYPE = "workstation"

KIND_LABELS = {
    StationKind.COUNTY: "县级",
    StationKind.TOWNSHIP: "乡镇级",
    StationKind.VILLAGE: "村（社区）级",
    StationKind.ENTERPRISE: "企业",
    StationKind.PERSONAL: "代表个人工作室",
}


# --- access and lookups (shared by every stage) ---------------------------------------------------


_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


def find_station(township: Township, station_id: int) -> Station:
    """The station in the request's township, without an access check (a foreign id: 404)."""
    station = db.session.get(Station, (township.id, int(station_id)))
    if station is None:
        raise NotFound(_("未找到该工作站"))
    return station


def find_representative(township: Township, rep_id: int) -> Representative:
    """A representative of the township by id (a foreign one: 404)."""
    rep = db.session.get(Representative, (township.id, rep_id))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


def clean_public_phone(value: str | None) -> str | None:
    return clean_phone(value)


# --- stations -------------------------------------------------------------------------------------


def list_stations(actor: Actor, township: Township) -> list[Station]:
    return page_stations(actor, township)[0]


def page_stations(
    actor: Actor, township: Township, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Station], int]:
    """(one page of the stations, how many there are)."""
    _read(actor, township)
    return paged(select(Station), Station.id, offset=offset, limit=limit)


def get_station(actor: Actor, township: Township, station_id: int) -> Station:
    _read(actor, township)
    return find_station(township, station_id)


def _check_name(name: str, except_id: int | None = None) -> None:
    query = select(Station.id).where(Station.name == name)
    if except_id is not None:
        query = query.where(Station.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的工作站")]})


@use_case
def create_station(actor: Actor, township: Township, data: StationInput) -> Station:
    _write(actor, township)
    _check_name(data.name)  # a rule that needs the database stays here
    station = Station(**asdict(data))
    db.session.add(station)
    db.session.flush()
    audit.record(
        "workstation.create",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        after={"name": station.name, "kind": station.kind},
    )
    return station


@use_case
def update_station(
    actor: Actor, township: Township, station_id: int, changes: Changes[StationInput]
) -> Station:
    """Change the named fields (loaded by StationInputSchema with `partial=True`)."""
    station = get_station(actor, township, station_id)
    _write(actor, township)
    if "name" in changes:
        _check_name(changes["name"], station.id)
    for key, value in changes.items():
        setattr(station, key, value)
    audit.record(
        "workstation.update",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        after={k: str(v) for k, v in changes.items()},
    )
    return station


def station_representatives(township: Township, station: Station) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .join(
                StationRepresentative,
                and_(
                    StationRepresentative.representative_id == Representative.id,
                    StationRepresentative.tenant_id == Representative.tenant_id,
                ),
            )
            .where(StationRepresentative.station_id == station.id)
            .order_by(Representative.name_pinyin)
        )
    )


@use_case
def set_representatives(
    actor: Actor, township: Township, station_id: int, rep_ids: Iterable[int]
) -> list[Representative]:
    """Attach exactly these representatives to the station (an ended one cannot be added)."""
    station = get_station(actor, township, station_id)
    _write(actor, township)
    wanted = {r.id: r for r in (find_representative(township, i) for i in rep_ids)}
    current = {
        link.representative_id: link
        for link in db.session.scalars(
            select(StationRepresentative).where(StationRepresentative.station_id == station.id)
        )
    }
    for rep_id, rep in wanted.items():
        if rep_id not in current and not rep.in_office:
            raise ValidationFailed(
                errors={"representative_ids": [_("%(n)s 的代表资格已终止", n=rep.name)]}
            )
    for rep_id, link in current.items():
        if rep_id not in wanted:
            db.session.delete(link)
    for rep_id in wanted:
        if rep_id not in current:
            db.session.add(StationRepresentative(station_id=station.id, representative_id=rep_id))
    audit.record(
        "workstation.representatives",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation",
        target_id=station.id,
        before={"ids": sorted(current)},
        after={"ids": sorted(wanted)},
    )
    db.session.flush()  # the list below reads the new links
    return station_representatives(township, station)
