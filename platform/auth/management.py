"""Use cases of administering someone else's account: look it up, switch it off or on, send it a
set-up link (a password reset).

Who may: the platform admin any account; a county admin an account whose every membership lies
in the county; a township admin an account whose every membership lies in townships they
administer (`permissions.can_manage_account`). An account that acts anywhere else is shown to
them (they see it among their members) but not changed: resetting it would hand them the
person's roles elsewhere. An account with no membership in their reach is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor, Grant
from lianxin.auth.models import User
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, PermissionDenied
from lianxin.usecases import use_case


@dataclass(frozen=True)
class Account:
    user: User
    grants: tuple[Grant, ...]
    manageable: bool  # the actor may switch it off and send it a set-up link

    @property
    def user_id(self) -> int:
        return self.user.id


def switch_refused_message() -> str:
    return _(
        "该账号还在您管理范围以外的乡镇或县担任角色，不能由您停用或启用："
        "请联系县委组织部或平台管理员办理。"
    )


def _require_admin(actor: Actor) -> None:
    if not permissions.administers_accounts(actor):
        raise PermissionDenied()


def get_account(actor: Actor, user_id: int) -> Account:
    _require_admin(actor)
    user = db.session.scalar(
        select(User).where(User.id == user_id).options(selectinload(User.memberships))
    )
    grants = accounts.account_grants(user) if user is not None else ()
    if user is None or not permissions.can_see_account(actor, grants):
        raise NotFound(_("未找到该用户"))
    return Account(user, grants, permissions.can_manage_account(actor, grants))


def find_account(actor: Actor, username: str) -> Account:
    _require_admin(actor)
    user_id = db.session.scalar(
        select(User.id).where(func.lower(User.username) == (username or "").strip().lower())
    )
    if user_id is None:
        raise NotFound(_("未找到该用户"))
    return get_account(actor, user_id)


def _audit_in_every_scope(action: str, actor: Actor, account: Account, **data: object) -> None:
    """One entry in the audit chain of every township and county the account acts in (each
    one's admins read their own chain), or the platform's."""
    scopes: set[tuple[int | None, int | None]] = set()
    for grant in account.grants:
        if grant.tenant_id is not None:
            scopes.add((grant.tenant_id, None))
        elif grant.county_id is not None:
            scopes.add((None, grant.county_id))
        else:
            scopes.add((None, None))
    for tenant_id, county_id in sorted(scopes or {(None, None)}, key=str):
        audit.record(
            action,
            actor=actor,
            tenant_id=tenant_id,
            county_id=county_id,
            target_type="user",
            target_id=account.user.id,
            after=dict(data) or None,
        )


@use_case
def set_active(actor: Actor, user_id: int, active: bool) -> Account:
    """Switch an account off (every session ends, every API token is revoked, it cannot sign
    in) or on again (old sessions and tokens stay dead)."""
    account = get_account(actor, user_id)
    if not account.manageable:
        raise PermissionDenied(switch_refused_message())
    user = account.user
    if user.id == actor.user_id:
        raise Conflict(_("不能停用或启用自己的账号"))
    if user.is_active == active:
        return account
    user.is_active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
        _audit_in_every_scope("user.reactivated", actor, account, is_active=True)
    else:
        revoked = accounts.end_credentials(user, utcnow())
        _audit_in_every_scope(
            "user.deactivated", actor, account, is_active=False, api_tokens_revoked=revoked
        )
    return account


@dataclass(frozen=True)
class IssuedLink:
    token: str
    expires_at: datetime


@use_case
def issue_setup_link(actor: Actor, user_id: int) -> IssuedLink:
    """A new set-up link (the older ones stop working); setting the password with it ends the
    account's sessions and tokens."""
    account = get_account(actor, user_id)
    if not account.manageable:
        raise PermissionDenied(accounts.reset_refused_message())
    token = accounts.issue_setup_link(account.user)
    expires_at = accounts.find_setup_link(token).expires_at
    _audit_in_every_scope("user.setup_link_issued", actor, account)
    return IssuedLink(token, expires_at)
