"""The annual session on the duty record: attended (a representative who came and later took
leave came), on approved leave, absent without it (refused leave and no answer alike, once the
session is over, for those on its roll), and the agenda items proposed (a suggestion)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Item,
    ItemStatus,
    ItemSupporter,
    Proposer,
    Session,
    SessionState,
)
from lianxin.people.models import Representative
from tests.duty_records_lines.conftest import (
    NEXT_YEAR,
    add,
    all_details,
    count,
    lines,
    shanghai,
    spec_of,
)

ATTENDED = "annual_sessions.attended"
LEAVE = "annual_sessions.leave"
ABSENT = "annual_sessions.absent"
ITEMS_PROPOSED = "annual_sessions.items_proposed"


def _session(township, title, held_on, state, opened_at=None):
    return add(
        township,
        Session(
            title=title,
            held_on=held_on,
            ends_on=held_on,
            place="镇会议中心",
            state=state,
            checkin_token=title,
            opened_at=opened_at,
        ),
    )[0]


def _attendance(township, session, rep, status, **extra):
    add(
        township,
        Attendance(session_id=session.id, representative_id=rep.id, status=status, **extra),
    )


def _item(township, session, user_id, proposer, title):
    return add(
        township,
        Item(
            session_id=session.id,
            title=title,
            kind="motion",
            proposer=proposer,
            proposed_by_id=user_id,
            status=ItemStatus.PROPOSED,
        ),
    )[0]


def test_attended_leave_absent_and_items_of_the_representatives(township, clock, reps):
    a, b, c, d, e, f = reps[:6]
    opened = shanghai(2026, 3, 20, 9)
    session = _session(
        township, "第十三届党代表大会第二次会议", date(2026, 3, 20), SessionState.CLOSED, opened
    )
    _attendance(township, session, a, AttendanceStatus.PRESENT, checked_in_at=opened)
    _attendance(
        township, session, b, AttendanceStatus.LEAVE_APPROVED, leave_reason="出差（个人事由）"
    )
    # c never answered; d's leave was refused and d did not come.
    _attendance(township, session, d, AttendanceStatus.LEAVE_REFUSED, leave_reason="家中有事")
    _attendance(
        township, session, e, AttendanceStatus.LEAVE_APPROVED, checked_in_at=opened
    )  # came, then left on leave for the rest
    with tenant_context(township.id):  # f joined the roll after the session opened
        db.session.execute(
            update(Representative)
            .where(Representative.id == f.id)
            .values(created_at=datetime(2026, 6, 1, tzinfo=UTC))
        )
        db.session.commit()
    _session(township, "筹备中的会议", date(2026, 12, 20), SessionState.PLANNING)
    joint = _item(township, session, a.user_id, Proposer.REPRESENTATIVES, "关于村级道路养护的议题")
    add(township, ItemSupporter(item_id=joint.id, representative_id=a.id))
    add(township, ItemSupporter(item_id=joint.id, representative_id=b.id))
    _item(township, session, c.user_id, Proposer.GROUP, "小组提出的议题")

    found = lines(spec_of("annual_sessions"), township, [r.id for r in (a, b, c, d, e, f)])

    assert count(found, a.id, ATTENDED) == 1 and count(found, e.id, ATTENDED) == 1
    assert count(found, b.id, LEAVE) == 1 and count(found, b.id, ABSENT) == 0
    assert count(found, c.id, ABSENT) == 1 and count(found, d.id, ABSENT) == 1
    assert f.id not in found
    assert count(found, a.id, ITEMS_PROPOSED) == 1 and count(found, b.id, ITEMS_PROPOSED) == 1
    assert count(found, c.id, ITEMS_PROPOSED) == 1
    assert found[c.id][ABSENT].details == ("3月20日 未出席《第十三届党代表大会第二次会议》",)
    assert "出差" not in all_details(found) and "家中" not in all_details(found)


def test_no_absence_while_the_session_is_open_on_its_day(township, clock, reps):
    a = reps[0]
    clock.today = date(2027, 3, 20)
    _session(township, "第二次会议", date(2027, 3, 20), SessionState.OPEN, shanghai(2027, 3, 20, 9))
    spec = spec_of("annual_sessions")
    assert lines(spec, township, [a.id], *NEXT_YEAR) == {}
    clock.today = date(2027, 3, 21)  # the day is over, still not closed: absent
    found = lines(spec, township, [a.id], *NEXT_YEAR)
    assert count(found, a.id, ABSENT) == 1
