"""Collection windows and drafting: the author's draft, its files and the cases it came from."""

from __future__ import annotations

from datetime import date
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import and_, select, update

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Case
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.proposals.errors import IllegalTransition
from lianxin.modules.proposals.inputs import DraftInput, ProposalDraftSchema, WindowInput
from lianxin.modules.proposals.models import (
    CollectionWindow,
    Kind,
    Proposal,
    ProposalCase,
    ProposalFile,
    Signature,
    SignatureStatus,
    State,
)
from lianxin.modules.proposals.stages.common import (
    MODULE_KEY,
    _active_assignment,
    _audit,
    _author,
    _event,
    _get,
    _move,
    get_proposal,
    representative_of,
    settings,
)
from lianxin.modules.proposals.states import TRANSITIONS
from lianxin.people.models import GroupMembership, GroupRole, Representative, RepresentativeGroup
from lianxin.storage import owners as storage_owners
from lianxin.storage.models import StoredFile
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, load_input, use_case

# --- collection windows --------------------------------------------------------------------------


def list_windows(actor: Actor, township: Township) -> list[CollectionWindow]:
    permissions.require_member(actor, township)
    return list(db.session.scalars(select(CollectionWindow).order_by(CollectionWindow.opens_on)))


@use_case
def add_window(actor: Actor, township: Township, data: WindowInput) -> CollectionWindow:
    """Open a collection window (the office)."""
    permissions.require_office(actor, township)
    dates = {"opens_on": data.opens_on, "closes_on": data.closes_on}
    window = CollectionWindow(title=data.title, **dates)
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
    return window


@use_case
def delete_window(actor: Actor, township: Township, window_id: int) -> None:
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


def open_window(township: Township, today: date | None = None) -> CollectionWindow | None:
    today = kit.today(today)
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


def _group_for(township: Township, rep: Representative, group_id: int | None) -> int | None:
    """A group the representative leads (leader or deputy) today; None for no group."""
    if not group_id:
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


@use_case
def create_draft(actor: Actor, township: Township, draft: DraftInput) -> Proposal:
    """A representative's draft; the author is its first signer."""
    permissions.require_member(actor, township)
    rep = representative_of(actor, township)
    if rep is None or not rep.in_office:
        raise PermissionDenied(_("只有在任代表可以提出"))
    group_id = _group_for(township, rep, draft.group_id) if draft.kind == Kind.PROPOSAL else None
    cases = [casework.get_case(actor, township, i) for i in draft.case_ids]
    clean: dict[str, object] = {
        "kind": draft.kind,
        "title": draft.title,
        "body": draft.body,
        "category": draft.category,
        "complexity": draft.complexity,
    }
    if group_id is not None:  # the discussion is a group's; a personal draft keeps none
        clean["group_discussed_on"] = draft.group_discussed_on
        clean["group_discussion"] = draft.group_discussion
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
    return proposal


@use_case
def draft_from_case(actor: Actor, township: Township, case_id: int, kind: str) -> Proposal:
    """Turn a case the representative can see into a draft (title and body to edit). The
    case's text goes through the draft's schema, as typed input would: the kind is one of the
    three, the title fits."""
    case = casework.get_case(actor, township, case_id)
    draft = {
        "kind": kind,
        "title": case.title,
        "body": case.body,
        "category": case.category,
        "case_ids": [case.id],
    }
    return create_draft(actor, township, load_input(ProposalDraftSchema, draft))


def _draft_of_author(actor: Actor, township: Township, proposal_id: int) -> Proposal:
    proposal = get_proposal(actor, township, proposal_id)
    _author(actor, township, proposal)
    if proposal.state != State.DRAFT:
        raise IllegalTransition(_("已提交，不能再修改"))
    return proposal


@use_case
def update_draft(
    actor: Actor, township: Township, proposal_id: int, changes: Changes[DraftInput]
) -> Proposal:
    """Change the draft: `changes` holds the fields to change (`ProposalDraftPatchSchema`). A
    changed title or text asks the co-signers to sign again: they signed what they read."""
    proposal = _draft_of_author(actor, township, proposal_id)
    clean = dict(changes)
    clean.pop("case_ids", None)
    group_id = clean.pop("group_id", None)
    if "group_id" in changes and (clean.get("kind") or proposal.kind) == Kind.PROPOSAL:
        rep = representative_of(actor, township)
        assert rep is not None
        proposal.group_id = _group_for(township, rep, group_id)
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
    return proposal


@use_case
def attach(
    actor: Actor, township: Township, proposal_id: int, stream: IO[bytes], filename: str
) -> StoredFile:
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
    return stored


def files_of(actor: Actor, township: Township, proposal_id: int) -> list[StoredFile]:
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


def linked_cases(actor: Actor, township: Township, proposal_id: int) -> list[Case]:
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
