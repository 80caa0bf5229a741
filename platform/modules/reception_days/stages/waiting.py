"""What waits for whom (the to-do home): the duties the office must find a substitute for, and
a representative's coming duties. One query each; only what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import Select, and_, or_, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules.reception_days.models import (
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
)
from lianxin.modules.waiting import Waiting, in_one, paged, pile
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import Township


def _coming(today: date, *columns: Any) -> Select[Any]:
    """`columns` of the duties of published reception days from `today` on."""
    return (
        select(*columns)
        .select_from(Duty)
        .join(
            ReceptionDay,
            and_(ReceptionDay.id == Duty.day_id, ReceptionDay.tenant_id == Duty.tenant_id),
        )
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .where(Schedule.status == ScheduleStatus.PUBLISHED, ReceptionDay.day >= today)
    )


def substitutes_needed(actor: Actor, township: Township, today: date) -> Waiting:
    """Coming duties of someone who reported they cannot come, or whose qualification ended,
    that nobody stands in for yet: the office's. `due_on` is the first such day; `page_id`
    is the reception day when they are all on one."""
    if not permissions.can_work_in_office(actor, township.id):
        return Waiting()
    substituted = select(Duty.substitute_for_id).where(Duty.substitute_for_id.is_not(None))
    row = db.session.execute(
        _coming(
            today,
            *pile(Duty.id, Duty.absence_reported_at, ReceptionDay.day),
            *in_one(ReceptionDay.id),
        )
        .join(
            Representative,
            and_(
                Representative.id == Duty.representative_id,
                Representative.tenant_id == Duty.tenant_id,
            ),
        )
        .where(
            or_(Duty.status == DutyStatus.ABSENT, Representative.status != RepStatus.IN_OFFICE),
            Duty.id.not_in(substituted),
        )
    ).one()
    return paged(row)


@dataclass(frozen=True)
class NextDuty:
    count: int  # coming duties, this one included
    day_id: int
    day: date
    starts_at: time
    ends_at: time
    site: str


def next_duty(actor: Actor, township: Township, today: date) -> NextDuty | None:
    """The representative's next duty on a published reception day, and how many are coming."""
    rep = casework.representative_of(actor, township)
    if rep is None:
        return None
    rows = db.session.execute(
        _coming(
            today,
            ReceptionDay.id,
            ReceptionDay.day,
            ReceptionDay.starts_at,
            ReceptionDay.ends_at,
            Site.name,
        )
        .join(Site, and_(Site.id == Duty.site_id, Site.tenant_id == Duty.tenant_id))
        .where(Duty.representative_id == rep.id, Duty.status == DutyStatus.ON_DUTY)
        .order_by(ReceptionDay.day, ReceptionDay.starts_at)
    ).all()
    if not rows:
        return None
    day_id, day, starts_at, ends_at, site = rows[0]
    return NextDuty(len(rows), day_id, day, starts_at, ends_at, site)
