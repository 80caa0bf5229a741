"""The life cycle of a case as an explicit state machine (DOMAIN.md §1 and §2's routing).

(at a branch: logged by its liaison → proposed handling → signed by the representative → sent on)
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
        # At the branch, in this order (000 第三篇 第九条: 提出拟办意见交所在基层党组织负责人;
        # 第五篇: 经党代表签名同意后分送). A proposal rewritten after signing is signed again.
        _t("propose_handling", {S.BRANCH_REGISTERED, S.PROPOSED, S.SIGNED_OFF}, S.PROPOSED),
        _t("sign_off", {S.PROPOSED}, S.SIGNED_OFF),  # by the representative's own account
        _t("record_sign_off", {S.PROPOSED}, S.SIGNED_OFF),  # the liaison, from the paper log
        _t("send_on", {S.SIGNED_OFF}, S.REGISTERED),  # to the branch head and the office
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
    S.BRANCH_REGISTERED: _l("支部已登记"),
    S.PROPOSED: _l("已拟办待签字"),
    S.SIGNED_OFF: _l("代表已签字待送办"),
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
OPEN_STATES = frozenset(
    {
        S.BRANCH_REGISTERED,
        S.PROPOSED,
        S.SIGNED_OFF,
        S.REGISTERED,
        S.RECEIVED,
        S.REFERRED,
        S.ESCALATED,
    }
)
# Still at the branch: not yet sent on to the branch head and the office.
BRANCH_STATES = frozenset({S.BRANCH_REGISTERED, S.PROPOSED, S.SIGNED_OFF})


def allowed(action: str, state: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources


def actions_from(state: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and t.target is not None]
