"""The life cycle of a proposal as an explicit state machine (DOMAIN.md §3).

draft (co-signing) → submitted → accepted (立案, numbered) / merged / not accepted (with a
reason; "turned into a suggestion" is accepted as a suggestion) → assigned to one lead unit and
co-units → answered in writing → rated: satisfied or basically satisfied closes it, unsatisfied
sends it back to the office to assign again (再交办) → closed. An inquiry (质询) is answered by
the committee instead of a unit. The office may close an accepted one at any point, with a
reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from lianxin.modules.proposals.models import Kind
from lianxin.modules.proposals.models import State as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S | None  # None: the proposal keeps its state (a step inside it)


def _t(action: str, sources: set[S], target: S | None) -> Transition:
    return Transition(action, frozenset(sources), target)


OPEN_AFTER_ACCEPT = {S.ACCEPTED, S.ASSIGNED, S.ANSWERED, S.UNSATISFIED}

TRANSITIONS = {
    t.action: t
    for t in (
        _t("submit", {S.DRAFT}, S.SUBMITTED),
        _t("accept", {S.SUBMITTED}, S.ACCEPTED),
        _t("convert", {S.SUBMITTED}, S.ACCEPTED),
        _t("merge", {S.SUBMITTED}, S.MERGED),
        _t("reject", {S.SUBMITTED}, S.NOT_ACCEPTED),
        _t("assign", {S.ACCEPTED, S.UNSATISFIED}, S.ASSIGNED),
        _t("answer", {S.ASSIGNED}, S.ANSWERED),
        _t("answer_inquiry", {S.ACCEPTED, S.UNSATISFIED}, S.ANSWERED),
        _t("rate", {S.ANSWERED}, None),  # to CLOSED or UNSATISFIED by the rating
        _t("close", OPEN_AFTER_ACCEPT, S.CLOSED),
        # Steps that do not change the state (a lead unit's return moves it back to ACCEPTED).
        _t("return", {S.ASSIGNED}, None),
        _t("contact", {S.ASSIGNED}, None),
        _t("co_answer", {S.ASSIGNED, S.ANSWERED}, None),
        _t("request_extension", {S.ASSIGNED}, None),
        _t("decide_extension", {S.ASSIGNED}, None),
        _t("publish", {S.ANSWERED, S.CLOSED}, None),
        _t("attach", {S.DRAFT, S.ASSIGNED, S.ANSWERED}, None),  # a co-unit may still answer
    )
}

STATE_LABELS = {
    S.DRAFT: _l("草稿（征集联名）"),
    S.SUBMITTED: _l("已提交，待审查"),
    S.ACCEPTED: _l("已立案，待交办"),
    S.MERGED: _l("已并案"),
    S.NOT_ACCEPTED: _l("不予立案"),
    S.ASSIGNED: _l("办理中"),
    S.ANSWERED: _l("已答复，待评价"),
    S.UNSATISFIED: _l("不满意，待再交办"),
    S.CLOSED: _l("已办结"),
}

KIND_LABELS = {
    Kind.PROPOSAL: _l("提案"),
    Kind.SUGGESTION: _l("建议意见"),
    Kind.INQUIRY: _l("质询"),
}

NUMBER_PREFIX = {Kind.PROPOSAL: "", Kind.SUGGESTION: "建", Kind.INQUIRY: "质"}


def allowed(action: str, state: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources
