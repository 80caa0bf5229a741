"""The consultations' lines on the to-do home (registry.TodoItem): a representative's
consultations to answer; the office's open ones closing within the warning days and the closed
ones whose answer has not gone back to the representatives."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.consultations import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    slug = township.slug
    index = url_for("consultations.index", township_slug=slug)

    def one(consultation_id: int) -> str:
        return url_for("consultations.detail", township_slug=slug, consultation_id=consultation_id)

    today = kit.today()
    mine = service.to_answer(actor, township)
    out: list[TodoItem] = []
    out += item(
        "consultations.answer",
        _l("待答复的征询意见"),
        mine,
        index,
        one,
        urgent=mine.due_on is not None and mine.due_on <= today + timedelta(days=1),
        due_label=_l("截止"),
    )
    out += item(
        "consultations.closing",
        _l("即将截止的征询"),
        service.closing_soon(actor, township),
        index,
        one,
        due_label=_l("截止"),
    )
    out += item(
        "consultations.feedback",
        _l("待反馈采纳情况的征询"),
        service.feedback_due(actor, township),
        index,
        one,
        urgent=True,
    )
    return out
