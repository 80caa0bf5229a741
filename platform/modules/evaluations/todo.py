"""The evaluations' lines on the to-do home (registry.TodoItem): a representative's evaluations
to fill; the committee's grades to decide; the office's campaigns to open and about to close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.evaluations import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    lead = int(service.settings(township.id)["reminder_days"])
    index = url_for("evaluations.index", township_slug=township.slug)

    def page(endpoint: str) -> Callable[[int], str]:
        return lambda campaign_id: url_for(
            endpoint, township_slug=township.slug, campaign_id=campaign_id
        )

    out: list[TodoItem] = []
    mine = service.to_answer(actor, township, today)
    out += item(
        "evaluations.to_answer",
        _l("待我填写的评议"),
        mine,
        index,
        page("evaluations.answer"),
        urgent=mine.due_on is not None and mine.due_on <= today + timedelta(days=lead),
        due_label=_l("截止"),
    )
    out += item(
        "evaluations.grades",
        _l("待党委确定的评议等次"),
        service.grades_to_decide(actor, township),
        index,
        page("evaluations.results"),
    )
    out += item(
        "evaluations.opinions",
        _l("待记录分管领导意见的评议对象"),
        service.opinions_to_record(actor, township),
        index,
        page("evaluations.results"),
    )
    office = service.office_waiting(actor, township, today, lead)
    out += item(
        "evaluations.to_open",
        _l("已到开始日期、尚未开启的评议"),
        office.to_open,
        index,
        page("evaluations.campaign"),
        urgent=True,
        due_label=_l("开始日期"),
    )
    out += item(
        "evaluations.closing",
        _l("即将结束的评议"),
        office.closing,
        index,
        page("evaluations.campaign"),
        due_label=_l("截止"),
    )
    return out
