"""The proposals' lines on the to-do home (registry.TodoItem): the office's proposals to review
and to assign and the extension requests; the committee's inquiries to answer; a unit's
assigned proposals with their due dates; a representative's invitations to co-sign and answers
to rate."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.modules import kit
from lianxin.modules.proposals import service
from lianxin.modules.proposals.models import State
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    def one(proposal_id: int) -> str:
        return url_for("proposals.detail", township_slug=township.slug, proposal_id=proposal_id)

    def listed(**args: str) -> str:
        return url_for("proposals.index", **{"township_slug": township.slug, **args})

    out: list[TodoItem] = []
    office = service.office_waiting(actor, township)
    out += item(
        "proposals.to_review",
        _l("待审查立案的提案"),
        office.to_review,
        listed(state=State.SUBMITTED.value),
        one,
    )
    out += item("proposals.to_assign", _l("待交办的提案"), office.to_assign, listed(), one)
    out += item(
        "proposals.extensions",
        _l("待审批的提案延期申请"),
        office.extensions,
        listed(state=State.ASSIGNED.value),
        one,
    )
    out += item(
        "proposals.inquiries",
        _l("待党委答复的质询"),
        service.inquiries_waiting(actor, township),
        listed(kind="inquiry"),
        one,
    )
    today = kit.today()
    unit = service.unit_waiting(actor, township, today)
    due = unit.assigned.due_on
    soon = False
    if due is not None:
        rule = service.settings(township.id)
        horizon = deadlines.add_days(
            today, int(rule["due_soon_days"]), str(rule["day_count"]), township.county_id
        )
        soon = due <= horizon
    out += item(
        "proposals.unit",
        _l("交办给本单位、待答复的提案"),
        unit.assigned,
        listed(state=State.ASSIGNED.value),
        one,
        urgent=soon,
        note=_l("其中 %(n)s 件已逾期", n=unit.overdue) if unit.overdue else "",
    )
    mine = service.representative_waiting(actor, township)
    out += item("proposals.invitations", _l("邀请我联名的提案"), mine.invitations, listed(), one)
    out += item(
        "proposals.to_rate", _l("已答复、待我评价的提案"), mine.to_rate, listed(mine="1"), one
    )
    return out
