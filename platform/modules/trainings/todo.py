"""The training lines on the to-do home (registry.TodoItem): a representative's invitations to
answer; the office's leave requests to decide and today's attendance to take."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.registry import TodoItem
from lianxin.modules.trainings import service
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township

SOON = timedelta(days=3)  # a session within three days: urgent


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("trainings.index", township_slug=township.slug)

    def session(session_id: int) -> str:
        return url_for("trainings.session", township_slug=township.slug, session_id=session_id)

    def attendance(session_id: int) -> str:
        return url_for("trainings.attendance", township_slug=township.slug, session_id=session_id)

    out: list[TodoItem] = []
    pending = service.invitations_to_answer(actor, township, today)
    out += item(
        "trainings.to_answer",
        _l("待确认的学习培训通知"),
        pending,
        index,
        session,
        urgent=pending.due_on is not None and pending.due_on <= today + SOON,
        due_label=_l("培训日期"),
    )
    out += item(
        "trainings.leave",
        _l("待审批的培训请假"),
        service.leave_to_decide(actor, township),
        index,
        session,
        urgent=True,
    )
    out += item(
        "trainings.attendance",
        _l("今天的学习培训待签到"),
        service.attendance_to_take(actor, township, today),
        index,
        attendance,
        urgent=True,
    )
    return out
