"""Casework's lines on the to-do home (registry.TodoItem): the office's cases to receive, to
route, to feed back, the overdue and the extension requests; a unit's assigned cases with their
due dates; a branch liaison's cases by what they wait for; a representative's proposed
handlings to sign."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.casework.models import CaseState
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import Waiting, item
from lianxin.tenants.models import Township

OFFICE_LABELS = {
    CaseState.REGISTERED: _l("待接待的诉求"),
    CaseState.RECEIVED: _l("待交办或当场答复的诉求"),
    CaseState.REPLIED: _l("已答复、待向群众反馈的诉求"),
}
# A branch liaison's piles (casework.BranchWaiting), in the order of a case's steps, with the
# state a one-state pile filters the list by.
BRANCH_PILES = (
    ("to_propose", _l("本支部已登记、待填写拟办意见"), CaseState.BRANCH_REGISTERED, True),
    ("to_sign", _l("待代表签字的拟办意见"), CaseState.PROPOSED, True),
    ("to_send", _l("代表已签字、待送办"), CaseState.SIGNED_OFF, True),
    ("to_feed_back", _l("已答复、待向群众反馈"), None, True),
    ("to_archive", _l("待归档"), None, False),
    ("in_progress", _l("本支部办理中的诉求"), None, False),
)


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = deadlines.shanghai_today()
    rule = cases.rule_for(township.id)

    def pressing(found: Waiting) -> bool:
        return found.due_on is not None and (
            rule.is_overdue(today, found.due_on) or rule.is_due_soon(today, found.due_on)
        )

    def one(case_id: int) -> str:
        return url_for("cases.detail", township_slug=township.slug, case_id=case_id)

    def listed(**args: str) -> str:
        return url_for("cases.index", **{"township_slug": township.slug, **args})

    out: list[TodoItem] = []
    office = cases.office_waiting(actor, township, today)
    out += item(
        "casework.overdue",
        _l("已逾期的诉求"),
        office.overdue,
        listed(overdue="1"),
        one,
        urgent=True,
    )
    for state, label in OFFICE_LABELS.items():
        found = office.by_state.get(state.value, Waiting())
        urgent = state != CaseState.REPLIED and pressing(found)
        out += item(
            f"casework.{state.value}", label, found, listed(state=state.value), one, urgent=urgent
        )
    out += item(
        "casework.extensions",
        _l("待审批的延期申请"),
        office.extensions,
        listed(state=CaseState.REFERRED.value),
        one,
    )
    unit = cases.unit_waiting(actor, township, today)
    out += item(
        "casework.unit",
        _l("交办给本单位、待答复的诉求"),
        unit.assigned,
        url_for("cases.unit_inbox", township_slug=township.slug, state=CaseState.REFERRED.value),
        one,
        urgent=pressing(unit.assigned),
        note=_l("其中 %(n)s 件已逾期", n=unit.overdue) if unit.overdue else "",
    )
    branch = cases.branch_cases_waiting(actor, township)
    for name, label, state, actionable in BRANCH_PILES:
        found = getattr(branch, name)
        out += item(
            f"casework.branch.{name}",
            label,
            found,
            listed(state=state.value) if state is not None else listed(),
            one,
            urgent=actionable and pressing(found),
        )
    out += item(
        "casework.to_sign",
        _l("待我签字确认的拟办意见"),
        cases.signatures_waiting(actor, township),
        listed(state=CaseState.PROPOSED.value),
        one,
    )
    return out
