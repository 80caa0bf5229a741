"""The briefings' lines on the to-do home (registry.TodoItem): a representative's unread
briefings; the office's briefings with someone unread past the reading days."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.briefings import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("briefings.index", township_slug=township.slug)

    def one(briefing_id: int) -> str:
        return url_for("briefings.briefing", township_slug=township.slug, briefing_id=briefing_id)

    mine = service.my_unread(actor, township)
    late = service.unread_past_due(actor, township, today)
    return [
        *item(
            "briefings.unread",
            _l("未阅读的通报"),
            mine,
            index,
            one,
            urgent=mine.due_on is not None and mine.due_on <= today,
            due_label=_l("请在此前阅读"),
        ),
        *item(
            "briefings.unread_past_due",
            _l("超过阅读期限仍有代表未阅的通报"),
            late,
            index,
            one,
        ),
    ]
