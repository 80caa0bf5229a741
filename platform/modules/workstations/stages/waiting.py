"""What waits for whom (the to-do home): the shifts the office has not published yet and the
commitments past their deadline; a representative's next shift and open commitments. One query
each; only what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import and_, func, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules.waiting import Waiting, as_waiting, in_one, paged, pile, waiting
from lianxin.modules.workstations.models import Commitment, Shift, Station, StationRepresentative
from lianxin.tenants.models import Township


def unpublished_shifts(actor: Actor, township: Township, today: date) -> Waiting:
    """The office's coming shifts not published yet; `due_on` is the first one's day and
    `page_id` the station when they are all at one."""
    if not permissions.can_work_in_office(actor, township.id):
        return Waiting()
    row = db.session.execute(
        select(*pile(Shift.id, Shift.created_at, Shift.day), *in_one(Shift.station_id)).where(
            Shift.published.is_(False), Shift.day >= today
        )
    ).one()
    return paged(row)


def commitments_overdue(actor: Actor, township: Township, today: date) -> Waiting:
    """The office's public commitments past their deadline with no outcome recorded."""
    if not permissions.can_work_in_office(actor, township.id):
        return Waiting()
    return waiting(
        select(*pile(Commitment.id, Commitment.created_at, Commitment.deadline)).where(
            Commitment.outcome.is_(None), Commitment.deadline < today
        )
    )


@dataclass(frozen=True)
class NextShift:
    count: int  # coming published shifts, this one included
    station_id: int
    station: str
    day: date
    starts_at: time
    ends_at: time


def next_shift(actor: Actor, township: Township, today: date) -> NextShift | None:
    """The representative's next published shift, and how many are coming."""
    rep = casework.representative_of(actor, township)
    if rep is None:
        return None
    rows = db.session.execute(
        select(Station.id, Station.name, Shift.day, Shift.starts_at, Shift.ends_at)
        .join(Station, and_(Station.id == Shift.station_id, Station.tenant_id == Shift.tenant_id))
        .where(Shift.representative_id == rep.id, Shift.published.is_(True), Shift.day >= today)
        .order_by(Shift.day, Shift.starts_at)
    ).all()
    if not rows:
        return None
    station_id, station, day, starts_at, ends_at = rows[0]
    return NextShift(len(rows), station_id, station, day, starts_at, ends_at)


def my_commitments(actor: Actor, township: Township) -> Waiting:
    """The representative's public commitments with no outcome recorded; `page_id` is a
    station of theirs (its page shows them)."""
    rep = casework.representative_of(actor, township)
    if rep is None:
        return Waiting()
    station = (
        select(func.min(StationRepresentative.station_id))
        .where(StationRepresentative.representative_id == rep.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(*pile(Commitment.id, Commitment.created_at, Commitment.deadline), station).where(
            Commitment.representative_id == rep.id, Commitment.outcome.is_(None)
        )
    ).one()
    found = as_waiting(row)
    return Waiting(found.count, found.latest, found.due_on, found.first_id, row[4])
