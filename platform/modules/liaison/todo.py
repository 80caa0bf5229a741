"""The liaison work's lines on the to-do home (registry.TodoItem): the branches' parts of the
chain to confirm (a branch liaison, the office); a person's pairs to contact this quarter, their
quarterly report and a committee member's meetings, urgent in the quarter's last days."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.liaison import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    slug = township.slug
    out: list[TodoItem] = []
    out += item(
        "liaison.confirm",
        _l("待确认的支部联系安排"),
        service.branches_to_confirm(actor, township, today.year),
        url_for("liaison.links", township_slug=slug, year=today.year),
    )
    duty = service.my_quarter(actor, township, today)
    quarter = duty.quarter
    late = quarter.days_left(today) <= int(service.settings(township.id)["reminder_days"])
    left = _l("%(q)s还剩 %(n)s 天", q=quarter.label, n=quarter.days_left(today) + 1)
    if duty.contacts.count:
        out.append(
            TodoItem(
                key="liaison.contacts",
                label=_l("本季度还需联系的对象"),
                count=duty.contacts.count,
                url=url_for("liaison.contact_new", township_slug=slug),
                latest=duty.contacts.latest,
                urgent=late,
                note=left,
            )
        )
    if duty.report_due:
        out.append(
            TodoItem(
                key="liaison.report",
                label=_l("本季度履职情况待报告"),
                count=1,
                url=url_for("liaison.reports", township_slug=slug),
                urgent=late,
                note=left,
            )
        )
    if duty.meetings_short:
        out.append(
            TodoItem(
                key="liaison.meetings",
                label=_l("本季度待召开的联系代表座谈会"),
                count=duty.meetings_short,
                url=url_for("liaison.meeting_new", township_slug=slug),
                urgent=late,
                note=left,
            )
        )
    return out
