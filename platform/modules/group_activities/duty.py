"""The group activities' lines of a representative's duty record (履职档案): the activities of
their representative groups they attended, and those they were absent from.

An activity counts in the period of its first day (Asia/Shanghai); attendance is what the group
leader recorded for the members of the group at the time (attended, or absent)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines
from lianxin.modules.group_activities.models import Activity, Attendance
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet

ATTENDED = "group_activities.attended"
ABSENT = "group_activities.absent"

ITEMS = (
    DutyItem(
        ATTENDED,
        _l("参加代表小组活动"),
        unit=_l("次"),
        description=_l("期内所在代表小组开展的活动中，本人参加的次数"),
    ),
    DutyItem(
        ABSENT,
        _l("代表小组活动缺席"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内所在代表小组开展的活动中，本人未参加的次数"),
    ),
)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    rows = db.session.execute(
        select(Attendance.representative_id, Attendance.attended, Activity.held_on, Activity.topic)
        .join(
            Activity,
            and_(Activity.id == Attendance.activity_id, Activity.tenant_id == Attendance.tenant_id),
        )
        .where(
            Attendance.representative_id.in_(list(representative_ids)),
            Activity.held_on >= start,
            Activity.held_on < end,
        )
    ).all()
    lines = Lines(start, end)
    for rep_id, attended, held_on, topic in rows:
        if attended:
            lines.add(rep_id, ATTENDED, held_on, _("代表小组活动《%(t)s》", t=topic))
        else:
            lines.add(rep_id, ABSENT, held_on, _("未参加代表小组活动《%(t)s》", t=topic))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
