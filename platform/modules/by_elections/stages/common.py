"""What every stage of a by-election shares: settings, lookups, access, the step machine."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import ValidationFailed
from lianxin.modules import kit
from lianxin.modules.by_elections.errors import OutOfOrder
from lianxin.modules.by_elections.models import (
    STATE_AFTER,
    STEPS,
    ByElection,
    Candidate,
    State,
    Step,
    StepRecord,
)
from lianxin.tenants.models import Township

MODULE_KEY = "by_elections"
T = TypeVar("T")

STEP_LABELS: dict[str, Any] = {
    Step.REGISTRATION: _l("登记"),
    Step.NOMINATION: _l("报名"),
    Step.RECOMMENDATION: _l("推选"),
    Step.NOTICE: _l("公示"),
    Step.REVIEW: _l("审查"),
    Step.ELECTION: _l("直选"),
}
STATE_LABELS: dict[str, Any] = {
    State.REGISTERED: _l("已登记，报名中"),
    State.NOMINATED: _l("报名结束，待推选"),
    State.RECOMMENDED: _l("已推选，待公示"),
    State.NOTICED: _l("公示中，期满后审查"),
    State.REVIEWED: _l("已审查，待直选"),
    State.VOTING: _l("投票中"),
    State.COUNTED: _l("已计票，待公告"),
    State.ANNOUNCED: _l("已公告"),
}
SOURCE_LABELS: dict[str, Any] = {
    "self": _l("自愿报名"),
    "branch": _l("组织推荐"),
    "members": _l("党员联名推荐"),
}
CHANNEL_LABELS: dict[str, Any] = {"online": _l("网上无记名投票"), "paper": _l("纸质无记名投票")}


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return kit.module_settings(township_id, MODULE_KEY)


def today(given: date | None = None) -> date:
    """The Asia/Shanghai date (or `given`)."""
    return kit.today(given)


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_read = permissions.require_member
_write = permissions.require_office


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def _audit(
    action: str, actor: Actor | None, township: Township, target_id: int, **after: Any
) -> None:
    audit.record(
        action,
        actor=actor,
        tenant_id=township.id,
        target_type="by_election",
        target_id=target_id,
        after=after or None,
    )


def find_election(township: Township, election_id: int) -> ByElection:
    """The by-election in the request's township, without an access check (a foreign id: 404)."""
    return _get(ByElection, township, election_id, _("未找到该补选"))


def get_election(actor: Actor, township: Township, election_id: int) -> ByElection:
    _read(actor, township)
    return find_election(township, election_id)


def find_candidate(township: Township, election: ByElection, candidate_id: Any) -> Candidate:
    candidate = _get(Candidate, township, candidate_id, _("未找到该候选人"))
    if candidate.election_id != election.id:
        from lianxin.errors import NotFound

        raise NotFound(_("未找到该候选人"))
    return candidate


def candidates_of(election: ByElection) -> list[Candidate]:
    return list(
        db.session.scalars(
            select(Candidate)
            .where(Candidate.election_id == election.id)
            .order_by(Candidate.created_at, Candidate.id)
        )
    )


def steps_of(election: ByElection) -> dict[str, StepRecord]:
    """The steps recorded so far, by step."""
    return {
        r.step: r
        for r in db.session.scalars(
            select(StepRecord).where(StepRecord.election_id == election.id).order_by(StepRecord.id)
        )
    }


def next_step(election: ByElection) -> Step | None:
    """The step that may be recorded next (None once 直选 is recorded)."""
    if not election.state:
        return STEPS[0]
    for step in STEPS:
        if STATE_AFTER[step] == election.state:
            index = STEPS.index(step)
            return STEPS[index + 1] if index + 1 < len(STEPS) else None
    return None


def _require_state(election: ByElection, *states: State) -> None:
    if election.state not in states:
        raise OutOfOrder(
            _(
                "当前为“%(s)s”，不能进行此项操作",
                s=STATE_LABELS.get(election.state, election.state),
            )
        )


def _record(
    actor: Actor, township: Township, election: ByElection, step: Step, on: date | None, note: str
) -> StepRecord:
    """Record `step`, the next in order: its date is not in the future nor before the previous
    step's; the by-election moves on."""
    expected = next_step(election)
    if step != expected:
        wanted = STEP_LABELS[expected] if expected else _("无")
        raise OutOfOrder(
            _("须按“登记、报名、推选、公示、审查、直选”的顺序进行，下一步为：%(s)s", s=wanted)
        )
    day = on if on is not None else today()
    if day > today():
        raise ValidationFailed(errors={"on": [_("日期不能晚于今天")]})
    previous = steps_of(election).get(STEPS[STEPS.index(step) - 1]) if step != STEPS[0] else None
    if previous is not None and day < previous.on:
        raise ValidationFailed(errors={"on": [_("日期不能早于上一步骤的日期")]})
    record = StepRecord(
        election_id=election.id,
        step=step,
        on=day,
        note=note,
        recorded_by_id=actor.user_id,
    )
    db.session.add(record)
    election.state = STATE_AFTER[step]
    db.session.flush()
    _audit("by_election.step", actor, township, election.id, step=str(step), on=day.isoformat())
    return record


def notice_ends_on(election: ByElection) -> date | None:
    """The first day the review may be recorded: the notice's date plus its period."""
    record = steps_of(election).get(Step.NOTICE)
    if record is None or election.notice_days is None:
        return None
    return record.on + timedelta(days=election.notice_days)


def required_candidates(seats: int, margin_percent: int) -> int:
    """How many candidates an election of `seats` needs: more than the seats (差额), and at
    least the seats plus the margin, rounded up (5 seats at 40 %: 7)."""
    by_margin = -(-seats * (100 + margin_percent) // 100)
    return max(seats + 1, by_margin)
