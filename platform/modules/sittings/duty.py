"""Sitting in's lines of a representative's duty record (履职档案): the meetings they sat in on,
those they were invited to and missed (declined or absent), and the suggestions they made there
(a constructive suggestion).

A meeting counts in the period of its day (Asia/Shanghai). Sat in: recorded present. Missed:
recorded absent, or declined and not recorded present once the meeting's day has passed or its
attendance is recorded. A line names the meeting, never the reason for declining nor the
suggestion's text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines, today
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet
from lianxin.modules.sittings.models import Answer, Invitation, Meeting, Suggestion

ATTENDED = "sittings.attended"
MISSED = "sittings.missed"
SUGGESTIONS = "sittings.suggestions"

ITEMS = (
    DutyItem(
        ATTENDED, _l("列席会议"), unit=_l("次"), description=_l("期内受邀并出席列席会议的次数")
    ),
    DutyItem(
        MISSED,
        _l("列席缺席"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内受邀列席而谢绝或未出席的次数"),
    ),
    DutyItem(
        SUGGESTIONS,
        _l("列席提出意见建议"),
        unit=_l("条"),
        description=_l("期内在列席会议上提出的意见建议条数"),
        suggestion=True,
    ),
)

_MEETING = and_(Meeting.id == Invitation.meeting_id, Meeting.tenant_id == Invitation.tenant_id)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    now = today()
    lines = Lines(start, end)
    invitations = db.session.execute(
        select(
            Invitation.representative_id,
            Invitation.answer,
            Invitation.attended,
            Meeting.title,
            Meeting.held_on,
            Meeting.held_at,
        )
        .join(Meeting, _MEETING)
        .where(
            Invitation.representative_id.in_(ids),
            Meeting.held_on >= start,
            Meeting.held_on < end,
        )
    ).all()
    for rep_id, answer, attended, title, held_on, held_at in invitations:
        named = _("《%(t)s》", t=title)
        if attended:
            lines.add(rep_id, ATTENDED, held_on, _("列席%(t)s", t=named))
        elif attended is False:
            lines.add(rep_id, MISSED, held_on, _("未出席%(t)s", t=named))
        elif answer == Answer.DECLINED and (held_at is not None or held_on < now):
            lines.add(rep_id, MISSED, held_on, _("谢绝列席%(t)s", t=named))
    suggestions = db.session.execute(
        select(Suggestion.representative_id, Meeting.title, Meeting.held_on)
        .join(
            Meeting,
            and_(Meeting.id == Suggestion.meeting_id, Meeting.tenant_id == Suggestion.tenant_id),
        )
        .where(
            Suggestion.representative_id.in_(ids),
            Meeting.held_on >= start,
            Meeting.held_on < end,
        )
    ).all()
    for rep_id, title, held_on in suggestions:
        lines.add(rep_id, SUGGESTIONS, held_on, _("在《%(t)s》上提出意见建议", t=title))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
