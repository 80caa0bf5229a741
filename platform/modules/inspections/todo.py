"""The inspections' lines on the to-do home (registry.TodoItem): a representative's coming
visits; for the office and group leaders, the plans to send to the units, the reports to
write and the written briefs past their answer deadline."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.inspections import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import day_label, item
from lianxin.tenants.models import Township

SOON = timedelta(days=3)


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("inspections.index", township_slug=township.slug)

    def one(inspection_id: int) -> str:
        return url_for(
            "inspections.detail", township_slug=township.slug, inspection_id=inspection_id
        )

    out: list[TodoItem] = []
    plans = service.plans_to_send(actor, township, today)
    out += item(
        "inspections.plans_to_send",
        _l("待通报被视察单位的视察调研方案"),
        plans,
        index,
        one,
        # The last day to send it in time is near.
        urgent=plans.due_on is not None
        and plans.due_on <= today + timedelta(days=service.lead_days(township.id) + 1),
        due_label=_l("最近的活动日期"),
    )
    out += item(
        "inspections.reports_to_write",
        _l("待记录情况或撰写报告的视察调研"),
        service.reports_to_write(actor, township, today),
        index,
        one,
        due_label=_l("活动日期"),
    )
    out += item(
        "inspections.briefs_overdue",
        _l("超过答复期限的书面情况反映"),
        service.briefs_overdue(actor, township, today),
        index,
        urgent=True,
        due_label=_l("答复期限"),
    )
    mine = service.my_upcoming(actor, township, today)
    if mine.count:
        out += item(
            "inspections.my_upcoming",
            _l("我将参加的视察调研"),
            mine,
            index,
            one,
            urgent=mine.due_on is not None and mine.due_on <= today + SOON,
            due_label=_l("活动日期"),
            note=_l("下次：%(d)s", d=day_label(mine.due_on, today)) if mine.due_on else "",
        )
    return out
