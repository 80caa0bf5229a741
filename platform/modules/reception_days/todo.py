"""The reception days' lines on the to-do home (registry.TodoItem): the duties the office must
find a substitute for, and a representative's next duty."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.reception_days import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import day_label, item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    warn = int(service.settings(township.id)["reminder_days"])
    out: list[TodoItem] = []
    needed = service.substitutes_needed(actor, township, today)
    out += item(
        "reception_days.substitutes",
        _l("需安排替补的接待日值班"),
        needed,
        url_for("reception_days.index", township_slug=township.slug),
        lambda day_id: url_for("reception_days.day", township_slug=township.slug, day_id=day_id),
        urgent=needed.due_on is not None and needed.due_on <= today + timedelta(days=warn),
        due_label=_l("最近的接待日"),
    )
    duty = service.next_duty(actor, township, today)
    if duty is not None:
        out.append(
            TodoItem(
                key="reception_days.next_duty",
                label=_l("我的接待日值班"),
                count=duty.count,
                url=url_for("reception_days.mine", township_slug=township.slug),
                urgent=duty.day <= today + timedelta(days=warn),
                note=_l(
                    "下次：%(d)s %(a)s–%(b)s，%(s)s",
                    d=day_label(duty.day, today),
                    a=duty.starts_at.strftime("%H:%M"),
                    b=duty.ends_at.strftime("%H:%M"),
                    s=duty.site,
                ),
            )
        )
    return out
