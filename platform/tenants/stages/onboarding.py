"""Onboarding: the platform creates a county with its first administrator; the county onboards
a township with its module switches and first administrator (each gets a one-time set-up link),
and suspends or reactivates it. Nothing is ever deleted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.registry import current_registry
from lianxin.tenants.models import County, Township, TownshipModule, TownshipStatus
from lianxin.tenants.stages.lookups import _require_county_admin, county_township
from lianxin.usecases import use_case

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESERVED_SLUGS = {"admin", "api", "static", "vendor", "login", "logout", "new", "www"}


def _check_slug(slug: str, model: type[County] | type[Township]) -> str:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise ValidationFailed(errors={"slug": [_("标识须为小写字母、数字或连字符，2–63位")]})
    if db.session.scalar(select(model.id).where(model.slug == slug)):
        raise ValidationFailed(errors={"slug": [_("该标识已被使用")]})
    return slug


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(errors={"name": [_("请填写名称（不超过100字）")]})
    return name


@dataclass(frozen=True)
class Onboarded:
    county: County | None
    township: Township | None
    admin_username: str
    setup_token: str


@use_case
def create_county(
    actor: Actor,
    *,
    name: str,
    slug: str,
    admin_username: str,
    admin_name: str,
    admin_email: str | None = None,
    admin_phone: str | None = None,
) -> Onboarded:
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied()
    county = County(name=_check_name(name), slug=_check_slug(slug, County), module_defaults={})
    db.session.add(county)
    db.session.flush()
    admin = accounts.create_user(admin_username, admin_name, email=admin_email, phone=admin_phone)
    db.session.add(Membership(user_id=admin.id, role=Role.COUNTY_ADMIN.value, county_id=county.id))
    token = accounts.issue_setup_link(admin)
    audit.record(
        "county.created",
        actor=actor,
        target_type="county",
        target_id=county.id,
        after={"name": county.name, "slug": county.slug, "admin": admin.username},
    )
    audit.record(
        "county.created",
        actor=actor,
        county_id=county.id,
        target_type="county",
        target_id=county.id,
        after={"name": county.name, "admin": admin.username},
    )
    if admin.email:
        accounts._send_setup_link(admin, token, None)
    return Onboarded(county, None, admin.username, token)


@use_case
def onboard_township(
    actor: Actor,
    county: County,
    *,
    name: str,
    slug: str,
    modules: list[str],
    admin_username: str,
    admin_name: str,
    admin_email: str | None = None,
    admin_phone: str | None = None,
) -> Onboarded:
    """Create a township with its module switches and first admin, who gets a set-up link."""
    _require_county_admin(actor, county)
    registry = current_registry()
    switchable = set(registry.keys())
    unknown = [key for key in modules if key not in switchable]
    if unknown:
        raise ValidationFailed(errors={"modules": [_("未知模块：%(k)s", k=", ".join(unknown))]})
    township = Township(
        county_id=county.id,
        name=_check_name(name),
        slug=_check_slug(slug, Township),
        status=TownshipStatus.ACTIVE,
        labels={},
    )
    db.session.add(township)
    db.session.flush()
    for spec in registry.features():
        db.session.add(
            TownshipModule(
                township_id=township.id,
                module_key=spec.key,
                enabled=spec.core or spec.key in modules,
                settings={},
            )
        )
    admin = accounts.create_user(admin_username, admin_name, email=admin_email, phone=admin_phone)
    db.session.add(
        Membership(
            user_id=admin.id,
            role=Role.TOWNSHIP_ADMIN.value,
            tenant_id=township.id,
            county_id=county.id,
        )
    )
    token = accounts.issue_setup_link(admin)
    after = {
        "name": township.name,
        "slug": township.slug,
        "modules": sorted(modules),
        "admin": admin.username,
    }
    audit.record(
        "township.onboarded",
        actor=actor,
        county_id=county.id,
        target_type="township",
        target_id=township.id,
        after=after,
    )
    audit.record(
        "township.onboarded",
        actor=actor,
        tenant_id=township.id,
        target_type="township",
        target_id=township.id,
        after=after,
    )
    if admin.email:
        accounts._send_setup_link(admin, token, township.id)
    return Onboarded(county, township, admin.username, token)


@use_case
def set_township_status(actor: Actor, county: County, township_id: int, status: str) -> Township:
    """Suspend or reactivate: its users cannot log in while suspended; nothing is deleted."""
    _require_county_admin(actor, county)
    township = county_township(actor, county, township_id)
    if status not in (TownshipStatus.ACTIVE, TownshipStatus.SUSPENDED):
        raise ValidationFailed(errors={"status": [_("状态须为 active 或 suspended")]})
    if township.status == status:
        raise Conflict(_("该乡镇已处于此状态"))
    before = township.status
    township.status = status
    township.suspended_at = utcnow() if status == TownshipStatus.SUSPENDED else None
    action = "township.suspended" if status == TownshipStatus.SUSPENDED else "township.reactivated"
    for tenant_id, county_id in ((township.id, None), (None, county.id)):
        audit.record(
            action,
            actor=actor,
            tenant_id=tenant_id,
            county_id=county_id,
            target_type="township",
            target_id=township.id,
            before={"status": before},
            after={"status": status},
        )
    return township
