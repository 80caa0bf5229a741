"""The group-activity lines on the to-do home (registry.TodoItem): a group leader's activities
still to record this half-year, the year's plan to make, the activity days still to hold and
the report due before the annual session; the office's groups that missed the last half-year
or last year's activity days, those with no plan once the due month is over, and the reports
past their due day; a committee member's
reception days, the minutes of their visits to record and the latest activities of the groups
they keep; the office's visiting schedule to publish."""

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
    plan = service.plan_to_make(actor, township, today)
    out += item(
        "group_activities.plan",
        _l("本年度活动计划待制定"),
        plan,
        index,
        group,
        urgent=plan.due_on is not None and plan.due_on <= today + SOON,
        due_label=_l("应制定日期"),
    )
    out += item(
        "group_activities.no_plan",
        _l("逾期未制定年度活动计划的代表小组"),
        service.plans_missing(actor, township, today),
        index,
        group,
        urgent=True,
        due_label=_l("应制定日期"),
    )
    days = service.days_to_hold(actor, township, today)
    out += item(
        "group_activities.days",
        _l("本年度小组活动天数未达到要求"),
        days,
        index,
        group,
        urgent=days.due_on is not None and days.due_on <= today + SOON,
        due_label=_l("年度截止"),
    )
    out += item(
        "group_activities.days_short",
        _l("上一年度活动天数未达到要求的代表小组"),
        service.days_short(actor, township, today),
        index,
        group,
        urgent=True,
    )
    committee = url_for("group_activities.committee", township_slug=township.slug)

    def visit_plan(plan_id: int) -> str:
        return url_for("group_activities.visit_plan", township_slug=township.slug, plan_id=plan_id)

    out += item(
        "group_activities.kept",
        _l("我包联的代表小组近一个月的活动"),
        service.kept_activities(actor, township, today),
        committee,
        group,
    )
    coming = service.receptions_coming(actor, township, today)
    out += item(
        "group_activities.reception",
        _l("代表小组组长接待日（由我接待）"),
        coming,
        committee,
        None,
        urgent=coming.due_on is not None and coming.due_on <= today,
        due_label=_l("接待日"),
    )
    out += item(
        "group_activities.minutes",
        _l("走访代表小组的纪要待记录"),
        service.minutes_to_record(actor, township, today),
        committee,
        visit_plan,
        urgent=True,
        due_label=_l("走访日"),
    )
    publish = service.visit_plans_to_publish(actor, township, today)
    out += item(
        "group_activities.visit_publish",
        _l("党委委员走访工作月安排表待发布"),
        publish,
        committee,
        visit_plan,
        urgent=publish.due_on is not None and publish.due_on <= today + SOON,
        due_label=_l("最迟发布日期"),
    )
    return out
