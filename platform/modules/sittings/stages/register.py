"""The register as a spreadsheet: the meetings, who was invited and sat in, the suggestions and
their answers, and each representative's sittings in the term."""

from __future__ import annotations

from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.sittings.models import Invitation, Meeting, Suggestion
from lianxin.modules.sittings.stages.common import (
    ANSWER_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    _write,
    standings,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township


def _attended(value: bool | None) -> str:
    if value is None:
        return "未登记"
    return "出席" if value else "缺席"


def register_xlsx(actor: Actor, township: Township) -> bytes:
    """The township's register of sitting in (the office's export)."""
    _write(actor, township)
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.held_on, Meeting.id)))
    by_id = {m.id: m for m in meetings}
    invitations = list(
        db.session.scalars(select(Invitation).order_by(Invitation.meeting_id, Invitation.batch))
    )
    suggestions = list(db.session.scalars(select(Suggestion).order_by(Suggestion.id)))
    names = {
        rep_id: name
        for rep_id, name in db.session.execute(select(Representative.id, Representative.name))
    }

    book = spreadsheets.Book()
    sheet = book.sheet("会议")
    sheet.widths([12, 8, 30, 14, 20, 40, 8, 8, 8, 8, 8])
    sheet.header(
        [
            "日期",
            "时间",
            "会议名称",
            "类型",
            "地点",
            "议题",
            "届次",
            "邀请",
            "确认参加",
            "出席",
            "意见建议",
        ]
    )
    for m in meetings:
        rows = [i for i in invitations if i.meeting_id == m.id]
        sheet.append(
            [
                m.held_on,
                m.starts_at.strftime("%H:%M") if m.starts_at else "",
                m.title,
                KIND_LABELS.get(m.kind, m.kind),
                m.place,
                m.topics,
                m.term,
                len(rows),
                sum(1 for i in rows if i.answer == "confirmed"),
                sum(1 for i in rows if i.attended) if m.held_at else "",
                sum(1 for s in suggestions if s.meeting_id == m.id),
            ]
        )
    sheet = book.sheet("列席代表")
    sheet.widths([12, 30, 12, 8, 8, 10, 24, 10])
    sheet.header(["会议日期", "会议名称", "代表", "批次", "届次", "答复", "不参加原因", "出席"])
    for i in invitations:
        m = by_id[i.meeting_id]
        sheet.append(
            [
                m.held_on,
                m.title,
                names.get(i.representative_id, ""),
                i.batch,
                i.term,
                ANSWER_LABELS.get(i.answer, i.answer),
                i.decline_reason or "",
                _attended(i.attended),
            ]
        )
    sheet = book.sheet("意见建议")
    sheet.widths([12, 30, 12, 50, 12, 50, 12])
    sheet.header(["会议日期", "会议名称", "代表", "意见建议", "处理", "书面答复", "答复日期"])
    for s in suggestions:
        m = by_id[s.meeting_id]
        sheet.append(
            [
                m.held_on,
                m.title,
                names.get(s.representative_id, ""),
                s.text,
                OUTCOME_LABELS.get(s.outcome, s.outcome),
                s.answer or "",
                s.answered_on,
            ]
        )
    sheet = book.sheet("本届列席情况")
    sheet.widths([12, 8, 12, 14])
    sheet.header(["代表", "届次", "本届列席次数", "最近一次列席"])
    for standing in standings():
        sheet.append([standing.name, standing.term, standing.sittings, standing.last_on])
    return book.to_bytes()
