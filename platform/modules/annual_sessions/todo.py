"""The annual sessions' lines on the to-do home (registry.TodoItem): the items to decide for
the agenda (committee and office), the leave requests (office), a representative's next
session."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.annual_sessions import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import day_label, item
from lianxin.tenants.models import Township

SOON = timedelta(days=7)


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("annual_sessions.index", township_slug=township.slug)

    def session(session_id: int) -> str:
        return url_for(
            "annual_sessions.session", township_slug=township.slug, session_id=session_id
        )

    out: list[TodoItem] = []
    out += item(
        "annual_sessions.items",
        _l("待决定是否列入议程的年会议题"),
        service.items_to_decide(actor, township),
        index,
        session,
        due_label=_l("会议日期"),
    )
    out += item(
        "annual_sessions.leave",
        _l("待审批的年会请假"),
        service.leave_requests(actor, township),
        index,
        lambda session_id: url_for(
            "annual_sessions.attendance", township_slug=township.slug, session_id=session_id
        ),
        urgent=True,
        due_label=_l("会议日期"),
    )
    coming = service.next_session(actor, township, today)
    if coming is not None:
        out.append(
            TodoItem(
                key="annual_sessions.next",
                label=_l("下次党代表年会"),
                count=1,
                url=session(coming.id),
                urgent=coming.held_on <= today + SOON,
                note=_l(
                    "%(t)s：%(d)s，%(p)s",
                    t=coming.title,
                    d=day_label(coming.held_on, today)
                    if coming.ends_on == coming.held_on
                    else _(
                        "%(a)s 至 %(b)s",
                        a=day_label(coming.held_on, today),
                        b=day_label(coming.ends_on, today),
                    ),
                    p=coming.place,
                ),
            )
        )
    return out
