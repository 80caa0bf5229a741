"""Use cases of accounts: log in, set a password, API tokens, and memberships of a township.

What an administrator does to someone else's account (switch it off, reset it with a set-up
link from the county or the platform) is in lianxin.auth.management.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import selectinload

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor, Grant, grants_of
from lianxin.auth.models import ApiToken, Membership, SetupLink, User
from lianxin.auth.passwords import (
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from lianxin.auth.roles import TOWNSHIP_ROLES, Role, Scope
from lianxin.db import db, utcnow
from lianxin.errors import (
    Conflict,
    InvalidCredentials,
    NotFound,
    PermissionDenied,
    TownshipSuspended,
    ValidationFailed,
)
from lianxin.people.models import HandlingUnit
from lianxin.tenants.models import Branch, Township, TownshipStatus
from lianxin.usecases import commit_on_its_own, use_case

USERNAME_RE = re.compile(r"^[a-zA-Z0-9_.-]{3,64}$")
MIN_PASSWORD = 10


def _check_username(username: str) -> str:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise ValidationFailed(errors={"username": [_("用户名须为3–64位字母、数字或 _ . -")]})
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise ValidationFailed(errors={"username": [_("该用户名已被使用")]})
    return username


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(errors={field: [_("密码至少需要%(n)d位", n=MIN_PASSWORD)]})
    if password.isdigit() or password.isalpha():
        raise ValidationFailed(errors={field: [_("密码须同时包含字母和数字")]})


def create_user(
    username: str,
    display_name: str,
    *,
    phone: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> User:
    """Internal: callers check permission and audit. Without a password, a set-up link is due."""
    if not display_name.strip():
        raise ValidationFailed(errors={"display_name": [_("请填写姓名")]})
    user = User(
        username=_check_username(username),
        display_name=display_name.strip(),
        phone=(phone or None),
        email=(email or None),
    )
    if password is not None:
        check_password_strength(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def issue_setup_link(user: User) -> str:
    """A one-time token for the user to set a password; only its hash is kept. Internal: callers
    check permission (`permissions.can_manage_account`) and audit. Older unused links of the
    user stop working: only the newest one a person was sent is valid."""
    token = new_token("setup")
    hours = current_app.config["SETUP_LINK_HOURS"]
    db.session.execute(
        delete(SetupLink).where(SetupLink.user_id == user.id, SetupLink.used_at.is_(None))
    )
    db.session.add(
        SetupLink(
            user_id=user.id,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.session.flush()
    return token


def setup_url(token: str) -> str:
    from lianxin.web.links import public_url

    return public_url("auth.setup_link", token=token)


def _valid_link(link: SetupLink | None) -> SetupLink:
    """Unused, unexpired and the newest of its user's links."""
    if link is None or link.used_at is not None or link.expires_at < utcnow():
        raise NotFound(_("该设置链接无效或已过期，请联系管理员重新发送。"))
    newest = db.session.scalar(
        select(func.max(SetupLink.id)).where(SetupLink.user_id == link.user_id)
    )
    if newest != link.id:
        raise NotFound(_("该设置链接无效或已过期，请联系管理员重新发送。"))
    return link


def find_setup_link(token: str) -> SetupLink:
    """The valid link of a token: a new link's, or the secret `open_setup_link` gave for it."""
    return _valid_link(
        db.session.scalar(select(SetupLink).where(SetupLink.token_hash == token_digest(token)))
    )


@use_case
def open_setup_link(token: str, minutes: int) -> str:
    """Exchange the token of a link's URL for a new secret that lives `minutes` at most (kept in
    the browser's signed session): the URL's token, which access logs, browser history and
    Referer headers may keep, opens nothing any more."""
    link = find_setup_link(token)
    secret = new_token("setup")
    link.token_hash = token_digest(secret)
    link.expires_at = min(link.expires_at, utcnow() + timedelta(minutes=minutes))
    return secret


def end_credentials(user: User, now: datetime) -> int:
    """Every session of the user ends (a new credentials epoch) and every API token of theirs
    is revoked; returns how many tokens were. Internal: callers audit and commit."""
    user.credentials_epoch += 1
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@use_case
def complete_setup(token: str, password: str) -> User:
    """Set the password with a set-up link (the secret `open_setup_link` gave): it is used up,
    and any session or token the account had before ends (the link may have been a reset)."""
    link = find_setup_link(token)
    check_password_strength(password)
    user = link.user
    now = utcnow()
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    link.used_at = now
    revoked = end_credentials(user, now)
    audit.record(
        "user.setup_completed",
        actor=Actor(user.id, user.display_name),
        target_type="user",
        target_id=user.id,
        after={"api_tokens_revoked": revoked},
    )
    return user


def _suspended_everywhere(user: User) -> bool:
    """True when every membership the user has is in a suspended township."""
    memberships = user.memberships
    ids = {m.tenant_id for m in memberships if m.tenant_id is not None}
    statuses = dict(
        db.session.execute(select(Township.id, Township.status).where(Township.id.in_(ids))).all()
        if ids
        else []
    )
    return _all_suspended([(m.tenant_id, statuses.get(m.tenant_id)) for m in memberships])


def _all_suspended(scopes: list[tuple[int | None, str | None]]) -> bool:
    """(township, its status) per membership: every one is of a suspended township."""
    if not scopes or any(tenant_id is None for tenant_id, _s in scopes):
        return False
    return all(status == TownshipStatus.SUSPENDED for _t, status in scopes)


def backoff(failures: int) -> timedelta:
    """How long an account waits after `failures` failed logins in a row: nothing below
    LOGIN_MAX_FAILURES, then 1 s, 2 s, 4 s … up to LOGIN_LOCK_MINUTES."""
    config = current_app.config
    over = failures - int(config["LOGIN_MAX_FAILURES"])
    if over < 0:
        return timedelta(0)
    cap = 60 * int(config["LOGIN_LOCK_MINUTES"])
    return timedelta(seconds=cap if over >= cap.bit_length() else min(2**over, cap))


def _count_failure(user: User, now: datetime, ip: str | None) -> None:
    user.failed_logins += 1
    wait = backoff(user.failed_logins)
    if wait:
        user.locked_until = now + wait
        if user.failed_logins == current_app.config["LOGIN_MAX_FAILURES"]:
            audit.record(
                "user.login_backoff",
                actor=Actor(None, "system", ip=ip),
                target_type="user",
                target_id=user.id,
            )
    commit_on_its_own("a failed login counts, though the login fails")


@use_case
def authenticate(
    username: str,
    password: str,
    *,
    ip: str | None = None,
    known_devices: Collection[int] = (),
) -> User:
    """Check a password. An unknown name, a wrong password, an account that must wait, one that
    is switched off or has no membership left: all the same InvalidCredentials, after the same
    single Argon2 verification, so neither the answer nor its time tells whether a name exists.

    Failed attempts in a row make the account's next attempts wait (`backoff`); while it waits
    only the right password from a device it signed in on before (`known_devices`, user ids
    from lianxin.auth.devices) passes, so guessing cannot keep the owner out. Commits the
    counters."""
    user = db.session.scalar(
        select(User)
        .where(func.lower(User.username) == username.strip().lower())
        .options(selectinload(User.memberships))
    )
    right = verify_password(user.password_hash if user is not None else None, password)
    if user is None:
        raise InvalidCredentials()
    now = utcnow()
    waiting = user.locked_until is not None and user.locked_until > now
    if waiting and not (right and user.id in known_devices):
        raise InvalidCredentials()  # not counted: a wait is not made longer by knocking
    if not right:
        _count_failure(user, now, ip)
        raise InvalidCredentials()
    if not user.is_active or not user.memberships:
        raise InvalidCredentials()
    if _suspended_everywhere(user):
        raise TownshipSuspended(_("您所在的乡镇已暂停使用，暂时无法登录。"))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return user


@use_case
def change_password(actor: Actor, current: str, new: str) -> User:
    """Change one's own password: every other session of the user ends and every API token is
    revoked (the caller re-stamps the session it came from with the returned user's epoch)."""
    user = db.session.get(User, actor.user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise ValidationFailed(errors={"current_password": [_("当前密码不正确")]})
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    revoked = end_credentials(user, utcnow())
    audit.record(
        "user.password_changed",
        actor=actor,
        target_type="user",
        target_id=user.id,
        after={"api_tokens_revoked": revoked},
    )
    return user


@use_case
def set_large_text(actor: Actor, enabled: bool) -> None:
    user = db.session.get(User, actor.user_id)
    if user is not None:
        user.large_text = enabled


# --- channels (how notifications reach me) ----------------------------------------------------


def channel_preferences(actor: Actor) -> dict[str, Any]:
    """My channels and where each reaches me (the phone masked): the page's and API's view."""
    from lianxin.notify import preferences as channels
    from lianxin.notify.channels import mask_phone

    user = db.session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    chosen = channels.preferences(user.id)
    return {
        "inbox": True,
        **chosen.as_dict(),
        "phone_masked": mask_phone(user.phone) if user.phone else None,
        "email_address": user.email,
    }


@use_case
def set_channel_preferences(actor: Actor, data: Any) -> dict[str, Any]:
    """Choose my channels besides the inbox (SMS, email, WeCom) and give my WeCom userid:
    a `notify.preferences.Preferences`, or a partial change of it (the API's PATCH)."""
    from lianxin.notify import preferences as channels

    user = db.session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    before = channels.preferences(user.id)
    after = channels.save_preferences(user.id, data)
    audit.record(
        "user.channels_changed",
        actor=actor,
        target_type="user",
        target_id=user.id,
        before=before.as_dict(),
        after=after.as_dict(),
    )
    return channel_preferences(actor)


# --- API tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


@use_case
def create_api_token(actor: Actor, name: str) -> IssuedToken:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(errors={"name": [_("请填写令牌名称（不超过100字）")]})
    plaintext = new_token("lx")
    now = utcnow()
    token = ApiToken(
        user_id=actor.user_id,
        name=name,
        prefix=plaintext[:8],
        token_hash=token_digest(plaintext),
        created_at=now,
        expires_at=now + timedelta(days=int(current_app.config["API_TOKEN_DAYS"])),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created",
        actor=actor,
        target_type="api_token",
        target_id=token.id,
        after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return IssuedToken(token, plaintext)


def list_api_tokens(actor: Actor) -> list[ApiToken]:
    """The user's tokens that are not revoked; expired ones too, with their expiry, so that the
    owner sees why a script stopped."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == actor.user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
    )


@use_case
def revoke_api_token(actor: Actor, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id or token.revoked_at is not None:
        raise NotFound()
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", actor=actor, target_type="api_token", target_id=token.id)


# The two statements every signed-in request runs, built once (building one cost about as much
# as running it).
@cache
def _session_user() -> Any:
    return (
        select(User, Membership)
        .outerjoin(Membership, Membership.user_id == User.id)
        .where(User.id == bindparam("user_id"))
    )


@cache
def _token_actor() -> Any:
    return (
        select(ApiToken, User, Membership, Township.status)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Township, Township.id == Membership.tenant_id)
        .where(
            ApiToken.token_hash == bindparam("token_hash"),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > bindparam("now"),
        )
    )


def session_user(user_id: int, ip: str | None = None) -> tuple[User, Actor] | None:
    """The active user of a live session cookie and who they act as, in one query."""
    rows = db.session.execute(_session_user(), {"user_id": user_id}).all()
    if not rows or not rows[0].User.is_active:
        return None
    user = rows[0].User
    grants = grants_of(r.Membership for r in rows if r.Membership is not None)
    return user, Actor(user.id, user.display_name, grants, ip)


def actor_for_token(plaintext: str, ip: str | None = None) -> tuple[User, Actor] | None:
    """The user of a live (not revoked, not expired) API token and who they act as, in one query
    (the token, its user, the memberships and their townships' status), since every API request
    asks."""
    now = utcnow()
    rows = db.session.execute(
        _token_actor(), {"token_hash": token_digest(plaintext), "now": now}
    ).all()
    if not rows or not rows[0].User.is_active:
        return None
    token, user = rows[0].ApiToken, rows[0].User
    memberships = [(r.Membership, r.status) for r in rows if r.Membership is not None]
    if _all_suspended([(m.tenant_id, status) for m, status in memberships]):
        return None
    # Written at most once a minute, so reads through the API stay reads.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        commit_on_its_own("a token's last use is recorded before the request's own work")
    return user, Actor(user.id, user.display_name, grants_of(m for m, _s in memberships), ip)


# --- memberships of a township -------------------------------------------------------------


def township_members(actor: Actor, township: Township) -> list[Membership]:
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.tenant_id == township.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.user_id, Membership.role)
        )
    )


def _membership_summary(m: Membership) -> dict[str, object]:
    return {
        "user_id": m.user_id,
        "role": m.role,
        "branch_id": m.branch_id,
        "tenant_id": m.tenant_id,
    }


def grant_township_role(
    actor: Actor,
    township: Township,
    *,
    user: User,
    role: Role,
    branch_id: int | None = None,
    unit_id: int | None = None,
) -> Membership:
    """Internal building block; callers check permission."""
    if role not in TOWNSHIP_ROLES:
        raise ValidationFailed(errors={"role": [_("该角色不属于乡镇")]})
    if role is Role.BRANCH_LIAISON and branch_id is None:
        raise ValidationFailed(errors={"branch_id": [_("支部联络员须指定支部")]})
    if branch_id is not None and db.session.get(Branch, (township.id, branch_id)) is None:
        # Another township's branch id is simply not found here.
        raise NotFound(_("未找到该支部"))
    if unit_id is not None and db.session.get(HandlingUnit, (township.id, unit_id)) is None:
        raise NotFound(_("未找到该承办单位"))
    exists = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.tenant_id == township.id,
            Membership.role == role.value,
            Membership.branch_id.is_(None)
            if branch_id is None
            else Membership.branch_id == branch_id,
        )
    )
    if exists:
        raise Conflict(_("该用户已有此角色"))
    membership = Membership(
        user_id=user.id,
        role=role.value,
        tenant_id=township.id,
        county_id=township.county_id,
        branch_id=branch_id,
        unit_id=unit_id,
    )
    db.session.add(membership)
    db.session.flush()
    audit.record(
        "membership.granted",
        actor=actor,
        tenant_id=township.id,
        target_type="membership",
        target_id=membership.id,
        after=_membership_summary(membership),
    )
    return membership


@dataclass(frozen=True)
class NewMember:
    membership: Membership
    setup_token: str | None


@use_case
def add_township_member(
    actor: Actor,
    township: Township,
    *,
    role: Role,
    user_id: int | None = None,
    username: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    branch_id: int | None = None,
    unit_id: int | None = None,
) -> NewMember:
    """Give an existing member of the township a role, or create a new user with one."""
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    if branch_id is not None and db.session.get(Branch, (township.id, branch_id)) is None:
        raise NotFound(_("未找到该支部"))  # ids are checked before anything else is validated
    token = None
    if user_id is not None:
        user = member_user(township, user_id)
    else:
        user = create_user(username or "", display_name or "", phone=phone, email=email)
        token = issue_setup_link(user)
    membership = grant_township_role(
        actor, township, user=user, role=role, branch_id=branch_id, unit_id=unit_id
    )
    if token and user.email:
        _send_setup_link(user, token, township.id)
    return NewMember(membership, token)


def member_user(township: Township, user_id: int) -> User:
    """A user who belongs to this township; anyone else is not found from here."""
    user = db.session.get(User, user_id)
    if user is None or not any(m.tenant_id == township.id for m in user.memberships):
        raise NotFound(_("未找到该用户"))
    return user


@use_case
def remove_township_membership(actor: Actor, township: Township, membership_id: int) -> None:
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.tenant_id != township.id:
        raise NotFound()
    if membership.user_id == actor.user_id and membership.role == Role.TOWNSHIP_ADMIN:
        raise Conflict(_("不能移除自己的乡镇管理员角色"))
    before = _membership_summary(membership)
    db.session.delete(membership)
    audit.record(
        "membership.revoked",
        actor=actor,
        tenant_id=township.id,
        target_type="membership",
        target_id=membership_id,
        before=before,
    )


def account_grants(user: User) -> tuple[Grant, ...]:
    """The user's memberships, each with the county it lies in (a township role's county is its
    township's), for the account permissions."""
    memberships = list(user.memberships)
    tenant_ids = {m.tenant_id for m in memberships if m.tenant_id is not None}
    counties = (
        dict(
            db.session.execute(
                select(Township.id, Township.county_id).where(Township.id.in_(tenant_ids))
            ).all()
        )
        if tenant_ids
        else {}
    )
    return tuple(
        Grant(
            g.membership_id,
            g.role,
            counties.get(g.tenant_id, g.county_id) if g.tenant_id is not None else g.county_id,
            g.tenant_id,
            g.branch_id,
            g.unit_id,
        )
        for g in grants_of(memberships)
    )


def require_account_manager(actor: Actor, user: User, message: str) -> None:
    if not permissions.can_manage_account(actor, account_grants(user)):
        raise PermissionDenied(message)


def reset_refused_message() -> str:
    return _(
        "该用户还在您管理范围以外的乡镇或县担任角色，不能由您发送设置链接："
        "请联系县委组织部或平台管理员办理，或由本人登录后在“个人设置”中修改密码。"
    )


@use_case
def reissue_setup_link(actor: Actor, township: Township, user_id: int) -> str:
    """A new set-up link for a member of this township, only if every membership of the account
    lies in townships the actor administers."""
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    user = member_user(township, user_id)
    require_account_manager(actor, user, reset_refused_message())
    token = issue_setup_link(user)
    audit.record(
        "user.setup_link_issued",
        actor=actor,
        tenant_id=township.id,
        target_type="user",
        target_id=user.id,
    )
    return token


def _send_setup_link(user: User, token: str, tenant_id: int | None) -> None:
    from lianxin.notify import service as notify

    notify.notify(
        [user.id],
        _("连心平台账号设置"),
        _("请通过以下一次性链接设置密码："),
        link=setup_url(token),
        channels=("email",),
        tenant_id=tenant_id,
        kind="account.setup",
    )


def memberships_for_switcher(actor: Actor) -> list[tuple[str, str, str]]:
    """(kind, slug, name) of every place the user can act in, for the header switcher; from the
    actor's memberships, already read for the request."""
    from lianxin.tenants.models import County

    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for grant in actor.grants:
        scope = grant.role.scope
        if scope is Scope.TOWNSHIP and grant.tenant_id is not None:
            township = db.session.get(Township, grant.tenant_id)
            if township and ("t", township.slug) not in seen:
                seen.add(("t", township.slug))
                rows.append(("t", township.slug, township.name))
        elif scope is Scope.COUNTY and grant.county_id is not None:
            county = db.session.get(County, grant.county_id)
            if county and ("c", county.slug) not in seen:
                seen.add(("c", county.slug))
                rows.append(("c", county.slug, county.name))
        elif scope is Scope.PLATFORM and ("p", "") not in seen:
            seen.add(("p", ""))
            rows.append(("p", "", _("平台管理")))
    return rows
