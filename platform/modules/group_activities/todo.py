"""The group-activity lines on the to-do home (registry.TodoItem): a group leader's activities
still to record this half-year and the report due before the annual session; the office's
groups that missed the last half-year and the reports past their due day."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.group_activities import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township

SOON = timedelta(days=7)


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("group_activities.index", township_slug=township.slug)

    def group(group_id: int) -> str:
        return url_for("group_activities.group", township_slug=township.slug, group_id=group_id)

    def session(session_id: int) -> str:
        return url_for(
            "group_activities.reports", township_slug=township.slug, session_id=session_id
        )

    out: list[TodoItem] = []
    record = service.activities_to_record(actor, township, today)
    out += item(
        "group_activities.to_record",
        _l("本半年小组活动待开展并登记"),
        record,
        index,
        group,
        urgent=record.due_on is not None and record.due_on <= today + SOON,
        due_label=_l("半年截止"),
    )
    due = service.reports_due(actor, township, today)
    out += item(
        "group_activities.report_due",
        _l("年会前书面联络报告待提交"),
        due,
        index,
        group,
        urgent=due.due_on is not None and due.due_on <= today + SOON,
        due_label=_l("应提交日期"),
    )
    out += item(
        "group_activities.behind",
        _l("上半年度未达到活动次数的代表小组"),
        service.groups_behind(actor, township, today),
        index,
        group,
        urgent=True,
    )
    out += item(
        "group_activities.overdue",
        _l("逾期未交书面联络报告的代表小组"),
        service.reports_overdue(actor, township, today),
        index,
        session,
        urgent=True,
        due_label=_l("应提交日期"),
    )
    return out
