"""The register and the standing as spreadsheets (the office's exports)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.models import (
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.common import (
    ANSWER_LABELS,
    AUDIENCE_LABELS,
    CONSEQUENCE_LABELS,
    HALF_LABELS,
    KIND_LABELS,
    LEAVE_LABELS,
    _write,
)
from lianxin.modules.trainings.stages.standing import compute, weight
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

QUARTER_STATE = {"met": "达到", "short": "未达到", "open": "进行中", "future": "—"}


def register_xlsx(actor: Actor, township: Township) -> bytes:
    """Every session, and every invitation with its answer, leave and days present."""
    _write(actor, township)
    sessions = list(db.session.scalars(select(TrainingSession).order_by(TrainingSession.starts_on)))
    by_id = {s.id: s for s in sessions}
    invitations = list(
        db.session.scalars(
            select(TrainingInvitation).order_by(
                TrainingInvitation.session_id, TrainingInvitation.id
            )
        )
    )
    present: dict[tuple[int, int], float] = defaultdict(float)
    for c in db.session.scalars(select(TrainingCheckIn)):
        present[(c.session_id, c.representative_id)] += weight(c.half)
    names = {i: n for i, n in db.session.execute(select(Representative.id, Representative.name))}

    book = spreadsheets.Book()
    sheet = book.sheet("培训")
    sheet.widths([12, 12, 6, 30, 10, 20, 14, 8, 8, 8, 8, 30])
    sheet.header(
        [
            "开始日期",
            "结束日期",
            "天数",
            "培训主题",
            "类型",
            "地点",
            "参训对象",
            "届次",
            "应参训",
            "请假",
            "实到",
            "已取消（原因）",
        ]
    )
    for s in sessions:
        rows = [i for i in invitations if i.session_id == s.id]
        sheet.append(
            [
                s.starts_on,
                s.ends_on,
                s.days,
                s.title,
                str(KIND_LABELS.get(s.kind, s.kind)),
                s.place,
                str(AUDIENCE_LABELS.get(s.audience, s.audience)),
                s.term,
                len(rows),
                sum(1 for i in rows if i.leave),
                sum(1 for i in rows if present[(s.id, i.representative_id)]),
                s.cancel_reason or "" if s.cancelled else "",
            ]
        )
    sheet = book.sheet("参训代表")
    sheet.widths([12, 30, 12, 8, 10, 12, 14, 24, 10])
    sheet.header(
        ["开始日期", "培训主题", "代表", "届次", "答复", "请假", "请假半天", "请假原因", "出勤天数"]
    )
    for i in invitations:
        s = by_id[i.session_id]
        sheet.append(
            [
                s.starts_on,
                s.title,
                names.get(i.representative_id, ""),
                i.term,
                str(ANSWER_LABELS.get(i.answer, i.answer)),
                str(LEAVE_LABELS.get(i.leave, "")) if i.leave else "",
                f"{i.leave_day.isoformat()} {HALF_LABELS.get(i.leave_half, '')}"
                if i.leave_day
                else "",
                i.leave_reason or "",
                present[(s.id, i.representative_id)],
            ]
        )
    return book.to_bytes()


def standing_xlsx(
    actor: Actor, township: Township, year: int | None = None, *, today: date | None = None
) -> bytes:
    """Each representative in office against the township's rules, for the year."""
    _write(actor, township)
    day = kit_today(today)
    year = year or day.year
    book = spreadsheets.Book()
    sheet = book.sheet(_("%(y)s年学习培训情况", y=year))
    sheet.widths([12, 6, 8, 8, 8, 8, 10, 10, 10, 8, 8, 8, 36])
    sheet.header(
        [
            "代表",
            "届次",
            "一季度",
            "二季度",
            "三季度",
            "四季度",
            "全年天数",
            "天数达标",
            "本届轮训",
            "准假缺席",
            "无故缺席",
            "连续缺席",
            "评议提示",
        ]
    )
    for st in compute(township.id, year, day):
        sheet.append(
            [
                st.name,
                st.term,
                *[f"{q.sessions}（{QUARTER_STATE[q.state]}）" for q in st.quarters],
                st.days,
                "是" if st.days_met else "否",
                st.rotations,
                st.excused,
                st.unexcused,
                "是" if st.consecutive else "否",
                str(CONSEQUENCE_LABELS[st.consequence]) if st.consequence else "",
            ]
        )
    return book.to_bytes()
