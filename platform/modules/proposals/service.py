"""Use cases of the proposals module (提案, 建议意见, 质询; DOMAIN.md §3).

A representative drafts; for a proposal (提案) they invite co-signers, who sign or decline from
their own accounts, and submit once enough signers in office at that moment have signed (or
in the name of their representative group); the list is frozen at submission. The proposal
office (the township's liaison office) accepts it with a number, merges it, turns it into a
suggestion, or does not accept it with a written reason; assigns it to one lead unit and
co-units with a deadline; decides the units' extension requests; units contact the author and
answer in writing; the author rates the answer; unsatisfied goes back to the office to be
assigned again. An inquiry (质询) is answered by the Party committee, individually or publicly.

Reads need a membership and visibility (the author and signers their own, units what was
assigned to them, the office and the committee everything submitted); ids of another township
are simply not found: every query runs in the township's tenant context.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select, update

from lianxin import spreadsheets, work_calendar
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import SYSTEM, Actor
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.casework.models import Rating
from lianxin.db import db, utcnow
from lianxin.db.lookup import tenant_get
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    CollectionWindow,
    Event,
    Extension,
    ExtensionStatus,
    Kind,
    Proposal,
    ProposalCase,
    ProposalFile,
    Signature,
    SignatureStatus,
    State,
)
from lianxin.modules.proposals.states import KIND_LABELS, NUMBER_PREFIX, STATE_LABELS, TRANSITIONS
from lianxin.notify import service as notify
from lianxin.people.models import (
    GroupMembership,
    GroupRole,
    HandlingUnit,
    Representative,
    RepresentativeGroup,
)
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

log = logging.getLogger("lianxin.proposals")

MODULE_KEY = "proposals"
T = TypeVar("T")

RATING_LABELS = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.UNSATISFIED: "不满意",
}


class IllegalTransition(Conflict):
    code = "illegal_transition"


class ThresholdNotMet(Conflict):
    code = "signers_threshold"


class SubmissionClosed(Conflict):
    code = "submission_closed"


def settings(township_id: int) -> dict[str, Any]:
    return tenants.effective_settings(township_id, MODULE_KEY)


def _today(today: date | None = None) -> date:
    return today or deadlines.shanghai_today()


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _text(value: Any, name: str, limit: int, message: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        errors[name] = [message]
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


def get_proposal(actor: Actor, township: Township, proposal_id: Any) -> Proposal:
    permissions.require_member(actor, township)
    proposal = _get(Proposal, township, proposal_id, _("未找到该提案"))
    visible = db.session.scalar(
        select(Proposal.id).where(Proposal.id == proposal.id, _visible(actor, township))
    )
    if visible is None:
        raise NotFound(_("未找到该提案"))
    return proposal


def list_proposals(
    actor: Actor,
    township: Township,
    *,
    state: str | None = None,
    kind: str | None = None,
    mine: bool = False,
    year: int | None = None,
) -> list[Proposal]:
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
    return list(db.session.scalars(query.order_by(Proposal.id.desc())))


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
    )


# --- collection windows --------------------------------------------------------------------------


def list_windows(actor: Actor, township: Township) -> list[CollectionWindow]:
    permissions.require_member(actor, township)
    return list(db.session.scalars(select(CollectionWindow).order_by(CollectionWindow.opens_on)))


def add_window(actor: Actor, township: Township, data: Mapping[str, Any]) -> CollectionWindow:
    permissions.require_office(actor, township)
    errors: dict[str, list[str]] = {}
    title = _text(data.get("title"), "title", 100, _("请填写征集活动名称（不超过100字）"), errors)
    dates: dict[str, date] = {}
    for name in ("opens_on", "closes_on"):
        raw = data.get(name)
        try:
            dates[name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            errors[name] = [_("日期格式不正确")]
    if not errors and dates["closes_on"] < dates["opens_on"]:
        errors["closes_on"] = [_("截止日期不能早于开始日期")]
    if errors:
        raise ValidationFailed(errors=errors)
    window = CollectionWindow(title=title, **dates)
    db.session.add(window)
    db.session.flush()
    audit.record(
        "proposal.window_add",
        actor=actor,
        tenant_id=township.id,
        target_type="proposal_window",
        target_id=window.id,
        after={k: v.isoformat() for k, v in dates.items()},
    )
    db.session.commit()
    return window


def delete_window(actor: Actor, township: Township, window_id: Any) -> None:
    window = _get(CollectionWindow, township, window_id, _("未找到该征集活动"))
    permissions.require_office(actor, township)
    db.session.delete(window)
    audit.record(
        "proposal.window_delete",
        actor=actor,
        tenant_id=township.id,
        target_type="proposal_window",
        target_id=window.id,
    )
    db.session.commit()


def open_window(township: Township, today: date | None = None) -> CollectionWindow | None:
    today = _today(today)
    return db.session.scalar(
        select(CollectionWindow)
        .where(CollectionWindow.opens_on <= today, CollectionWindow.closes_on >= today)
        .order_by(CollectionWindow.closes_on)
    )


def submission_open(
    township: Township, today: date | None = None, *, kind: str = Kind.PROPOSAL
) -> bool:
    """Whether a draft of `kind` may be submitted today. Suggestions and inquiries are taken all
    year; proposals too, unless the township collects them in windows (`all_year` off), when
    one must be open."""
    if kind != Kind.PROPOSAL:
        return True
    return bool(settings(township.id)["all_year"]) or open_window(township, today) is not None


# --- drafting ------------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if not partial or "kind" in data:
        kind = str(data.get("kind") or "")
        if kind not in set(Kind):
            errors["kind"] = [_("请选择类型：提案、建议意见或质询")]
        out["kind"] = kind
    if not partial or "title" in data:
        out["title"] = _text(
            data.get("title"), "title", 200, _("请填写标题（不超过200字）"), errors
        )
    if not partial or "body" in data:
        out["body"] = _text(data.get("body"), "body", 20000, _("请填写内容"), errors)
    if not partial or "category" in data:
        category = str(data.get("category") or "其他")
        if category not in casework.CATEGORIES:
            errors["category"] = [_("请选择类别")]
        out["category"] = category
    if "complexity" in data:
        complexity = data.get("complexity") or None
        if complexity not in (None, "simple", "complex"):
            errors["complexity"] = [_("请选择简单或复杂")]
        out["complexity"] = complexity
    if "group_discussed_on" in data:
        out["group_discussed_on"] = _discussed_on(data.get("group_discussed_on"), errors)
    if "group_discussion" in data:
        text = str(data.get("group_discussion") or "").strip() or None
        if text and len(text) > 2000:
            errors["group_discussion"] = [_("小组讨论情况过长（不超过2000字）")]
        out["group_discussion"] = text
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def _discussed_on(raw: Any, errors: dict[str, list[str]]) -> date | None:
    """The date of the group's discussion: empty, or a date not after today (Shanghai)."""
    if raw in (None, ""):
        return None
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    except ValueError:
        errors["group_discussed_on"] = [_("日期格式不正确")]
        return None
    if day > _today():
        errors["group_discussed_on"] = [_("小组讨论日期不能晚于今天")]
    return day


def _group_for(township: Township, rep: Representative, group_id: Any) -> int | None:
    """A group the representative leads (leader or deputy) today; None for no group."""
    if group_id in (None, "", 0, "0"):
        return None
    if not settings(township.id)["allow_groups"]:
        raise ValidationFailed(errors={"group_id": [_("本乡镇不接受以代表小组名义提出的提案")]})
    group = _get(RepresentativeGroup, township, group_id, _("未找到该代表小组"))
    leads = db.session.scalar(
        select(GroupMembership.id).where(
            GroupMembership.group_id == group.id,
            GroupMembership.representative_id == rep.id,
            GroupMembership.ended_on.is_(None),
            GroupMembership.role.in_([GroupRole.LEADER, GroupRole.DEPUTY]),
        )
    )
    if leads is None:
        raise ValidationFailed(
            errors={"group_id": [_("只有代表小组的组长或副组长可以以小组名义提出")]}
        )
    return group.id


def create_draft(actor: Actor, township: Township, data: Mapping[str, Any]) -> Proposal:
    """A representative's draft; the author is its first signer."""
    permissions.require_member(actor, township)
    rep = representative_of(actor, township)
    if rep is None or not rep.in_office:
        raise PermissionDenied(_("只有在任代表可以提出"))
    clean = _clean(data, partial=False)
    group_id = (
        _group_for(township, rep, data.get("group_id")) if clean["kind"] == Kind.PROPOSAL else None
    )
    try:
        case_ids = [int(i) for i in data.get("case_ids") or []]
    except (TypeError, ValueError):
        raise ValidationFailed(errors={"case_ids": [_("诉求编号不正确")]}) from None
    cases = [casework.get_case(actor, township, i) for i in case_ids]
    if group_id is None:  # the discussion is a group's; a personal draft keeps none
        clean.pop("group_discussed_on", None)
        clean.pop("group_discussion", None)
    proposal = Proposal(author_id=rep.id, group_id=group_id, state=State.DRAFT, **clean)
    db.session.add(proposal)
    db.session.flush()
    db.session.add(
        Signature(
            proposal_id=proposal.id,
            representative_id=rep.id,
            status=SignatureStatus.SIGNED,
            responded_at=utcnow(),
        )
    )
    for case in {c.id: c for c in cases}.values():
        db.session.add(ProposalCase(proposal_id=proposal.id, case_id=case.id))
    _event(proposal, "create", actor, None, State.DRAFT)
    _audit("create", actor, township, proposal, kind=proposal.kind)
    db.session.commit()
    return proposal


def draft_from_case(actor: Actor, township: Township, case_id: Any, kind: str) -> Proposal:
    """Turn a case the representative can see into a draft (title and body to edit)."""
    case = casework.get_case(actor, township, int(case_id))
    return create_draft(
        actor,
        township,
        {
            "kind": kind,
            "title": case.title,
            "body": case.body,
            "category": case.category,
            "case_ids": [case.id],
        },
    )


def _draft_of_author(actor: Actor, township: Township, proposal_id: Any) -> Proposal:
    proposal = get_proposal(actor, township, proposal_id)
    _author(actor, township, proposal)
    if proposal.state != State.DRAFT:
        raise IllegalTransition(_("已提交，不能再修改"))
    return proposal


def update_draft(
    actor: Actor, township: Township, proposal_id: Any, data: Mapping[str, Any]
) -> Proposal:
    """Change the draft. A changed title or text asks the co-signers to sign again: they
    signed what they read."""
    proposal = _draft_of_author(actor, township, proposal_id)
    clean = _clean(data, partial=True)
    if "group_id" in data and (clean.get("kind") or proposal.kind) == Kind.PROPOSAL:
        rep = representative_of(actor, township)
        assert rep is not None
        proposal.group_id = _group_for(township, rep, data.get("group_id"))
    if clean.get("kind") and clean["kind"] != Kind.PROPOSAL:
        proposal.group_id = None
    changed = any(
        k in clean and clean[k] != getattr(proposal, k) for k in ("title", "body", "kind")
    )
    for key, value in clean.items():
        setattr(proposal, key, value)
    if proposal.group_id is None:
        proposal.group_discussed_on = proposal.group_discussion = None
    if changed:
        db.session.execute(
            update(Signature)
            .where(
                Signature.proposal_id == proposal.id,
                Signature.representative_id != proposal.author_id,
                Signature.status == SignatureStatus.SIGNED,
            )
            .values(status=SignatureStatus.INVITED, responded_at=None)
        )
    _event(proposal, "edit", actor, proposal.state, proposal.state)
    db.session.commit()
    return proposal


def signatures(
    actor: Actor, township: Township, proposal_id: Any
) -> list[tuple[Signature, Representative]]:
    proposal = get_proposal(actor, township, proposal_id)
    return _signatures(proposal)


def _signatures(proposal: Proposal) -> list[tuple[Signature, Representative]]:
    rows = db.session.execute(
        select(Signature, Representative)
        .join(
            Representative,
            and_(
                Representative.id == Signature.representative_id,
                Representative.tenant_id == Signature.tenant_id,
            ),
        )
        .where(Signature.proposal_id == proposal.id)
        .order_by(Signature.id)
    ).all()
    return [(s, r) for s, r in rows]


def invite(
    actor: Actor, township: Township, proposal_id: Any, rep_ids: Iterable[Any]
) -> list[Signature]:
    """Invite representatives of this township, in office, to co-sign the proposal."""
    proposal = _draft_of_author(actor, township, proposal_id)
    if proposal.kind != Kind.PROPOSAL:
        raise ValidationFailed(errors={"representative_ids": [_("只有提案需要代表联名")]})
    reps = [_get(Representative, township, i, _("未找到该代表")) for i in rep_ids]
    ended = [r.name for r in reps if not r.in_office]
    if ended:
        raise ValidationFailed(
            errors={"representative_ids": [_("代表资格已终止：%(n)s", n="、".join(ended))]}
        )
    existing = {s.representative_id for s, _r in _signatures(proposal)}
    added = []
    for rep in {r.id: r for r in reps}.values():
        if rep.id in existing:
            continue
        signature = Signature(proposal_id=proposal.id, representative_id=rep.id)
        db.session.add(signature)
        added.append(signature)
    db.session.flush()
    if added:
        _event(
            proposal,
            "invite",
            actor,
            proposal.state,
            proposal.state,
            "、".join(r.name for r in reps if r.id not in existing),
        )
        _tell(
            _rep_user_ids(s.representative_id for s in added),
            township,
            proposal,
            _("请您联名：%(t)s", t=proposal.title),
            _("请阅读提案内容后选择联名或不联名。"),
            f"invite:{','.join(str(s.id) for s in added)}",
        )
    db.session.commit()
    return added


def _own_signature(actor: Actor, township: Township, proposal: Proposal) -> Signature:
    rep = representative_of(actor, township)
    signature = (
        db.session.scalar(
            select(Signature).where(
                Signature.proposal_id == proposal.id, Signature.representative_id == rep.id
            )
        )
        if rep is not None
        else None
    )
    if signature is None or rep is None or rep.id == proposal.author_id:
        raise PermissionDenied(_("您没有被邀请联名此提案"))
    if proposal.state != State.DRAFT:
        raise Conflict(_("提案已提交，联名名单已确定"))
    return signature


def sign(actor: Actor, township: Township, proposal_id: Any) -> Signature:
    proposal = get_proposal(actor, township, proposal_id)
    signature = _own_signature(actor, township, proposal)
    if signature.status == SignatureStatus.SIGNED:
        raise Conflict(_("您已经联名"), code="already_signed")
    rep = representative_of(actor, township)
    assert rep is not None
    if not rep.in_office:
        raise PermissionDenied(_("代表资格已终止，不能联名"))
    signature.status, signature.responded_at = SignatureStatus.SIGNED, utcnow()
    _event(proposal, "sign", actor, proposal.state, proposal.state)
    db.session.commit()
    return signature


def decline(actor: Actor, township: Township, proposal_id: Any) -> Signature:
    proposal = get_proposal(actor, township, proposal_id)
    signature = _own_signature(actor, township, proposal)
    if signature.status == SignatureStatus.DECLINED:
        raise Conflict(_("您已选择不联名"), code="already_declined")
    signature.status, signature.responded_at = SignatureStatus.DECLINED, utcnow()
    _event(proposal, "decline", actor, proposal.state, proposal.state)
    db.session.commit()
    return signature


@dataclass
class Threshold:
    needed: int
    valid: list[Representative]  # signed and in office now
    ended: list[Representative]  # signed, but no longer in office
    group: bool  # in the name of a representative group
    discussed: bool = True  # a group's: its discussion is recorded
    signers_waived: bool = False  # a group's, where the township lets the name replace them

    @property
    def signers_met(self) -> bool:
        return self.signers_waived or len(self.valid) >= self.needed

    @property
    def met(self) -> bool:
        return self.signers_met and self.discussed


def threshold(township: Township, proposal: Proposal) -> Threshold:
    """Whether a proposal may be submitted now: enough signers in office (the author included).
    A group's proposal also needs the group's discussion recorded (seed 001), and needs the
    signers too unless the township lets the group's name replace them (off by default).
    Suggestions and inquiries need none."""
    rule = settings(township.id)
    needed = int(rule["min_signers"]) if proposal.kind == Kind.PROPOSAL else 1
    signed = [r for s, r in _signatures(proposal) if s.status == SignatureStatus.SIGNED]
    group = proposal.kind == Kind.PROPOSAL and proposal.group_id is not None
    return Threshold(
        needed,
        [r for r in signed if r.in_office],
        [r for r in signed if not r.in_office],
        group,
        discussed=not group
        or (proposal.group_discussed_on is not None and bool(proposal.group_discussion)),
        signers_waived=group and bool(rule["group_name_replaces_signers"]),
    )


def submit(
    actor: Actor, township: Township, proposal_id: Any, *, today: date | None = None
) -> Proposal:
    proposal = get_proposal(actor, township, proposal_id)
    author = _author(actor, township, proposal)
    if proposal.state != State.DRAFT:
        raise IllegalTransition(_("该提案已经提交过了"))
    if not author.in_office:
        raise PermissionDenied(_("代表资格已终止，不能提交"))
    if not submission_open(township, today, kind=proposal.kind):
        raise SubmissionClosed(_("现在不在提案征集期内，暂不能提交"))
    if proposal.group_id is not None:
        _group_for(township, author, proposal.group_id)  # still leads the group
    check = threshold(township, proposal)
    if not check.discussed:
        missing = _("请填写小组讨论的日期和讨论情况")
        raise ValidationFailed(
            _("以代表小组名义提出的提案须经本小组讨论：请记录小组讨论的日期和讨论情况"),
            errors={
                name: [missing]
                for name, value in (
                    ("group_discussed_on", proposal.group_discussed_on),
                    ("group_discussion", proposal.group_discussion),
                )
                if not value
            },
        )
    if not check.signers_met:
        message = _(
            "联名代表不足：需要 %(n)d 名在任代表联名（含领衔代表），现有 %(m)d 名",
            n=check.needed,
            m=len(check.valid),
        )
        if check.ended:
            message += _(
                "（%(names)s 的代表资格已终止，不计入）",
                names="、".join(r.name for r in check.ended),
            )
        raise ThresholdNotMet(
            message,
            errors={
                "signers": [_("在任联名代表 %(m)d / %(n)d", m=len(check.valid), n=check.needed)]
            },
        )
    # Only one submission of a draft, however many requests race for it.
    claimed = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state == State.DRAFT)
        .values(state=State.SUBMITTED, submitted_at=utcnow())
        .returning(Proposal.id)
    ).first()
    if claimed is None:
        db.session.rollback()
        raise IllegalTransition(_("该提案已经提交过了"))
    db.session.refresh(proposal)
    valid = {r.id for r in check.valid}
    db.session.execute(
        update(Signature)
        .where(Signature.proposal_id == proposal.id, Signature.representative_id.in_(valid))
        .values(counted=True)
    )
    _event(
        proposal,
        "submit",
        actor,
        State.DRAFT,
        State.SUBMITTED,
        _("联名代表 %(n)d 名", n=len(valid)),
    )
    _audit("submit", actor, township, proposal, signers=sorted(valid))
    _tell(
        _office_user_ids(township),
        township,
        proposal,
        _("新%(k)s待审查：%(t)s", k=KIND_LABELS[Kind(proposal.kind)], t=proposal.title),
        "",
        "submitted",
    )
    db.session.commit()
    return proposal


def attach(
    actor: Actor, township: Township, proposal_id: Any, stream: IO[bytes], filename: str
) -> Any:
    """A supporting file: the author's on a draft, or an assigned unit's with its answer."""
    from lianxin.storage import service as files

    proposal = get_proposal(actor, township, proposal_id)
    if proposal.state not in TRANSITIONS["attach"].sources:
        raise IllegalTransition(_("当前状态不能再添加附件"))
    unit_id = None
    if proposal.state == State.DRAFT:
        _author(actor, township, proposal)
    else:
        unit_id = _active_assignment(actor, township, proposal).unit_id
    stored = files.save_upload(actor, township, stream, filename, purpose="proposal")
    _move(proposal, "attach", actor, stored.filename)
    db.session.add(ProposalFile(proposal_id=proposal.id, file_id=stored.id, unit_id=unit_id))
    db.session.commit()
    return stored


def files_of(actor: Actor, township: Township, proposal_id: Any) -> list[Any]:
    from lianxin.storage.models import StoredFile

    proposal = get_proposal(actor, township, proposal_id)
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(
                ProposalFile,
                and_(
                    ProposalFile.file_id == StoredFile.id,
                    ProposalFile.tenant_id == StoredFile.tenant_id,
                ),
            )
            .where(ProposalFile.proposal_id == proposal.id)
            .order_by(ProposalFile.id)
        )
    )


@storage_owners.reader("proposal")
def _file_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A supporting file is read by whoever may read its proposal (`get_proposal`), while the
    module is switched on."""
    proposal_id = db.session.scalar(
        select(ProposalFile.proposal_id).where(ProposalFile.file_id == file_id).limit(1)
    )
    if proposal_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_proposal(actor, township, proposal_id)
    return True


def linked_cases(actor: Actor, township: Township, proposal_id: Any) -> list[Any]:
    from lianxin.casework.models import Case

    proposal = get_proposal(actor, township, proposal_id)
    return list(
        db.session.scalars(
            select(Case)
            .join(
                ProposalCase,
                and_(ProposalCase.case_id == Case.id, ProposalCase.tenant_id == Case.tenant_id),
            )
            .where(ProposalCase.proposal_id == proposal.id)
        )
    )


# --- review --------------------------------------------------------------------------------------


def _next_number(kind: str, year: int) -> str:
    prefix = f"{NUMBER_PREFIX[Kind(kind)]}{year}-"
    taken = db.session.scalars(select(Proposal.number).where(Proposal.number.like(f"{prefix}%")))
    last = max((int(n.rsplit("-", 1)[1]) for n in taken if n), default=0)
    return f"{prefix}{last + 1:03d}"


def _office_proposal(actor: Actor, township: Township, proposal_id: Any) -> Proposal:
    proposal = get_proposal(actor, township, proposal_id)
    _require_office(actor, township)
    return proposal


def _number(proposal: Proposal, today: date | None) -> None:
    year = _today(today).year
    proposal.year = year
    proposal.number = _next_number(proposal.kind, year)


def accept(
    actor: Actor,
    township: Township,
    proposal_id: Any,
    *,
    complexity: str | None = None,
    today: date | None = None,
) -> Proposal:
    """立案: the proposal gets its number (e.g. 2026-007)."""
    proposal = _office_proposal(actor, township, proposal_id)
    _move(proposal, "accept", actor)
    if complexity is not None:
        proposal.complexity = _clean({"complexity": complexity}, partial=True)["complexity"]
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
    db.session.commit()
    return proposal


def convert_to_suggestion(
    actor: Actor, township: Township, proposal_id: Any, note: Any, *, today: date | None = None
) -> Proposal:
    """Accepted, but as a suggestion (转为建议意见), with the reason told to the author."""
    proposal = _office_proposal(actor, township, proposal_id)
    errors: dict[str, list[str]] = {}
    text = _text(note, "note", 2000, _("请写明转为建议意见的理由"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
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
    db.session.commit()
    return proposal


def merge(actor: Actor, township: Township, proposal_id: Any, into_id: Any, note: Any) -> Proposal:
    """并案: handled together with an accepted proposal on the same matter."""
    proposal = _office_proposal(actor, township, proposal_id)
    target = get_proposal(actor, township, into_id)
    errors: dict[str, list[str]] = {}
    text = _text(note, "note", 2000, _("请写明并案理由"), errors)
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
    db.session.commit()
    return proposal


def reject(actor: Actor, township: Township, proposal_id: Any, reason: Any) -> Proposal:
    """不予立案, with the written reason the author reads."""
    proposal = _office_proposal(actor, township, proposal_id)
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", 2000, _("请写明不予立案的理由"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
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
    db.session.commit()
    return proposal


# --- assignment and answers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A due date and what it was counted from (kept on the assignment)."""

    start: date
    days: int
    count: str
    due_on: date
    estimated: bool  # working days counted over a year without the official calendar


def _counted(
    township: Township, start: date, days: int, count: str, extensions: Iterable[int] = ()
) -> Due:
    """`days` from `start` as the township counts them (its county's local holidays included),
    then each approved extension's days from the due date before it."""
    due = deadlines.add_days(start, days, count, township.county_id)
    for extra in extensions:
        due = deadlines.add_days(due, extra, count, township.county_id)
    estimated = count == deadlines.DayCount.WORKING and deadlines.is_estimated(start, due)
    return Due(start, days, count, due, estimated)


def _due(township: Township, complexity: str, start: date) -> Due:
    rule = settings(township.id)
    days = int(rule["simple_days"] if complexity == "simple" else rule["complex_days"])
    return _counted(township, start, days, str(rule["day_count"]))


def _approved_days(assignment: Assignment) -> list[int]:
    return list(
        db.session.scalars(
            select(Extension.days)
            .where(
                Extension.assignment_id == assignment.id,
                Extension.status == ExtensionStatus.APPROVED,
            )
            .order_by(Extension.id)
        )
    )


def _due_text(day: date, estimated: bool) -> str:
    if estimated:
        return _("%(d)s（预计期限：该年国家节假日安排尚未公布，公布后重新计算）", d=day.isoformat())
    return day.isoformat()


def assignments(actor: Actor, township: Township, proposal_id: Any) -> list[Assignment]:
    proposal = get_proposal(actor, township, proposal_id)
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.proposal_id == proposal.id)
            .order_by(Assignment.round, Assignment.role.desc(), Assignment.id)
        )
    )


def assign(
    actor: Actor,
    township: Township,
    proposal_id: Any,
    *,
    lead_unit_id: Any,
    co_unit_ids: Iterable[Any] = (),
    complexity: str | None = None,
    today: date | None = None,
) -> Proposal:
    """交办 to one lead unit and optional co-units; a new round supersedes the last one."""
    proposal = _office_proposal(actor, township, proposal_id)
    if proposal.kind == Kind.INQUIRY:
        raise Conflict(_("质询由党委答复，不交办承办单位"))
    complexity = complexity or proposal.complexity
    if complexity not in ("simple", "complex"):
        raise ValidationFailed(errors={"complexity": [_("请选择简单件或复杂件")]})
    lead = _get(HandlingUnit, township, lead_unit_id, _("未找到该承办单位"))
    co = [_get(HandlingUnit, township, i, _("未找到该承办单位")) for i in co_unit_ids]
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
    due = _due(township, complexity, _today(today))
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
    db.session.commit()
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


def contact_author(actor: Actor, township: Township, proposal_id: Any, note: Any) -> Assignment:
    """The unit records that it has contacted the author (办前联系)."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    text = str(note or "").strip()
    if len(text) > 500:
        raise ValidationFailed(errors={"note": [_("内容过长")]})
    _move(proposal, "contact", actor, text or None)
    assignment.contacted_at, assignment.contact_note = utcnow(), text or None
    db.session.commit()
    return assignment


def answer(actor: Actor, township: Township, proposal_id: Any, text: Any) -> Proposal:
    """The unit's written answer. The lead unit's is the answer the author rates; a co-unit's is
    kept with the proposal for the lead unit and the office."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    errors: dict[str, list[str]] = {}
    written = _text(text, "text", 20000, _("请填写书面答复"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
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
        db.session.commit()
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
    db.session.commit()
    return proposal


def answer_inquiry(
    actor: Actor, township: Township, proposal_id: Any, text: Any, *, public: bool = False
) -> Proposal:
    """The committee answers an inquiry (质询), to the author only or publicly."""
    proposal = get_proposal(actor, township, proposal_id)
    if not (is_committee(actor, township) or is_office(actor, township)):
        raise PermissionDenied()
    if proposal.kind != Kind.INQUIRY:
        raise Conflict(_("只有质询由党委直接答复"))
    errors: dict[str, list[str]] = {}
    written = _text(text, "text", 20000, _("请填写答复"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
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
    db.session.commit()
    return proposal


def return_to_office(actor: Actor, township: Township, proposal_id: Any, reason: Any) -> Proposal:
    """The unit sends it back as not its business; a lead unit's return puts the proposal back
    with the office to assign again."""
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", 500, _("请说明退回理由"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
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
    db.session.commit()
    return proposal


def request_extension(
    actor: Actor, township: Township, proposal_id: Any, days: Any, reason: Any
) -> Extension:
    proposal = get_proposal(actor, township, proposal_id)
    assignment = _active_assignment(actor, township, proposal)
    errors: dict[str, list[str]] = {}
    limit = int(settings(township.id)["max_extension_days"])
    try:
        number = int(days)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= limit:
        errors["days"] = [_("延期天数须在 1 到 %(n)d 天之间", n=limit)]
    text = _text(reason, "reason", 500, _("请说明延期理由"), errors)
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
    extension = Extension(assignment_id=assignment.id, days=number, reason=text)
    db.session.add(extension)
    db.session.flush()
    _tell(
        _office_user_ids(township),
        township,
        proposal,
        _("延期申请：%(t)s（%(n)d 天）", t=proposal.title, n=number),
        text,
        f"extension:{extension.id}",
    )
    db.session.commit()
    return extension


def extensions(actor: Actor, township: Township, proposal_id: Any) -> list[Extension]:
    proposal = get_proposal(actor, township, proposal_id)
    ids = select(Assignment.id).where(Assignment.proposal_id == proposal.id)
    return list(
        db.session.scalars(
            select(Extension).where(Extension.assignment_id.in_(ids)).order_by(Extension.id)
        )
    )


def decide_extension(
    actor: Actor, township: Township, extension_id: Any, *, approve: bool
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
    db.session.commit()
    return extension


def rate(
    actor: Actor, township: Township, proposal_id: Any, rating: Any, comment: Any = None
) -> Proposal:
    """The author rates the answer: satisfied or basically satisfied closes it; unsatisfied
    sends it back to the office to be assigned again, with its history."""
    proposal = get_proposal(actor, township, proposal_id)
    _author(actor, township, proposal)
    value = str(rating or "")
    if value not in set(Rating):
        raise ValidationFailed(errors={"rating": [_("请选择满意、基本满意或不满意")]})
    text = str(comment or "").strip() or None
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
    db.session.commit()
    return proposal


def close(actor: Actor, township: Township, proposal_id: Any, reason: Any) -> Proposal:
    proposal = _office_proposal(actor, township, proposal_id)
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", 500, _("请写明办结理由"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
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
    db.session.commit()
    return proposal


def history(actor: Actor, township: Township, proposal_id: Any) -> list[Event]:
    proposal = get_proposal(actor, township, proposal_id)
    return list(
        db.session.scalars(select(Event).where(Event.proposal_id == proposal.id).order_by(Event.id))
    )


# --- publication ---------------------------------------------------------------------------------


def set_published(actor: Actor, township: Township, proposal_id: Any, published: bool) -> Proposal:
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
    db.session.commit()
    return proposal


def public_list(township: Township) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.published_at.is_not(None), Proposal.answer.is_not(None))
            .order_by(Proposal.published_at.desc())
        )
    )


def public_get(township: Township, proposal_id: Any) -> Proposal:
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


# --- reminders -----------------------------------------------------------------------------------


def send_reminders(township: Township, today: date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders to each active assignment's unit (and the office), once
    per due date: an approved extension's new due date is reminded again."""
    today = _today(today)
    rule = settings(township.id)
    horizon = deadlines.add_days(today, int(rule["due_soon_days"]), rule["day_count"])
    rows = db.session.scalars(
        select(Assignment).where(
            Assignment.status == AssignmentStatus.ACTIVE, Assignment.due_on <= horizon
        )
    ).all()
    sent = {"due_soon": 0, "overdue": 0}
    for assignment in rows:
        kind, column = (
            ("overdue", Assignment.reminded_overdue)
            if today > assignment.due_on
            else ("due_soon", Assignment.reminded_due_soon)
        )
        claimed = db.session.execute(
            update(Assignment)
            .where(
                Assignment.id == assignment.id,
                Assignment.due_on == assignment.due_on,
                or_(column.is_(None), column != assignment.due_on),
            )
            .values({column.key: assignment.due_on})
            .returning(Assignment.id)
        ).first()
        if claimed is None:
            continue
        proposal = db.session.get(Proposal, (township.id, assignment.proposal_id))
        assert proposal is not None
        title = (
            _("提案办理已逾期：%(t)s", t=proposal.title)
            if kind == "overdue"
            else _("提案办理即将到期：%(t)s", t=proposal.title)
        )
        notify.notify(
            sorted({*_unit_user_ids(township, [assignment.unit_id]), *_office_user_ids(township)}),
            title,
            _("办理期限：%(d)s", d=assignment.due_on.isoformat()),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/{proposal.id}",
            dedupe_key=f"pr:{township.id}:assignment:{assignment.id}:{kind}:{assignment.due_on}",
        )
        sent[kind] += 1
    db.session.commit()
    return sent


# --- estimated due dates, once a year's official calendar is loaded ------------------------------


def recompute_estimated(year: int) -> int:
    """Count again, with the calendar as it now stands, every open assignment whose due date was
    estimated over `year`; each change is audited (as the operator who loaded the year) and the
    unit and the office are told of a moved due date. Returns how many due dates moved.

    Registered with `lianxin.work_calendar`, which calls it in the load's transaction: nothing
    here commits. It runs outside any township, so it visits each one in its own context."""
    changed = 0
    for township in db.session.scalars(select(Township).order_by(Township.id)).all():
        with tenant_context(township.id):
            changed += _recompute_township(township, year)
    return changed


def _recompute_township(township: Township, year: int) -> int:
    loader = work_calendar.current_loader()
    who = loader or SYSTEM
    rows = db.session.scalars(
        select(Assignment)
        .where(
            Assignment.status == AssignmentStatus.ACTIVE,
            Assignment.due_estimated.is_(True),
            Assignment.due_from.is_not(None),
            Assignment.due_from <= date(year, 12, 31),
            Assignment.due_on >= date(year, 1, 1),
        )
        .order_by(Assignment.id)
    ).all()
    moved = 0
    for assignment in rows:
        assert assignment.due_from is not None and assignment.due_days is not None
        due = _counted(
            township,
            assignment.due_from,
            assignment.due_days,
            assignment.due_count or deadlines.DayCount.WORKING,
            _approved_days(assignment),
        )
        before = {"due_on": assignment.due_on.isoformat(), "due_estimated": True}
        if due.due_on == assignment.due_on and due.estimated:
            continue
        assignment.due_on, assignment.due_estimated = due.due_on, due.estimated
        proposal = db.session.get(Proposal, (township.id, assignment.proposal_id))
        assert proposal is not None
        note = _(
            "%(y)d年国家节假日安排已公布，办理期限重新计算：%(a)s → %(b)s",
            y=year,
            a=before["due_on"],
            b=_due_text(due.due_on, due.estimated),
        )
        _event(proposal, "due_recomputed", loader, proposal.state, proposal.state, note)
        audit.record(
            "proposal.due_recomputed",
            actor=who,
            tenant_id=township.id,
            target_type="proposal_assignment",
            target_id=assignment.id,
            before=before,
            after={
                "due_on": due.due_on.isoformat(),
                "due_estimated": due.estimated,
                "proposal": proposal.id,
                "calendar_year": year,
            },
        )
        if due.due_on != date.fromisoformat(before["due_on"]):
            moved += 1
            _tell(
                [
                    *_unit_user_ids(township, [assignment.unit_id]),
                    *_office_user_ids(township),
                ],
                township,
                proposal,
                _("办理期限已调整：%(t)s", t=proposal.title),
                note,
                f"due:{assignment.id}:{due.due_on.isoformat()}",
            )
    db.session.flush()  # inside this township's context, before the next one's queries
    return moved


work_calendar.register_recompute(MODULE_KEY, recompute_estimated)


# --- the office's dashboard and the annual session's report --------------------------------------


@dataclass
class UnitRow:
    unit: HandlingUnit
    active: int = 0
    answered: int = 0
    overdue: int = 0
    returned: int = 0


@dataclass
class Dashboard:
    by_state: dict[str, int]
    by_kind: dict[str, int]
    units: list[UnitRow]
    overdue: list[tuple[Proposal, Assignment]]
    rated: int
    satisfied: int  # satisfied or basically satisfied
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def dashboard(actor: Actor, township: Township, *, today: date | None = None) -> Dashboard:
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    today = _today(today)
    proposals = db.session.scalars(select(Proposal).where(Proposal.state != State.DRAFT)).all()
    by_id = {p.id: p for p in proposals}
    units = {
        u.id: UnitRow(u) for u in db.session.scalars(select(HandlingUnit).order_by(HandlingUnit.id))
    }
    overdue = []
    for a in db.session.scalars(select(Assignment)):
        row = units.get(a.unit_id)
        if row is None:
            continue
        if a.status == AssignmentStatus.ACTIVE:
            row.active += 1
            if a.due_on < today:
                row.overdue += 1
                if a.proposal_id in by_id:
                    overdue.append((by_id[a.proposal_id], a))
        elif a.status == AssignmentStatus.ANSWERED:
            row.answered += 1
        elif a.status == AssignmentStatus.RETURNED:
            row.returned += 1
    ratings = Counter(p.rating for p in proposals if p.rating)
    rated_final = [p for p in proposals if p.rating]
    return Dashboard(
        by_state=dict(Counter(p.state for p in proposals)),
        by_kind=dict(Counter(p.kind for p in proposals)),
        units=[r for r in units.values() if r.active or r.answered or r.returned],
        overdue=sorted(overdue, key=lambda pa: pa[1].due_on),
        rated=len(rated_final),
        satisfied=sum(1 for p in rated_final if p.rating != Rating.UNSATISFIED),
        ratings=dict(ratings),
    )


@dataclass
class ReportRow:
    proposal: Proposal
    author: str
    signers: int
    lead_unit: str | None
    co_units: list[str]
    rounds: int


def handling_report(actor: Actor, township: Township, year: Any) -> list[ReportRow]:
    """Every proposal of the year from 立案 on, its units, answer and rating (办理情况报告)."""
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 2000 <= year <= 2100:
        raise NotFound()
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.year == year, Proposal.number.is_not(None))
        .order_by(Proposal.number)
    ).all()
    if not proposals:
        return []
    order = {k: i for i, k in enumerate(Kind)}  # proposals, then suggestions, then inquiries
    proposals = sorted(proposals, key=lambda p: order[Kind(p.kind)])
    ids = [p.id for p in proposals]
    names = {
        r.id: r.name
        for r in db.session.scalars(
            select(Representative).where(Representative.id.in_({p.author_id for p in proposals}))
        )
    }
    signers = Counter(
        db.session.scalars(
            select(Signature.proposal_id).where(
                Signature.proposal_id.in_(ids), Signature.counted.is_(True)
            )
        )
    )
    unit_names = {u.id: u.name for u in db.session.scalars(select(HandlingUnit))}
    current: dict[int, list[Assignment]] = {}
    for a in db.session.scalars(select(Assignment).where(Assignment.proposal_id.in_(ids))):
        current.setdefault(a.proposal_id, []).append(a)
    rows = []
    for p in proposals:
        latest = [a for a in current.get(p.id, []) if a.round == p.round]
        lead = next((a for a in latest if a.role == AssignmentRole.LEAD), None)
        rows.append(
            ReportRow(
                p,
                names.get(p.author_id, ""),
                signers.get(p.id, 0),
                unit_names.get(lead.unit_id) if lead else None,
                [unit_names.get(a.unit_id, "") for a in latest if a.role == AssignmentRole.CO],
                p.round,
            )
        )
    return rows


def report_xlsx(rows: list[ReportRow], year: int) -> bytes:
    book = spreadsheets.Book()
    sheet = book.sheet(f"{year}年办理情况")
    sheet.widths((12, 8, 40, 10, 8, 20, 20, 8, 60, 10, 14))
    sheet.header(
        [
            "编号",
            "类型",
            "标题",
            "领衔代表",
            "联名人数",
            "主办单位",
            "协办单位",
            "办理轮次",
            "答复",
            "评价",
            "状态",
        ]
    )
    for row in rows:
        p = row.proposal
        sheet.append(
            [
                p.number,
                str(KIND_LABELS[Kind(p.kind)]),
                p.title,
                row.author,
                row.signers,
                row.lead_unit or "",
                "、".join(row.co_units),
                row.rounds,
                p.answer or "",
                RATING_LABELS.get(Rating(p.rating), "") if p.rating else "",
                str(STATE_LABELS[State(p.state)]),
            ],
            wrap=True,
        )
    return book.to_bytes()


def member_representatives(actor: Actor, township: Township) -> list[Representative]:
    """The representatives in office (for choosing co-signers)."""
    permissions.require_member(actor, township)
    return [
        r
        for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
        if r.in_office
    ]


def unit_choices(actor: Actor, township: Township) -> list[HandlingUnit]:
    permissions.require_member(actor, township)
    return list(
        db.session.scalars(
            select(HandlingUnit).where(HandlingUnit.is_active.is_(True)).order_by(HandlingUnit.id)
        )
    )


def lead_groups(actor: Actor, township: Township) -> list[RepresentativeGroup]:
    """The groups the acting representative leads (leader or deputy), for 以小组名义."""
    rep = representative_of(actor, township)
    if rep is None:
        return []
    return list(
        db.session.scalars(
            select(RepresentativeGroup)
            .join(
                GroupMembership,
                and_(
                    GroupMembership.group_id == RepresentativeGroup.id,
                    GroupMembership.tenant_id == RepresentativeGroup.tenant_id,
                ),
            )
            .where(
                GroupMembership.representative_id == rep.id,
                GroupMembership.ended_on.is_(None),
                GroupMembership.role.in_([GroupRole.LEADER, GroupRole.DEPUTY]),
            )
        )
    )
