"""The county's figures of reception days: days held and people received.

A day is held when it is on a published schedule and its date is in the period (and not in the
future); people received are the counts recorded at its sites.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
)
from lianxin.modules.registry import Figure, Metric, MetricSet, rate

METRICS = (
    Metric("reception_days_held", _l("接待日"), description=_l("期内已举行的接待日天数")),
    Metric("reception_people", _l("接待群众人次"), description=_l("期内接待日各点登记的接待人次")),
    Metric(
        "reception_attendance",
        _l("代表到岗率"),
        kind="rate",
        description=_l("期内已举行接待日首次排班的代表（不含替补）中未请假的比例"),
    ),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    until = min(end, date.fromordinal(shanghai_today().toordinal() + 1))
    held = (
        select(ReceptionDay.id)
        .join(
            Schedule,
            (Schedule.id == ReceptionDay.schedule_id)
            & (Schedule.tenant_id == ReceptionDay.tenant_id),
        )
        .where(
            Schedule.status == ScheduleStatus.PUBLISHED,
            ReceptionDay.day >= start,
            ReceptionDay.day < until,
        )
    )
    day_ids = list(db.session.scalars(held))
    if not day_ids:
        return {
            "reception_days_held": Figure(0),
            "reception_people": Figure(0),
            "reception_attendance": Figure(None, 0),
        }
    people = db.session.scalar(
        select(func.coalesce(func.sum(DaySite.people_received), 0)).where(
            DaySite.day_id.in_(day_ids)
        )
    )
    duties = db.session.execute(
        select(Duty.status, func.count())
        .where(Duty.day_id.in_(day_ids), Duty.substitute_for_id.is_(None))
        .group_by(Duty.status)
    ).all()
    # Substitutes are left out: the share is of the representatives first put on duty.
    absent = sum(n for s, n in duties if s == DutyStatus.ABSENT)
    on_duty = sum(n for s, n in duties if s == DutyStatus.ON_DUTY)
    return {
        "reception_days_held": Figure(len(day_ids)),
        "reception_people": Figure(int(people or 0)),
        "reception_attendance": rate(on_duty, on_duty + absent),
    }


RECEPTION_DAY_METRICS = MetricSet(METRICS, figures)
