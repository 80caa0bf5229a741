"""Co-signing and submission: invitations, signatures, the threshold, the frozen list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, select, update

from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.proposals.errors import IllegalTransition, SubmissionClosed, ThresholdNotMet
from lianxin.modules.proposals.models import Kind, Proposal, Signature, SignatureStatus, State
from lianxin.modules.proposals.stages.common import (
    _audit,
    _author,
    _event,
    _get,
    _office_user_ids,
    _rep_user_ids,
    _tell,
    get_proposal,
    representative_of,
    settings,
)
from lianxin.modules.proposals.stages.drafting import _draft_of_author, _group_for, submission_open
from lianxin.modules.proposals.states import KIND_LABELS
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- co-signing and submission --------------------------------------------------------------------


def signatures(
    actor: Actor, township: Township, proposal_id: int
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


@use_case
def invite(
    actor: Actor, township: Township, proposal_id: int, representative_ids: Sequence[int]
) -> list[Signature]:
    """Invite representatives of this township, in office, to co-sign the proposal."""
    proposal = _draft_of_author(actor, township, proposal_id)
    if proposal.kind != Kind.PROPOSAL:
        raise ValidationFailed(errors={"representative_ids": [_("只有提案需要代表联名")]})
    reps = [_get(Representative, township, i, _("未找到该代表")) for i in representative_ids]
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


@use_case
def sign(actor: Actor, township: Township, proposal_id: int) -> Signature:
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
    return signature


@use_case
def decline(actor: Actor, township: Township, proposal_id: int) -> Signature:
    proposal = get_proposal(actor, township, proposal_id)
    signature = _own_signature(actor, township, proposal)
    if signature.status == SignatureStatus.DECLINED:
        raise Conflict(_("您已选择不联名"), code="already_declined")
    signature.status, signature.responded_at = SignatureStatus.DECLINED, utcnow()
    _event(proposal, "decline", actor, proposal.state, proposal.state)
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


@use_case
def submit(
    actor: Actor, township: Township, proposal_id: int, *, today: date | None = None
) -> Proposal:
    proposal = get_proposal(actor, township, proposal_id)
    return submit_draft(actor, township, proposal, _author(actor, township, proposal), today)


def submit_draft(
    actor: Actor,
    township: Township,
    proposal: Proposal,
    author: Representative,
    today: date | None = None,
) -> Proposal:
    """Submit a draft whose author is `author` (the author's own submission, or the office's
    keying-in of a paper form): the collection window, the group's discussion and the signers
    are checked here, once for both."""
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
    return proposal
