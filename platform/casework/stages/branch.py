"""At the branch: the liaison of a village, community or enterprise branch logs a visit, records
the receiving representative's proposed handling (拟办意见) and their signature, and only then
sends the case on to the branch head and the office (000 第三篇 第九、十条; 第五篇 工作室制度四、
接待工作流程、联络员工作职责). Afterwards the liaison follows the case, feeds back and archives it
like the office does (handling.py lets them).

Which cases are a branch's is data: `Case.branch_id`, set at registration from the receiving
representative's electoral unit or the liaison's own branch (`branch_for_new_case`); `_visible`
(common.py) shows a liaison exactly those. Who may take which step is decided here
(`branch_steps` and the `can_*` rules); the order is the transition table's (states.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework.inputs import CaseInput, PaperSignOffInput
from lianxin.casework.models import Case, CaseState, Rating
from lianxin.casework.stages.common import (
    _move,
    _office_user_ids,
    case_link,
    get_case,
    is_liaison_of,
    is_office,
    liaison_branch_ids,
    received_on,
    representative_of,
)
from lianxin.casework.states import allowed
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.waiting import Waiting, as_waiting, pile
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import use_case

# --- whose case it is ----------------------------------------------------------------------------


def find_branch(township: Township, branch_id: int) -> Branch:
    """An active branch of this township; another township's is not found."""
    branch = db.session.get(Branch, (township.id, branch_id))
    if branch is None or not branch.is_active:
        raise NotFound(_("未找到该支部"))
    return branch


def branch_for_new_case(
    actor: Actor | None, township: Township, data: CaseInput, rep: Representative | None
) -> tuple[int | None, bool]:
    """The branch of a case being registered, and whether it starts at the branch.

    A visit a branch liaison logs in casework itself (no other module's record behind it)
    starts at the branch, with a receiving representative to propose and sign its handling; its
    branch is the one named (the liaison's), else the representative's if it is the liaison's,
    else the liaison's only branch. Any other case belongs to the branch named by the office,
    else to the receiving representative's electoral unit, else to the recording liaison's only
    branch (a liaison follows what they wrote down in a module).
    """
    office = actor is not None and is_office(actor, township)
    mine = liaison_branch_ids(actor, township) if actor is not None else frozenset()
    chosen = data.branch_id
    if chosen is not None:
        find_branch(township, chosen)
        if not (office or chosen in mine):
            raise ValidationFailed(errors={"branch_id": [_("只能登记到本人联络的支部")]})
    at_branch = bool(mine) and not office and data.source_type is None
    if at_branch:
        if rep is None:
            raise ValidationFailed(errors={"received_by_id": [_("请选择接待的代表")]})
        if chosen is None and rep.branch_id in mine:
            chosen = rep.branch_id
        if chosen is None and len(mine) == 1:
            (chosen,) = mine
        if chosen is None:
            raise ValidationFailed(errors={"branch_id": [_("请选择支部")]})
        return chosen, True
    if chosen is None and rep is not None:
        chosen = rep.branch_id
    if chosen is None and len(mine) == 1:
        (chosen,) = mine
    return chosen, False


# --- who may take which step ---------------------------------------------------------------------


def is_receiving_representative(actor: Actor, township: Township, case: Case) -> bool:
    """The actor is the representative who received the case (首问负责制), by their account."""
    own = representative_of(actor, township)
    return own is not None and case.received_by_id == own.id


def can_propose(actor: Actor, township: Township, case: Case) -> bool:
    """The liaison writes the representative's proposal down; the representative may write it
    themselves; the office may stand in for an absent liaison."""
    return (
        is_liaison_of(actor, township, case)
        or is_receiving_representative(actor, township, case)
        or is_office(actor, township)
    )


def can_sign(actor: Actor, township: Township, case: Case) -> bool:
    """Only the receiving representative signs by their own account."""
    return is_receiving_representative(actor, township, case)


def can_record_signature(actor: Actor, township: Township, case: Case) -> bool:
    """The liaison (or the office) records a signature given on the paper log."""
    return is_liaison_of(actor, township, case) or is_office(actor, township)


def can_send_on(actor: Actor, township: Township, case: Case) -> bool:
    return is_liaison_of(actor, township, case) or is_office(actor, township)


# The liaison's steps after the office has it (handling.py checks them the same way).
LIAISON_FOLLOW_UP = ("give_feedback", "rate", "archive")


def branch_steps(actor: Actor, township: Township, case: Case) -> frozenset[str]:
    """The steps this actor may take on this case now: the branch's, and for the branch's
    liaison the follow-up ones (feedback, a rating told by phone, archiving)."""
    rules = {
        "propose_handling": can_propose,
        "sign_off": can_sign,
        "record_sign_off": can_record_signature,
        "send_on": can_send_on,
    }
    steps = {
        a for a, rule in rules.items() if allowed(a, case.state) and rule(actor, township, case)
    }
    if is_liaison_of(actor, township, case):
        steps |= {a for a in LIAISON_FOLLOW_UP if allowed(a, case.state)}
    return frozenset(steps)


def _liaison_user_ids(township: Township, branch_id: int | None) -> list[int]:
    if branch_id is None:
        return []
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role == Role.BRANCH_LIAISON.value,
                Membership.branch_id == branch_id,
            )
        )
    )


def _representative(township: Township, case: Case) -> Representative | None:
    if case.received_by_id is None:
        return None
    return db.session.get(Representative, (township.id, case.received_by_id))


def notify_registered_at_branch(township: Township, case: Case) -> None:
    """A visit logged at the branch: the receiving representative is asked for their proposed
    handling (the liaison may write it down for them)."""
    rep = _representative(township, case)
    if rep is None or rep.user_id is None:
        return
    notify.notify(
        [rep.user_id],
        _("来访登记：%(t)s", t=case.title),
        _("请提出拟办意见（可由联络员代为记录），并签字确认。"),
        tenant_id=township.id,
        link=case_link(township, case.id),
        dedupe_key=f"case:{township.id}:{case.id}:branch-registered",
    )


# --- the steps at the branch ---------------------------------------------------------------------


@use_case
def propose_handling(actor: Actor, township: Township, case_id: int, text: str) -> Case:
    """Record the representative's proposed handling (拟办意见). Rewritten after signing, it
    needs the representative's signature again."""
    case = get_case(actor, township, case_id)
    if not can_propose(actor, township, case):
        raise PermissionDenied(_("只有本支部联络员或接待的代表可以填写拟办意见"))
    resigning = case.state == CaseState.SIGNED_OFF
    _move(case, "propose_handling", actor, text)
    case.proposed_handling = text
    case.signed_on, case.signed_on_paper, case.signoff_by_id = None, False, None
    rep = _representative(township, case)
    if rep is not None and rep.user_id is not None and rep.user_id != actor.user_id:
        notify.notify(
            [rep.user_id],
            _("请签字确认拟办意见：%(t)s", t=case.title),
            (_("拟办意见已修改，请重新确认。") if resigning else "") + text,
            tenant_id=township.id,
            link=case_link(township, case.id),
        )
    return case


@use_case
def sign_off(actor: Actor, township: Township, case_id: int) -> Case:
    """The receiving representative signs the proposed handling by their own account (签字确认)."""
    case = get_case(actor, township, case_id)
    if not can_sign(actor, township, case):
        raise PermissionDenied(_("只有接待的代表本人可以签字确认"))
    _move(case, "sign_off", actor, _("代表本人签字确认"))
    case.signed_on = deadlines.shanghai_today()
    case.signed_on_paper, case.signoff_by_id = False, actor.user_id
    notify.notify(
        _liaison_user_ids(township, case.branch_id),
        _("代表已签字，请送办：%(t)s", t=case.title),
        case.proposed_handling or "",
        tenant_id=township.id,
        link=case_link(township, case.id),
        dedupe_key=f"case:{township.id}:{case.id}:signed:{case.signed_on}",
    )
    return case


@use_case
def record_sign_off(
    actor: Actor, township: Township, case_id: int, data: PaperSignOffInput
) -> Case:
    """代表已签字: the liaison records that the representative signed the proposed handling in
    the paper log, on which day (not before the visit, not in the future)."""
    case = get_case(actor, township, case_id)
    if not can_record_signature(actor, township, case):
        raise PermissionDenied()
    today = deadlines.shanghai_today()
    if data.signed_on > today or data.signed_on < received_on(case):
        raise ValidationFailed(errors={"signed_on": [_("签字日期应在登记之日与今天之间")]})
    rep = _representative(township, case)
    note = _(
        "代表%(n)s已在纸质记录上签字（%(d)s）",
        n=rep.name if rep is not None else "",
        d=data.signed_on.isoformat(),
    )
    _move(case, "record_sign_off", actor, f"{note}；{data.note}" if data.note else note)
    case.signed_on, case.signed_on_paper, case.signoff_by_id = data.signed_on, True, actor.user_id
    return case


@use_case
def send_on(actor: Actor, township: Township, case_id: int, note: str | None = None) -> Case:
    """Send the signed case on to the branch head and the office (送办): from now on it is the
    office's to receive, as any registered case."""
    case = get_case(actor, township, case_id)
    if not can_send_on(actor, township, case):
        raise PermissionDenied()
    branch = db.session.get(Branch, (township.id, case.branch_id)) if case.branch_id else None
    head = branch.secretary_name if branch is not None and branch.secretary_name else None
    sent = _("已送支部负责人%(h)s及联络办", h=head) if head else _("已送支部负责人及联络办")
    _move(case, "send_on", actor, f"{sent}；{note}" if note else sent)
    notify.notify(
        _office_user_ids(township),
        _("支部送办：%(t)s", t=case.title),
        _(
            "%(b)s送来的诉求，代表拟办意见：%(p)s",
            b=branch.name if branch is not None else "",
            p=case.proposed_handling or "",
        ),
        tenant_id=township.id,
        link=case_link(township, case.id),
        dedupe_key=f"case:{township.id}:{case.id}:sent-on",
    )
    return case


# --- what waits for the branch's liaison (the to-do home) ----------------------------------------


@dataclass(frozen=True)
class BranchWaiting:
    """A branch liaison's cases by what they wait for."""

    to_propose: Waiting = field(default_factory=Waiting)  # logged, no proposed handling yet
    to_sign: Waiting = field(default_factory=Waiting)  # waiting for the representative's signature
    to_send: Waiting = field(default_factory=Waiting)  # signed, to send on
    to_feed_back: Waiting = field(default_factory=Waiting)  # answered: tell the person
    to_archive: Waiting = field(default_factory=Waiting)  # fed back, rated or inadmissible
    in_progress: Waiting = field(default_factory=Waiting)  # with the office, a unit, the county

    @property
    def total(self) -> int:
        return sum(
            w.count
            for w in (
                self.to_propose,
                self.to_sign,
                self.to_send,
                self.to_feed_back,
                self.to_archive,
                self.in_progress,
            )
        )


PILES = {
    CaseState.BRANCH_REGISTERED: "to_propose",
    CaseState.PROPOSED: "to_sign",
    CaseState.SIGNED_OFF: "to_send",
    CaseState.REPLIED: "to_feed_back",
    CaseState.HANDLED_ON_SPOT: "to_feed_back",
    CaseState.FEEDBACK_GIVEN: "to_archive",
    CaseState.RATED: "to_archive",  # unless unsatisfied: the office routes it again
    CaseState.INADMISSIBLE: "to_archive",
    CaseState.REGISTERED: "in_progress",
    CaseState.RECEIVED: "in_progress",
    CaseState.REFERRED: "in_progress",
    CaseState.ESCALATED: "in_progress",
}


def _merge(a: Waiting, b: Waiting) -> Waiting:
    """Two piles as one: counts added, the newest arrival, the earliest due date, the first id."""

    def pick(fn: Callable[[list[Any]], Any], x: Any, y: Any) -> Any:
        given = [v for v in (x, y) if v is not None]
        return fn(given) if given else None

    return Waiting(
        a.count + b.count,
        pick(max, a.latest, b.latest),
        pick(min, a.due_on, b.due_on),
        pick(min, a.first_id, b.first_id),
    )


def branch_cases_waiting(actor: Actor, township: Township) -> BranchWaiting:
    """The cases of the actor's branches (as their liaison) by what they wait for, in one query.
    Empty for anyone who is not a branch liaison, and for the office (its own piles say it)."""
    branches = liaison_branch_ids(actor, township)
    if not branches or is_office(actor, township):
        return BranchWaiting()
    rows = db.session.execute(
        select(Case.state, Case.rating, *pile(Case.id, Case.updated_at, Case.due_on))
        .where(Case.branch_id.in_(sorted(branches)))
        .group_by(Case.state, Case.rating)
    ).all()
    piles: dict[str, Waiting] = {}
    for state, rating, *figures in rows:
        name = PILES.get(CaseState(state))
        if name is None or (state == CaseState.RATED and rating == Rating.UNSATISFIED):
            continue
        piles[name] = _merge(piles.get(name, Waiting()), as_waiting(figures))
    return BranchWaiting(**piles)


def signatures_waiting(actor: Actor, township: Township) -> Waiting:
    """The proposed handlings waiting for this representative's own signature."""
    own = representative_of(actor, township)
    if own is None:
        return Waiting()
    row = db.session.execute(
        select(*pile(Case.id, Case.updated_at, Case.due_on)).where(
            Case.received_by_id == own.id, Case.state == CaseState.PROPOSED
        )
    ).one()
    return as_waiting(row)


def branch_name(township: Township, case: Case) -> str | None:
    """The name of the case's branch, for its page."""
    if case.branch_id is None:
        return None
    branch = db.session.get(Branch, (township.id, case.branch_id))
    return branch.name if branch is not None else None


def signed_on_label(case: Case) -> str:
    """How the signature reads on the case's page."""
    if case.signed_on is None:
        return ""
    how = _("纸质记录，联络员登记") if case.signed_on_paper else _("本人账号确认")
    return f"{case.signed_on.isoformat()}（{how}）"


def registration_branches(actor: Actor, township: Township) -> list[Branch]:
    """The branches a case may be registered to by this actor: every active one for the office,
    their own for a branch liaison, none for anyone else (the representative's branch is
    taken)."""
    query = select(Branch).where(Branch.is_active.is_(True)).order_by(Branch.name)
    if not is_office(actor, township):
        mine = liaison_branch_ids(actor, township)
        if not mine:
            return []
        query = query.where(Branch.id.in_(sorted(mine)))
    return list(db.session.scalars(query))


def registers_at_branch(actor: Actor, township: Township) -> bool:
    """What this actor registers in casework starts at the branch (a liaison's visitor log)."""
    return bool(liaison_branch_ids(actor, township)) and not is_office(actor, township)
