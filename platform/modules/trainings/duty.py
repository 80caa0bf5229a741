"""Training's lines of a representative's duty record (履职档案): the sessions they attended,
the days they were present, and the sessions they missed without an approved leave.

As the standing (stages/standing.py) counts them, on Asia/Shanghai dates: a day present counts
on its day (half a day, 0.5); a session attended counts once, on its first day present; an
unexcused absence is an invitation to a session that starts in the period and is
over (its last day has passed) with no day present and no approved leave for the session. A
cancelled session counts for nothing. The reason of a leave stays off the record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines, today
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet
from lianxin.modules.trainings.models import (
    Half,
    Leave,
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)

SESSIONS = "trainings.sessions_attended"
DAYS = "trainings.days_attended"
UNEXCUSED = "trainings.unexcused_absences"

ITEMS = (
    DutyItem(
        SESSIONS,
        _l("参加学习培训"),
        unit=_l("次"),
        description=_l("期内签到参加的学习培训期数"),
    ),
    DutyItem(
        DAYS,
        _l("学习培训天数"),
        unit=_l("天"),
        description=_l("期内签到的学习培训天数（半天计0.5天）"),
    ),
    DutyItem(
        UNEXCUSED,
        _l("学习培训无故缺席"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内已结束的学习培训中，受邀而未签到、也未获准请假的期数"),
    ),
)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    lines = Lines(start, end)
    on_session = and_(
        TrainingSession.id == TrainingCheckIn.session_id,
        TrainingSession.tenant_id == TrainingCheckIn.tenant_id,
        TrainingSession.cancelled_at.is_(None),
    )
    check_ins = db.session.execute(
        select(
            TrainingCheckIn.representative_id,
            TrainingCheckIn.day,
            TrainingCheckIn.half,
            TrainingSession.title,
        )
        .join(TrainingSession, on_session)
        .where(
            TrainingCheckIn.representative_id.in_(ids),
            TrainingCheckIn.day >= start,
            TrainingCheckIn.day < end,
        )
    ).all()
    for rep_id, day, half, title in check_ins:
        if half == Half.FULL:
            lines.add(rep_id, DAYS, day, _("学习培训《%(t)s》", t=title))
        else:
            lines.add(rep_id, DAYS, day, _("学习培训《%(t)s》（半天）", t=title), count=0.5)
    # A session attended counts once, in the period of its first day present (a session over
    # New Year counts in the year it was first attended), as the standing counts it.
    first_day = func.min(TrainingCheckIn.day)
    attended = db.session.execute(
        select(TrainingCheckIn.representative_id, first_day, TrainingSession.title)
        .join(TrainingSession, on_session)
        .where(TrainingCheckIn.representative_id.in_(ids), TrainingCheckIn.day < end)
        .group_by(TrainingCheckIn.representative_id, TrainingSession.id, TrainingSession.title)
        .having(first_day >= start)
    ).all()
    for rep_id, day, title in attended:
        lines.add(rep_id, SESSIONS, day, _("参加学习培训《%(t)s》", t=title))
    present = exists().where(
        TrainingCheckIn.session_id == TrainingInvitation.session_id,
        TrainingCheckIn.representative_id == TrainingInvitation.representative_id,
        TrainingCheckIn.tenant_id == TrainingInvitation.tenant_id,
    )
    # Not excused: no leave for the session approved (NULLs spelled out: NOT of a NULL drops
    # the row). A half day's leave does not excuse a whole absence.
    unexcused = or_(
        TrainingInvitation.leave.is_(None),
        TrainingInvitation.leave != Leave.APPROVED,
        TrainingInvitation.leave_half.is_not(None),
    )
    absences = db.session.execute(
        select(
            TrainingInvitation.representative_id,
            TrainingSession.starts_on,
            TrainingSession.title,
        )
        .join(
            TrainingSession,
            and_(
                TrainingSession.id == TrainingInvitation.session_id,
                TrainingSession.tenant_id == TrainingInvitation.tenant_id,
            ),
        )
        .where(
            TrainingInvitation.representative_id.in_(ids),
            TrainingSession.starts_on >= start,
            TrainingSession.starts_on < end,
            TrainingSession.ends_on < today(),
            TrainingSession.cancelled_at.is_(None),
            ~present,
            unexcused,
        )
    ).all()
    for rep_id, starts_on, title in absences:
        lines.add(rep_id, UNEXCUSED, starts_on, _("未参加学习培训《%(t)s》", t=title))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
