"""The life cycle of a case as an explicit state machine (DOMAIN.md §1 and §2's routing).

registered → received → handled on the spot / referred to a unit / escalated to the county
(/ turned into a proposal, once proposals exist) → replied → feedback given → rated → archived.
Triage may end a case as inadmissible for this channel. An unsatisfied rating sends it back to
a unit (再交办) or, after N re-assignments, to the county.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from lianxin.casework.models import CaseState as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S | None  # None: the case keeps its state (a step inside it)


def _t(action: str, sources: set[S], target: S | None) -> Transition:
    return Transition(action, frozenset(sources), target)


TRANSITIONS = {
    t.action: t
    for t in (
        _t("receive", {S.REGISTERED}, S.RECEIVED),
        _t("mark_inadmissible", {S.REGISTERED, S.RECEIVED}, S.INADMISSIBLE),
        _t("handle_on_spot", {S.RECEIVED}, S.HANDLED_ON_SPOT),
        _t("refer", {S.RECEIVED, S.REFERRED}, S.REFERRED),
        _t("escalate", {S.RECEIVED, S.REFERRED, S.RATED}, S.ESCALATED),
        _t("reply", {S.REFERRED, S.ESCALATED}, S.REPLIED),
        _t("give_feedback", {S.REPLIED, S.HANDLED_ON_SPOT}, S.FEEDBACK_GIVEN),
        _t("rate", {S.FEEDBACK_GIVEN, S.REPLIED, S.HANDLED_ON_SPOT}, S.RATED),
        _t("reassign", {S.RATED}, S.RECEIVED),  # back to the office, which refers it again
        _t("archive", {S.RATED, S.FEEDBACK_GIVEN, S.INADMISSIBLE}, S.ARCHIVED),
        # Steps that do not change the state.
        _t("return_to_office", {S.REFERRED}, None),
        _t("request_extension", {S.REFERRED}, None),
        _t("decide_extension", {S.REFERRED}, None),
        _t("attach", set(S) - {S.ARCHIVED}, None),
    )
}

STATE_LABELS = {
    S.REGISTERED: _l("已登记"),
    S.RECEIVED: _l("已接待"),
    S.HANDLED_ON_SPOT: _l("当场答复"),
    S.REFERRED: _l("已交办"),
    S.ESCALATED: _l("已上报县级"),
    S.INADMISSIBLE: _l("不予受理"),
    S.REPLIED: _l("已答复"),
    S.FEEDBACK_GIVEN: _l("已反馈"),
    S.RATED: _l("已评价"),
    S.ARCHIVED: _l("已归档"),
}

# Cases whose reply clock runs: a due date matters only while someone owes an answer.
OPEN_STATES = frozenset({S.REGISTERED, S.RECEIVED, S.REFERRED, S.ESCALATED})


def allowed(action: str, state: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources


def actions_from(state: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and t.target is not None]
