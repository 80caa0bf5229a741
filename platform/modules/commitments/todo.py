"""The commitment lines on the to-do home (registry.TodoItem): the office's commitments to
approve and overdue ones to close; a representative's returned commitments to revise, those due
soon, and those to report progress on."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.commitments import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("commitments.index", township_slug=township.slug)

    def one(commitment_id: int) -> str:
        return url_for(
            "commitments.commitment", township_slug=township.slug, commitment_id=commitment_id
        )

    out: list[TodoItem] = []
    out += item(
        "commitments.to_approve",
        _l("待审核的承诺"),
        service.to_approve(actor, township),
        index + "#pending",
        one,
        due_label=_l("完成期限"),
    )
    out += item(
        "commitments.overdue",
        _l("已逾期的承诺"),
        service.overdue(actor, township, today),
        index + "#overdue",
        one,
        urgent=True,
        due_label=_l("完成期限"),
    )
    out += item(
        "commitments.returned",
        _l("被退回待修改的承诺"),
        service.returned_to_me(actor, township),
        index + "#mine",
        one,
        urgent=True,
        due_label=_l("完成期限"),
    )
    out += item(
        "commitments.due_soon",
        _l("承诺即将到期"),
        service.due_soon(actor, township, today),
        index + "#mine",
        one,
        urgent=True,
        due_label=_l("完成期限"),
    )
    out += item(
        "commitments.to_report",
        _l("待报告进展的承诺"),
        service.to_report(actor, township, today),
        index + "#mine",
        one,
        due_label=_l("完成期限"),
    )
    return out
