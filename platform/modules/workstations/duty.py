"""The workstations' lines of a representative's duty record (履职档案): station shifts kept and
missed, and the meetings with the public (约见) they took part in.

A shift is kept when it was on the published roster with the representative on it and its day
has come (Asia/Shanghai); a shift is missed when the representative was replaced on a
published shift inside the lead time (a substitution, `replaced_representative_id`). A shift
never published was not announced to the public: it counts neither way, as in the county's
figures. The substitution's reason stays off the record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines, today
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet
from lianxin.modules.workstations.models import Meeting, MeetingRepresentative, Shift, Station
from lianxin.modules.workstations.stages.meetings import MEETING_LABELS

SHIFTS_KEPT = "workstations.shifts_kept"
SHIFTS_MISSED = "workstations.shifts_missed"
MEETINGS = "workstations.meetings"

ITEMS = (
    DutyItem(
        SHIFTS_KEPT,
        _l("工作站值班"),
        unit=_l("次"),
        description=_l("期内已公示的值班表上本人值守、且值班日已到的班次"),
    ),
    DutyItem(
        SHIFTS_MISSED,
        _l("工作站缺班"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内已公示的班次中，因本人不能到岗而由他人替补的次数"),
    ),
    DutyItem(
        MEETINGS,
        _l("工作站约见群众"),
        unit=_l("次"),
        description=_l("期内参加的各类约见活动次数"),
    ),
)

_STATION = and_(Station.id == Shift.station_id, Station.tenant_id == Shift.tenant_id)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    until = min(end, date.fromordinal(today().toordinal() + 1))
    lines = Lines(start, end)
    shifts = db.session.execute(
        select(
            Shift.representative_id,
            Shift.replaced_representative_id,
            Shift.day,
            Station.name,
        )
        .join(Station, _STATION)
        .where(
            Shift.published.is_(True),
            Shift.day >= start,
            Shift.day < until,
            Shift.representative_id.in_(ids) | Shift.replaced_representative_id.in_(ids),
        )
    ).all()
    wanted = set(ids)
    for rep_id, replaced_id, day, station in shifts:
        if rep_id in wanted:
            lines.add(rep_id, SHIFTS_KEPT, day, _("工作站值班（%(s)s）", s=station))
        if replaced_id in wanted:
            lines.add(replaced_id, SHIFTS_MISSED, day, _("工作站缺班（%(s)s）", s=station))
    meetings = db.session.execute(
        select(MeetingRepresentative.representative_id, Meeting.held_on, Meeting.kind, Station.name)
        .join(
            Meeting,
            and_(
                Meeting.id == MeetingRepresentative.meeting_id,
                Meeting.tenant_id == MeetingRepresentative.tenant_id,
            ),
        )
        .join(
            Station, and_(Station.id == Meeting.station_id, Station.tenant_id == Meeting.tenant_id)
        )
        .where(
            MeetingRepresentative.representative_id.in_(ids),
            Meeting.held_on >= start,
            Meeting.held_on < until,
        )
    ).all()
    for rep_id, held_on, kind, station in meetings:
        label = MEETING_LABELS.get(kind, _("约见"))
        lines.add(rep_id, MEETINGS, held_on, _("%(k)s（%(s)s）", k=label, s=station))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
