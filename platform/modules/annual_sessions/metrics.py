"""The county's figures of the annual session: held, attendance and quorum.

A session is held in the period when it was opened (with its quorum) and its first day is in the
period. Attendance: representatives checked in on any of its days over 应到 (the session's roll,
so one who came and then left with leave for the remaining days counts), summed over the
sessions held.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from lianxin.db import db
from lianxin.modules.annual_sessions.models import Attendance, AttendanceStatus, Session
from lianxin.modules.registry import Figure, Metric, MetricSet, rate

METRICS = (
    Metric(
        "sessions_held", _l("年会召开"), description=_l("期内召开（达到法定人数开幕）的年会次数")
    ),
    Metric(
        "sessions_attendance",
        _l("年会出席率"),
        kind="rate",
        description=_l("期内召开的年会实到人数占应到人数的比例"),
    ),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    sessions = db.session.execute(
        select(Session.id, Session.expected_count).where(
            Session.opened_at.is_not(None), Session.held_on >= start, Session.held_on < end
        )
    ).all()
    expected = sum(n or 0 for _id, n in sessions)
    present = 0
    if sessions:
        present = (
            db.session.scalar(
                select(func.count())
                .select_from(Attendance)
                .where(
                    Attendance.session_id.in_([s for s, _n in sessions]),
                    or_(
                        Attendance.status == AttendanceStatus.PRESENT,
                        Attendance.checked_in_at.is_not(None),
                    ),
                )
            )
            or 0
        )
    return {
        "sessions_held": Figure(len(sessions)),
        "sessions_attendance": rate(present, expected),
    }


ANNUAL_SESSION_METRICS = MetricSet(METRICS, figures)
