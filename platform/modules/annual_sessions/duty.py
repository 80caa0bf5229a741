"""The annual sessions' lines of a representative's duty record (履职档案): sessions attended,
on approved leave, and absent without it; and the agenda items they proposed (a constructive
suggestion).

A session counts in the period of its first day (Asia/Shanghai) once it has opened. Attended:
checked in (a representative who came and left on leave later came). On leave: approved leave
and never came. Absent: expected and neither — only once the session is closed, or its last day
has passed. Expected is the roll of the session (planning.expected_reps): in office on its first
day and on the roll when it opened. Items proposed are those they proposed or joined (联名),
and those they proposed for their group, whatever the committee decided about them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Item,
    ItemSupporter,
    Proposer,
    Session,
    SessionState,
)
from lianxin.modules.duty_lines import Lines, today
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet
from lianxin.people.models import Representative

ATTENDED = "annual_sessions.attended"
LEAVE = "annual_sessions.leave"
ABSENT = "annual_sessions.absent"
ITEMS_PROPOSED = "annual_sessions.items_proposed"

ITEMS = (
    DutyItem(
        ATTENDED, _l("出席年会"), unit=_l("次"), description=_l("期内召开的年会，签到出席的次数")
    ),
    DutyItem(
        LEAVE,
        _l("年会请假"),
        unit=_l("次"),
        kind="info",
        description=_l("期内召开的年会，经批准请假未出席的次数（仅作记录）"),
    ),
    DutyItem(
        ABSENT,
        _l("年会无故缺席"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内已闭会的年会，应到而未签到、也未获准请假的次数"),
    ),
    DutyItem(
        ITEMS_PROPOSED,
        _l("年会提出议题"),
        unit=_l("条"),
        description=_l("期内年会上本人提出、联名提出或代表小组提出的议题数"),
        suggestion=True,
    ),
)


def _came(row: Attendance) -> bool:
    return row.status == AttendanceStatus.PRESENT or row.checked_in_at is not None


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    lines = Lines(start, end)
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(Session).where(
                Session.held_on >= start,
                Session.held_on < end,
                Session.state.in_([SessionState.OPEN, SessionState.CLOSED]),
            )
        )
    }
    if sessions:
        rows = {
            (a.session_id, a.representative_id): a
            for a in db.session.scalars(
                select(Attendance).where(
                    Attendance.session_id.in_(list(sessions)),
                    Attendance.representative_id.in_(ids),
                )
            )
        }
        reps = list(db.session.scalars(select(Representative).where(Representative.id.in_(ids))))
        now = today()
        for session in sessions.values():
            over = session.state == SessionState.CLOSED or session.ends_on < now
            title = _("《%(t)s》", t=session.title)
            for rep in reps:
                row = rows.get((session.id, rep.id))
                if row is not None and _came(row):
                    lines.add(rep.id, ATTENDED, session.held_on, _("出席%(t)s", t=title))
                elif row is not None and row.status == AttendanceStatus.LEAVE_APPROVED:
                    lines.add(rep.id, LEAVE, session.held_on, _("请假（已准假）%(t)s", t=title))
                elif over and (row is not None or _expected(rep, session)):
                    lines.add(rep.id, ABSENT, session.held_on, _("未出席%(t)s", t=title))
    supported = db.session.execute(
        select(ItemSupporter.representative_id, Item.title, Session.held_on)
        .join(
            Item, and_(Item.id == ItemSupporter.item_id, Item.tenant_id == ItemSupporter.tenant_id)
        )
        .join(Session, and_(Session.id == Item.session_id, Session.tenant_id == Item.tenant_id))
        .where(
            ItemSupporter.representative_id.in_(ids),
            Session.held_on >= start,
            Session.held_on < end,
        )
    ).all()
    by_group = db.session.execute(
        select(Representative.id, Item.title, Session.held_on)
        .join(
            Representative,
            and_(
                Representative.user_id == Item.proposed_by_id,
                Representative.tenant_id == Item.tenant_id,
            ),
        )
        .join(Session, and_(Session.id == Item.session_id, Session.tenant_id == Item.tenant_id))
        .where(
            Representative.id.in_(ids),
            Item.proposer == Proposer.GROUP,
            Session.held_on >= start,
            Session.held_on < end,
        )
    ).all()
    for rep_id, title, held_on in [*supported, *by_group]:
        lines.add(rep_id, ITEMS_PROPOSED, held_on, _("提出议题《%(t)s》", t=title))
    return lines.result()


def _expected(rep: Representative, session: Session) -> bool:
    """On the session's roll: in office on its first day, and entered before it opened."""
    in_office = rep.in_office or (rep.ended_on is not None and rep.ended_on > session.held_on)
    entered = session.opened_at is None or rep.created_at <= session.opened_at
    return in_office and entered


DUTY = DutySet(items=ITEMS, compute=duty_lines)
