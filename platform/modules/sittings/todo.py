"""The sitting-in lines on the to-do home (registry.TodoItem): a representative's invitations
to answer and the meetings they will sit in on; the office's suggestions not yet answered and
the representatives who have not sat in this term."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.registry import TodoItem
from lianxin.modules.sittings import service
from lianxin.modules.waiting import day_label, item
from lianxin.tenants.models import Township

SOON = timedelta(days=3)  # a meeting within three days: urgent


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("sittings.index", township_slug=township.slug)

    def meeting(meeting_id: int) -> str:
        return url_for("sittings.meeting", township_slug=township.slug, meeting_id=meeting_id)

    out: list[TodoItem] = []
    pending = service.invitations_to_answer(actor, township, today)
    out += item(
        "sittings.to_answer",
        _l("待确认的列席邀请"),
        pending,
        index,
        meeting,
        urgent=pending.due_on is not None and pending.due_on <= today + SOON,
        due_label=_l("会议日期"),
    )
    coming = service.meetings_to_attend(actor, township, today)
    out += item(
        "sittings.to_attend",
        _l("我将列席的会议"),
        coming,
        index,
        meeting,
        urgent=coming.due_on is not None and coming.due_on <= today + SOON,
        due_label=_l("会议日期"),
        note=_l("下次：%(d)s", d=day_label(coming.due_on, today)) if coming.due_on else "",
    )
    out += item(
        "sittings.unanswered",
        _l("列席代表的意见建议待答复"),
        service.suggestions_unanswered(actor, township),
        index,
        meeting,
    )
    missing = service.not_yet_sat_in(actor, township)
    if missing:
        out.append(
            TodoItem(
                key="sittings.not_yet",
                label=_l("本届尚未列席的代表"),
                count=missing,
                url=index + "#rotation",
            )
        )
    return out
