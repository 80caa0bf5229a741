"""What every stage of a proposal shares: who is who, visibility, the life-cycle step, its
event, audit and notices."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.casework.models import Rating
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.proposals.errors import IllegalTransition
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentStatus,
    Event,
    Proposal,
    Signature,
    State,
)
from lianxin.modules.proposals.states import STATE_LABELS, TRANSITIONS
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

log = logging.getLogger("lianxin.proposals")


MODULE_KEY = "proposals"
T = TypeVar("T")

RATING_LABELS = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.UNSATISFIED: "不满意",
}


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in a township."""
    return kit.module_settings(township_id, MODULE_KEY)


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _written(value: str | None, name: str, limit: int, message: str) -> str:
    """A step's written text (a reason, a note, an answer): its surrounding spaces cut, 1 to
    `limit` characters, or ValidationFailed on the field `name` with `message`."""
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise ValidationFailed(errors={name: [message]})
    return text


# --- who is who ----------------------------------------------------------------------------------


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def representative_of(actor: Actor, township: Township) -> Representative | None:
    return casework.representative_of(actor, township)


def _visible(actor: Actor, township: Township) -> Any:
    """The proposals an actor may see: the office and the committee everything submitted; the
    author and the representatives named on it their own (drafts too); a unit what it was
    assigned."""
    clauses = []
    if is_office(actor, township) or is_committee(actor, township):
        clauses.append(Proposal.state != State.DRAFT)
    rep = representative_of(actor, township)
    if rep is not None:
        clauses.append(Proposal.author_id == rep.id)
        clauses.append(
            exists().where(
                Signature.proposal_id == Proposal.id,
                Signature.tenant_id == Proposal.tenant_id,
                Signature.representative_id == rep.id,
            )
        )
    units = casework.unit_ids_of(actor, township)
    if units:
        clauses.append(
            exists().where(
                Assignment.proposal_id == Proposal.id,
                Assignment.tenant_id == Proposal.tenant_id,
                Assignment.unit_id.in_(units),
            )
        )
    return or_(*clauses) if clauses else Proposal.id.is_(None)


def get_proposal(actor: Actor, township: Township, proposal_id: int) -> Proposal:
    permissions.require_member(actor, township)
    proposal = _get(Proposal, township, proposal_id, _("未找到该提案"))
    visible = db.session.scalar(
        select(Proposal.id).where(Proposal.id == proposal.id, _visible(actor, township))
    )
    if visible is None:
        raise NotFound(_("未找到该提案"))
    return proposal


def _listed(
    actor: Actor,
    township: Township,
    state: str | None,
    kind: str | None,
    mine: bool,
    year: int | None,
) -> Select[tuple[Proposal]]:
    permissions.require_member(actor, township)
    query = select(Proposal).where(_visible(actor, township))
    if state:
        query = query.where(Proposal.state == state)
    if kind:
        query = query.where(Proposal.kind == kind)
    if year:
        query = query.where(Proposal.year == year)
    if mine:
        rep = representative_of(actor, township)
        query = query.where(Proposal.author_id == (rep.id if rep else -1))
    return query


def list_proposals(
    actor: Actor,
    township: Township,
    *,
    state: str | None = None,
    kind: str | None = None,
    mine: bool = False,
    year: int | None = None,
) -> list[Proposal]:
    query = _listed(actor, township, state, kind, mine, year)
    return list(db.session.scalars(query.order_by(Proposal.id.desc())))


def page_of_proposals(
    actor: Actor,
    township: Township,
    *,
    offset: int,
    limit: int,
    state: str | None = None,
    kind: str | None = None,
    mine: bool = False,
    year: int | None = None,
) -> tuple[list[Proposal], int]:
    """One page of `list_proposals`, newest first, and how many there are in all."""
    query = _listed(actor, township, state, kind, mine, year)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Proposal.id.desc()).offset(offset).limit(limit))
    return list(rows), total


def _author(actor: Actor, township: Township, proposal: Proposal) -> Representative:
    """The acting representative, who must be the proposal's author."""
    rep = representative_of(actor, township)
    if rep is None or rep.id != proposal.author_id:
        raise PermissionDenied(_("只有领衔代表可以这样做"))
    return rep


def _require_office(actor: Actor, township: Township) -> None:
    if not is_office(actor, township):
        raise PermissionDenied()


def _move(proposal: Proposal, action: str, actor: Actor | None, note: str | None = None) -> None:
    """Take one step of the life cycle: refused unless the table allows it from here."""
    transition = TRANSITIONS[action]
    if proposal.state not in transition.sources:
        raise IllegalTransition(
            _(
                "当前状态（%(s)s）不能执行此操作",
                s=STATE_LABELS.get(State(proposal.state), proposal.state),
            )
        )
    before = proposal.state
    if transition.target is not None:
        proposal.state = transition.target
    _event(proposal, action, actor, before, proposal.state, note)


def _event(
    proposal: Proposal,
    action: str,
    actor: Actor | None,
    before: str | None,
    after: str | None,
    note: str | None = None,
) -> None:
    db.session.add(
        Event(
            proposal_id=proposal.id,
            action=action,
            from_state=before,
            to_state=after,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor and actor.name else _("系统"),
            note=note,
        )
    )


def _audit(action: str, actor: Actor, township: Township, proposal: Proposal, **after: Any) -> None:
    audit.record(
        f"proposal.{action}",
        actor=actor,
        tenant_id=township.id,
        target_type="proposal",
        target_id=proposal.id,
        after={"state": proposal.state, **after},
    )


def _rep_user_ids(rep_ids: Iterable[int]) -> list[int]:
    ids = list(rep_ids)
    if not ids:
        return []
    return [
        i
        for i in db.session.scalars(
            select(Representative.user_id).where(Representative.id.in_(ids))
        )
        if i is not None
    ]


def _office_user_ids(township: Township) -> list[int]:
    return casework._office_user_ids(township)


def _unit_user_ids(township: Township, unit_ids: Iterable[int]) -> list[int]:
    return casework._unit_user_ids(township, unit_ids)


def _tell(
    user_ids: Iterable[int], township: Township, proposal: Proposal, title: str, body: str, key: str
) -> None:
    ids = sorted(set(user_ids))
    if not ids:
        return
    notify.notify(
        ids,
        title,
        body,
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/{proposal.id}",
        dedupe_key=f"pr:{township.id}:{proposal.id}:{key}",
        kind=f"proposal.{key.split(':')[0]}",  # proposal.assigned, proposal.answered …
    )


def _office_proposal(actor: Actor, township: Township, proposal_id: int) -> Proposal:
    proposal = get_proposal(actor, township, proposal_id)
    _require_office(actor, township)
    return proposal


def _active_assignment(actor: Actor, township: Township, proposal: Proposal) -> Assignment:
    """The acting unit's assignment in the current round (an unassigned unit is refused)."""
    units = casework.unit_ids_of(actor, township)
    found = (
        db.session.scalar(
            select(Assignment).where(
                Assignment.proposal_id == proposal.id,
                Assignment.round == proposal.round,
                Assignment.unit_id.in_(units),
                Assignment.status == AssignmentStatus.ACTIVE,
            )
        )
        if units
        else None
    )
    if found is None:
        raise PermissionDenied(_("该提案没有交办给您的单位，或已办理完毕"))
    return found


def history(actor: Actor, township: Township, proposal_id: int) -> list[Event]:
    proposal = get_proposal(actor, township, proposal_id)
    return list(
        db.session.scalars(select(Event).where(Event.proposal_id == proposal.id).order_by(Event.id))
    )
