"""Assignment to units, their answers, returns and extensions, and the author's rating."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework.models import Complexity, Rating
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.proposals.inputs import AssignInput
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Extension,
    ExtensionStatus,
    Kind,
    Proposal,
    State,
)
from lianxin.modules.proposals.stages.common import (
    RATING_LABELS,
    _active_assignment,
    _audit,
    _author,
    _event,
    _get,
    _move,
    _office_proposal,
    _office_user_ids,
    _rep_user_ids,
    _require_office,
    _tell,
    _unit_user_ids,
    _written,
    get_proposal,
    is_committee,
    is_office,
    settings,
)
from lianxin.modules.proposals.stages.due_dates import _counted, _due, _due_text
from lianxin.people.models import HandlingUnit
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- assignment and answers ----------------------------------------------------------------------


def assignments(actor: Actor, township: Township, proposal_id: int) -> list[Assignment]:
    proposal = get_proposal(actor, township, proposal_id)
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.proposal_id == proposal.id)
            .order_by(Assignment.round, Assignment.role.desc(), Assignment.id)
        )
    )


@use_case
def assign(
    actor: Actor,
    township: Township,
    proposal_id: int,
    data: AssignInput,
    *,
    today: date | None = None,
) -> Proposal:
    """交办 to one lead unit and optional co-units; a new round supersedes the last one. The
    complexity not given is the one said at acceptance."""
    proposal = _office_proposal(actor, township, proposal_id)
    if proposal.kind == Kind.INQUIRY:
        raise Conflict(_("质询由党委答复，不交办承办单位"))
    complexity = data.complexity or proposal.complexity
    if complexity not in set(Complexity):
        raise ValidationFailed(errors={"complexity": [_("请选择简单件或复杂件")]})
    lead = _get(HandlingUnit, township, data.lead_unit_id, _("未找到该承办单位"))
    co = [_get(HandlingUnit, township, i, _("未找到该承办单位")) for i in data.co_unit_ids]
    co = [u for u in {u.id: u for u in co}.values() if u.id != lead.id]
    inactive = [u.name for u in [lead, *co] if not u.is_active]
    if inactive:
        raise ValidationFailed(
            errors={"lead_unit_id": [_("承办单位已停用：%(n)s", n="、".join(inactive))]}
        )
    _move(proposal, "assign", actor, lead.name)
    db.session.execute(
        update(Assignment)
        .where(
            Assignment.proposal_id == proposal.id,
            Assignment.status.in_([AssignmentStatus.ACTIVE, AssignmentStatus.ANSWERED]),
        )
        .values(status=AssignmentStatus.SUPERSEDED)
    )
    proposal.round += 1
    proposal.complexity = complexity
    proposal.answer = proposal.answered_at = proposal.rating = None
    proposal.rating_comment = proposal.rated_at = None
    due = _due(township, complexity, kit.today(today))
    for unit, role in [(lead, AssignmentRole.LEAD), *((u, AssignmentRole.CO) for u in co)]:
        db.session.add(
            Assignment(
                proposal_id=proposal.id,
                unit_id=unit.id,
                role=role,
                round=proposal.round,
                due_on=due.due_on,
                due_from=due.start,
                due_days=due.days,
                due_count=due.count,
                due_estimated=due.estimated,
            )
        )
    _audit(
        "assign",
        actor,
        township,
        proposal,
        lead=lead.id,
        co=[u.id for u in co],
        due=due.due_on.isoformat(),
        due_estimated=due.estimated,
    )
    _tell(
        _unit_user_ids(township, [lead.id, *(u.id for u in co)]),
        township,
        proposal,
        _("新交办：%(t)s", t=proposal.title),
        _(
            "办理期限：%(d)s。请先与领衔代表联系，再书面答复。",
            d=_due_text(due.due_on, due.estimated),
        ),
        f"assigned:{proposal.round}",
    )
    return proposal


@use_case
def contact_author(
    actor: Actor, township: Township, proposal_id: int, note: str | None = None
) -> Assignment:
    """The unit records that it has contacted the author (办前联系), with an optional note."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    text = (note or "").strip()
    if len(text) > 500:
        raise ValidationFailed(errors={"note": [_("内容过长")]})
    _move(proposal, "contact", actor, text or None)
    assignment.contacted_at, assignment.contact_note = utcnow(), text or None
    return assignment


@use_case
def answer(actor: Actor, township: Township, proposal_id: int, text: str) -> Proposal:
    """The unit's written answer. The lead unit's is the answer the author rates; a co-unit's is
    kept with the proposal for the lead unit and the office."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    written = _written(text, "text", 20000, _("请填写书面答复"))
    if assignment.contacted_at is None:
        raise Conflict(_("请先与领衔代表联系，了解意图后再答复"), code="contact_first")
    now = utcnow()
    assignment.answer, assignment.answered_at = written, now
    assignment.status = AssignmentStatus.ANSWERED
    # An extension still waiting for the office is moot once the unit has answered.
    db.session.execute(
        update(Extension)
        .where(
            Extension.assignment_id == assignment.id, Extension.status == ExtensionStatus.PENDING
        )
        .values(status=ExtensionStatus.WITHDRAWN, decided_at=now)
    )
    if assignment.role == AssignmentRole.CO:
        _move(proposal, "co_answer", actor)
        return proposal
    _move(proposal, "answer", actor)
    proposal.answer, proposal.answered_at = written, now
    _audit("answer", actor, township, proposal, unit=assignment.unit_id)
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("已答复：%(t)s", t=proposal.title),
        _("请阅读答复并作出评价。"),
        f"answered:{proposal.round}",
    )
    return proposal


@use_case
def answer_inquiry(
    actor: Actor, township: Township, proposal_id: int, text: str, *, public: bool = False
) -> Proposal:
    """The committee answers an inquiry (质询), to the author only or publicly."""
    proposal = get_proposal(actor, township, proposal_id)
    if not (is_committee(actor, township) or is_office(actor, township)):
        raise PermissionDenied()
    if proposal.kind != Kind.INQUIRY:
        raise Conflict(_("只有质询由党委直接答复"))
    written = _written(text, "text", 20000, _("请填写答复"))
    _move(proposal, "answer_inquiry", actor, _("公开答复") if public else _("个别答复"))
    now = utcnow()
    proposal.answer, proposal.answered_at, proposal.answer_public = written, now, bool(public)
    proposal.round += 1
    if public:
        proposal.published_at = now
    _audit("answer_inquiry", actor, township, proposal, public=bool(public))
    _tell(
        _rep_user_ids([proposal.author_id]),
        township,
        proposal,
        _("质询已答复：%(t)s", t=proposal.title),
        _("请阅读答复并作出评价。"),
        f"answered:{proposal.round}",
    )
    return proposal


@use_case
def return_to_office(actor: Actor, township: Township, proposal_id: int, reason: str) -> Proposal:
    """The unit sends it back as not its business; a lead unit's return puts the proposal back
    with the office to assign again."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    text = _written(reason, "reason", 500, _("请说明退回理由"))
    _move(proposal, "return", actor, text)
    assignment.status, assignment.return_reason = AssignmentStatus.RETURNED, text
    if assignment.role == AssignmentRole.LEAD:
        before = proposal.state
        proposal.state = State.ACCEPTED
        _event(proposal, "back_to_office", actor, before, proposal.state, text)
    _audit("return", actor, township, proposal, unit=assignment.unit_id, reason=text)
    _tell(
        _office_user_ids(township),
        township,
        proposal,
        _("承办单位退回：%(t)s", t=proposal.title),
        text,
        f"returned:{assignment.id}",
    )
    return proposal


@use_case
def request_extension(
    actor: Actor, township: Township, proposal_id: int, days: int, reason: str
) -> Extension:
    """The unit asks the office for `days` more (at most the township's limit), saying why."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    errors: dict[str, list[str]] = {}  # the township's limit and the reason, told together
    limit = int(settings(township.id)["max_extension_days"])
    if not 1 <= days <= limit:
        errors["days"] = [_("延期天数须在 1 到 %(n)d 天之间", n=limit)]
    text = (reason or "").strip()
    if not text or len(text) > 500:
        errors["reason"] = [_("请说明延期理由")]
    if errors:
        raise ValidationFailed(errors=errors)
    pending = db.session.scalar(
        select(Extension.id).where(
            Extension.assignment_id == assignment.id, Extension.status == ExtensionStatus.PENDING
        )
    )
    if pending is not None:
        raise Conflict(_("已有待审批的延期申请"))
    _move(proposal, "request_extension", actor, text)
    extension = Extension(assignment_id=assignment.id, days=days, reason=text)
    db.session.add(extension)
    db.session.flush()
    _tell(
        _office_user_ids(township),
        township,
        proposal,
        _("延期申请：%(t)s（%(n)d 天）", t=proposal.title, n=days),
        text,
        f"extension:{extension.id}",
    )
    return extension


def extensions(actor: Actor, township: Township, proposal_id: int) -> list[Extension]:
    proposal = get_proposal(actor, township, proposal_id)
    ids = select(Assignment.id).where(Assignment.proposal_id == proposal.id)
    return list(
        db.session.scalars(
            select(Extension).where(Extension.assignment_id.in_(ids)).order_by(Extension.id)
        )
    )


@use_case
def decide_extension(
    actor: Actor, township: Township, extension_id: int, *, approve: bool
) -> Extension:
    extension = _get(Extension, township, extension_id, _("未找到该延期申请"))
    assignment = _get(Assignment, township, extension.assignment_id, _("未找到该延期申请"))
    proposal = get_proposal(actor, township, assignment.proposal_id)
    _require_office(actor, township)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict(_("该申请已处理"))
    _move(proposal, "decide_extension", actor, _("同意延期") if approve else _("不同意延期"))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by_id, extension.decided_at = actor.user_id, utcnow()
    if approve:
        # Counted as the assignment's own due date was; a legacy one as the township counts now.
        count = assignment.due_count or str(settings(township.id)["day_count"])
        extended = _counted(township, assignment.due_on, extension.days, count)
        assignment.due_on = extended.due_on
        assignment.due_estimated = count == deadlines.DayCount.WORKING and (
            deadlines.is_estimated(assignment.due_from or extended.start, extended.due_on)
        )
    _audit(
        "extension",
        actor,
        township,
        proposal,
        approved=approve,
        days=extension.days,
        due=assignment.due_on.isoformat(),
        due_estimated=assignment.due_estimated,
    )
    _tell(
        _unit_user_ids(township, [assignment.unit_id]),
        township,
        proposal,
        _("延期申请%(r)s：%(t)s", r=_("已同意") if approve else _("未同意"), t=proposal.title),
        _("办理期限：%(d)s", d=_due_text(assignment.due_on, assignment.due_estimated)),
        f"extension:{extension.id}:decided",
    )
    return extension


@use_case
def rate(
    actor: Actor, township: Township, proposal_id: int, rating: str, comment: str | None = None
) -> Proposal:
    """The author rates the answer: satisfied or basically satisfied closes it; unsatisfied
    sends it back to the office to be assigned again, with its history."""
    proposal = get_proposal(actor, township, proposal_id)
    _author(actor, township, proposal)
    value = rating or ""
    if value not in set(Rating):
        raise ValidationFailed(errors={"rating": [_("请选择满意、基本满意或不满意")]})
    text = (comment or "").strip() or None
    if text and len(text) > 500:
        raise ValidationFailed(errors={"comment": [_("意见过长（不超过500字）")]})
    if value == Rating.UNSATISFIED and not text:
        raise ValidationFailed(errors={"comment": [_("不满意时请写明意见，以便再交办")]})
    _move(proposal, "rate", actor, f"{RATING_LABELS[Rating(value)]}{'：' + text if text else ''}")
    proposal.rating, proposal.rating_comment, proposal.rated_at = value, text, utcnow()
    before = proposal.state
    if value == Rating.UNSATISFIED:
        proposal.state = State.UNSATISFIED
        _tell(
            _office_user_ids(township),
            township,
            proposal,
            _("代表不满意，请再交办：%(t)s", t=proposal.title),
            text or "",
            f"unsatisfied:{proposal.round}",
        )
    else:
        proposal.state, proposal.closed_at = State.CLOSED, utcnow()
    _event(proposal, "rated", actor, before, proposal.state)
    _audit("rate", actor, township, proposal, rating=value)
    return proposal
