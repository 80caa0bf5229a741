"""The reception days' lines of a representative's duty record (履职档案): the duties kept and
the duties missed on the days held in the period.

A day counts once it is held: on a published schedule and not after today (Asia/Shanghai),
as the county's figures count it. A duty kept is one the representative was on at the day
(a substitute's too); a duty missed is one they reported they could not keep (缺岗), whoever
took it over. The reason given for an absence is theirs and stays off the record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines, today
from lianxin.modules.reception_days.models import (
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
)
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet

KEPT = "reception_days.duties_kept"
MISSED = "reception_days.duties_missed"

ITEMS = (
    DutyItem(
        KEPT,
        _l("接待日值班"),
        unit=_l("次"),
        description=_l("期内已举行的接待日，在岗接待的次数（含替班）"),
    ),
    DutyItem(
        MISSED,
        _l("接待日缺岗"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内已举行的接待日，排班后报告不能到岗的次数"),
    ),
)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    until = min(end, date.fromordinal(today().toordinal() + 1))
    rows = db.session.execute(
        select(
            Duty.representative_id,
            Duty.status,
            Duty.substitute_for_id,
            ReceptionDay.day,
            Site.name,
        )
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
        .join(Site, and_(Site.id == Duty.site_id, Site.tenant_id == Duty.tenant_id))
        .where(
            Duty.representative_id.in_(list(representative_ids)),
            Schedule.status == ScheduleStatus.PUBLISHED,
            ReceptionDay.day >= start,
            ReceptionDay.day < until,
        )
    ).all()
    lines = Lines(start, end)
    for rep_id, status, substitute_for, day, site in rows:
        if status == DutyStatus.ABSENT:
            lines.add(rep_id, MISSED, day, _("接待日缺岗（%(site)s）", site=site))
        elif substitute_for is not None:
            lines.add(rep_id, KEPT, day, _("接待日替班（%(site)s）", site=site))
        else:
            lines.add(rep_id, KEPT, day, _("接待日（%(site)s）", site=site))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
