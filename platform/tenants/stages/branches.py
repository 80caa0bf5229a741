"""Branches (党支部) of a township: listed to its members, kept by its administrator. A branch
is never deleted, only deactivated (`is_active`). Shape is checked by `BranchInputSchema`; the
one rule that needs the database, a name unique in the township, is checked here."""

from __future__ import annotations

from dataclasses import asdict

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.tenants.inputs import BranchInput
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import Changes, use_case


def list_branches(
    actor: Actor,
    township: Township,
    *,
    include_inactive: bool = True,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Branch], int]:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    query = select(Branch)
    if not include_inactive:
        query = query.where(Branch.is_active.is_(True))
    return paged(query, Branch.is_active.desc(), Branch.name, offset=offset, limit=limit)


def get_branch(actor: Actor, township: Township, branch_id: int) -> Branch:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    branch = db.session.get(Branch, (township.id, branch_id))
    if branch is None:
        raise NotFound(_("未找到该支部"))
    return branch


BRANCH_FIELDS = ("name", "kind", "secretary_name", "is_active")


def _branch_dict(branch: Branch) -> dict[str, object]:
    return {f: getattr(branch, f) for f in BRANCH_FIELDS}


def _name_taken(township: Township, name: str, except_id: int | None = None) -> bool:
    query = select(Branch.id).where(Branch.name == name.strip())
    if except_id is not None:
        query = query.where(Branch.id != except_id)
    return db.session.scalar(query) is not None


@use_case
def create_branch(actor: Actor, township: Township, data: BranchInput) -> Branch:
    """A new branch of the township (its administrator); its name is not one already taken."""
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    if _name_taken(township, data.name):
        raise ValidationFailed(errors={"name": [_("已有同名支部")]})
    branch = Branch(**asdict(data))
    db.session.add(branch)
    db.session.flush()
    audit.record(
        "branch.created",
        actor=actor,
        tenant_id=township.id,
        target_type="branch",
        target_id=branch.id,
        after=_branch_dict(branch),
    )
    return branch


@use_case
def update_branch(
    actor: Actor, township: Township, branch_id: int, changes: Changes[BranchInput]
) -> Branch:
    """Change the named fields (loaded by BranchInputSchema with `partial=True`); a branch is
    deactivated with `is_active=False`, never deleted."""
    branch = get_branch(actor, township, branch_id)
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    # Checked before the branch changes: changed first, the check's own query would flush a
    # rename onto a taken name into the unique constraint (a 500) instead of refusing it here.
    if "name" in changes and _name_taken(township, changes["name"], except_id=branch.id):
        raise ValidationFailed(errors={"name": [_("已有同名支部")]})
    before = _branch_dict(branch)
    for field, value in changes.items():
        setattr(branch, field, value)
    audit.record(
        "branch.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="branch",
        target_id=branch.id,
        before=before,
        after=_branch_dict(branch),
    )
    return branch
