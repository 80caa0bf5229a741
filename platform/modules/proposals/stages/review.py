"""The office's review (立案, 转为建议, 并案, 不予立案), 办结 and publication."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, select, update

from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.proposals.inputs import COMPLEXITIES
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Kind,
    Proposal,
    State,
)
from lianxin.modules.proposals.stages.common import (
    _audit,
    _event,
    _get,
    _move,
    _office_proposal,
    _rep_user_ids,
    _tell,
    _written,
    get_proposal,
)
from lianxin.modules.proposals.states import NUMBER_PREFIX
from lianxin.people.models import HandlingUnit, Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- review --------------------------------------------------------------------------------------


def _next_number(kind: str, year: int) -> str:
    prefix = f"{NUMBER_PREFIX[Kind(kind)]}{year}-"
    taken = db.session.scalars(select(Proposal.number).where(Proposal.number.like(f"{prefix}%")))
    last = max((int(n.rsplit("-", 1)[1]) for n in taken if n), default=0)
    return f"{prefix}{last + 1:03d}"


def _number(proposal: Proposal, today: date | None) -> None:
    year = kit.today(today).year
    proposal.year = year
    proposal.number = _next_number(proposal.kind, year)


@use_case
def accept(
    actor: Actor,
    township: Township,
    proposal_id: int,
    *,
    complexity: str | None = None,
    today: date | None = None,
) -> Proposal:
    """立案: the proposal gets its number (e.g. 2026-007); the complexity may be said now."""
    proposal = _office_proposal(actor, township, proposal_id)
    _move(proposal, "accept", actor)
    if complexity is not None:
        if complexity not in COMPLEXITIES:
            raise ValidationFailed(errors={"complexity": [_("请选择简单或复杂")]})
        proposal.complexity = complexity
    _number(proposal, today)
    _audit("accept", actor, township, proposal, number=proposal.number)
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("已立案：%(t)s（%(n)s）", t=proposal.title, n=proposal.number),
        "",
        "accepted",
    )
    return proposal


@use_case
def convert_to_suggestion(
    actor: Actor, township: Township, proposal_id: int, note: str, *, today: date | None = None
) -> Proposal:
    """Accepted, but as a suggestion (转为建议意见), with the reason told to the author."""
    proposal = _office_proposal(actor, township, proposal_id)
    text = _written(note, "note", 2000, _("请写明转为建议意见的理由"))
    if proposal.kind == Kind.SUGGESTION:
        raise Conflict(_("已经是建议意见"))
    _move(proposal, "convert", actor, text)
    proposal.kind, proposal.group_id, proposal.review_note = Kind.SUGGESTION, None, text
    _number(proposal, today)
    _audit("convert", actor, township, proposal, number=proposal.number)
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("已转为建议意见：%(t)s", t=proposal.title),
        text,
        "converted",
    )
    return proposal


@use_case
def merge(actor: Actor, township: Township, proposal_id: int, into_id: int, note: str) -> Proposal:
    """并案: handled together with an accepted proposal on the same matter."""
    proposal = _office_proposal(actor, township, proposal_id)
    target = get_proposal(actor, township, into_id)
    errors: dict[str, list[str]] = {}  # the note's and the target's, told together
    text = (note or "").strip()
    if not text or len(text) > 2000:
        errors["note"] = [_("请写明并案理由")]
    if target.id == proposal.id or target.state in (
        State.DRAFT,
        State.SUBMITTED,
        State.MERGED,
        State.NOT_ACCEPTED,
    ):
        errors["into_id"] = [_("只能并入已立案的提案")]
    if errors:
        raise ValidationFailed(errors=errors)
    _move(proposal, "merge", actor, text)
    proposal.merged_into_id, proposal.review_note = target.id, text
    _event(target, "merged_in", actor, target.state, target.state, proposal.title)
    _audit("merge", actor, township, proposal, into=target.id)
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("已并案：%(t)s 并入 %(n)s", t=proposal.title, n=target.number or ""),
        text,
        "merged",
    )
    return proposal


@use_case
def reject(actor: Actor, township: Township, proposal_id: int, reason: str) -> Proposal:
    """不予立案, with the written reason the author reads."""
    proposal = _office_proposal(actor, township, proposal_id)
    text = _written(reason, "reason", 2000, _("请写明不予立案的理由"))
    _move(proposal, "reject", actor, text)
    proposal.review_note = text
    _audit("reject", actor, township, proposal)
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("不予立案：%(t)s", t=proposal.title),
        text,
        "rejected",
    )
    return proposal


@use_case
def close(actor: Actor, township: Township, proposal_id: int, reason: str) -> Proposal:
    """办结 at any point after acceptance, with the reason."""
    proposal = _office_proposal(actor, township, proposal_id)
    text = _written(reason, "reason", 500, _("请写明办结理由"))
    _move(proposal, "close", actor, text)
    proposal.closed_reason, proposal.closed_at = text, utcnow()
    db.session.execute(
        update(Assignment)
        .where(Assignment.proposal_id == proposal.id, Assignment.status == AssignmentStatus.ACTIVE)
        .values(status=AssignmentStatus.SUPERSEDED)
    )
    _audit("close", actor, township, proposal, reason=text)
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("已办结：%(t)s", t=proposal.title),
        text,
        "closed",
    )
    return proposal


# --- publication ---------------------------------------------------------------------------------


@use_case
def set_published(actor: Actor, township: Township, proposal_id: int, published: bool) -> Proposal:
    proposal = _office_proposal(actor, township, proposal_id)
    if published:
        if not proposal.answer:
            raise Conflict(_("尚无答复，不能公开"))
        _move(proposal, "publish", actor)
        proposal.published_at = utcnow()
    else:
        if proposal.published_at is None:
            raise Conflict(_("该提案尚未公开"))
        proposal.published_at = None
        _event(proposal, "unpublish", actor, proposal.state, proposal.state)
    _audit("publish" if published else "unpublish", actor, township, proposal)
    return proposal


def public_list(township: Township) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.published_at.is_not(None), Proposal.answer.is_not(None))
            .order_by(Proposal.published_at.desc())
        )
    )


def public_get(township: Township, proposal_id: int) -> Proposal:
    proposal = _get(Proposal, township, proposal_id, _("未找到该提案"))
    if proposal.published_at is None or not proposal.answer:
        raise NotFound(_("未找到该提案"))
    return proposal


def lead_unit_name(proposal: Proposal) -> str | None:
    name = db.session.scalar(
        select(HandlingUnit.name)
        .join(
            Assignment,
            and_(
                Assignment.unit_id == HandlingUnit.id,
                Assignment.tenant_id == HandlingUnit.tenant_id,
            ),
        )
        .where(
            Assignment.proposal_id == proposal.id,
            Assignment.round == proposal.round,
            Assignment.role == AssignmentRole.LEAD,
        )
    )
    return name


def author_name(proposal: Proposal) -> str:
    rep = db.session.get(Representative, (proposal.tenant_id, proposal.author_id))
    return rep.name if rep else ""


def author_names(proposals: Iterable[Proposal]) -> dict[int, str]:
    """The authors' names of a list of proposals, by representative id: one query, not one each."""
    ids = {p.author_id for p in proposals}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Representative.id, Representative.name).where(Representative.id.in_(ids))
    )
    return {rep_id: name for rep_id, name in rows}
