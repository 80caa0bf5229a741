"""Use cases of counties and townships: onboarding, module switches and settings, branches."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.db import db, utcnow
from lianxin.db.paging import paged
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.registry import ModuleSpec, Registry, UnknownModule, current_registry
from lianxin.tenants.labels import DEFAULT_LABELS
from lianxin.tenants.models import (
    Branch,
    BranchKind,
    County,
    Township,
    TownshipModule,
    TownshipStatus,
)
from lianxin.tenants.settings import chinese_errors
from lianxin.usecases import use_case

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESERVED_SLUGS = {"admin", "api", "static", "vendor", "login", "logout", "new", "www"}
# A township's module rows and its modules' validated settings, read once per request
# (web.scope.REQUEST_SCOPED drops both keys).
_MODULE_ROWS = "lianxin_enabled_modules"
_SETTINGS = "lianxin_module_settings"


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


# --- lookups --------------------------------------------------------------------------------


def county_by_slug(slug: str) -> County | None:
    return db.session.scalar(select(County).where(County.slug == slug))


@cache
def _township_by_slug() -> Any:
    # Built once: every scoped request runs it (building it cost as much as running it).
    return (
        select(Township)
        .where(Township.slug == bindparam("slug"))
        .options(joinedload(Township.county), joinedload(Township.modules))
    )


def township_by_slug(slug: str) -> Township | None:
    """The township with its county and module rows: every scoped request reads all three (the
    guard, the menu, the settings), so one query reads them."""
    township = db.session.scalars(_township_by_slug(), {"slug": slug}).unique().first()
    if township is not None and has_app_context():
        g.setdefault(_MODULE_ROWS, {})[township.id] = {m.module_key: m for m in township.modules}
    return township


def list_counties(actor: Actor) -> list[County]:
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied()
    return list(db.session.scalars(select(County).order_by(County.name)))


def county_townships(actor: Actor, county: County) -> list[Township]:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    return list(
        db.session.scalars(
            select(Township).where(Township.county_id == county.id).order_by(Township.name)
        )
    )


def county_township(actor: Actor, county: County, township_id: int) -> Township:
    """A township of this county; one of another county is not found from here."""
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    township = db.session.get(Township, township_id)
    if township is None or township.county_id != county.id:
        raise NotFound(_("未找到该乡镇"))
    return township


# --- platform: counties ----------------------------------------------------------------------


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


# --- county: townships and their modules ------------------------------------------------------


def _require_county_admin(actor: Actor, county: County) -> None:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()


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


def _module_row(township_id: int, key: str) -> TownshipModule | None:
    return db.session.get(TownshipModule, (township_id, key))


def _module_rows(township_id: int) -> dict[str, TownshipModule]:
    """Every module row (switch and settings) of a township, read once per request or task.

    The menu, the module guard and each module's settings all ask: one query answers them.
    A change through this service drops the cache (`_forget_module_rows`).
    """
    cache: dict[int, dict[str, TownshipModule]] | None = None
    if has_app_context():
        cache = g.setdefault(_MODULE_ROWS, {})
        if township_id in cache:
            return cache[township_id]
    rows = {
        row.module_key: row
        for row in db.session.scalars(
            select(TownshipModule).where(TownshipModule.township_id == township_id)
        )
    }
    if cache is not None:
        cache[township_id] = rows
    return rows


def _forget_module_rows() -> None:
    if has_app_context():
        g.pop(_MODULE_ROWS, None)
        g.pop(_SETTINGS, None)


def enabled_module_keys(township_id: int) -> set[str]:
    """Switched-on (switchable) module keys of a township, read once per request."""
    core = {s.key for s in current_registry() if s.core} if has_app_context() else set()
    return {key for key, row in _module_rows(township_id).items() if row.enabled} - core


def module_enabled(township_id: int, key: str) -> bool:
    registry = current_registry() if has_app_context() else None
    if registry is not None and key in registry and registry.get(key).core:
        return True
    return key in enabled_module_keys(township_id)


def enabled_modules(township_id: int, registry: Registry | None = None) -> list[ModuleSpec]:
    registry = registry or current_registry()
    keys = enabled_module_keys(township_id)
    return [spec for spec in registry if spec.key in keys and not spec.core]


def _spec(key: str) -> ModuleSpec:
    try:
        return current_registry().get(key)
    except UnknownModule:
        raise NotFound(_("未知模块：%(k)s", k=key)) from None


def _validated(spec: ModuleSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """The module's full settings from `data`; errors name each field in Chinese."""
    try:
        return spec.validate_settings(data)
    except ValidationFailed as exc:
        raise ValidationFailed(errors=chinese_errors(spec, data, exc.errors)) from None


def effective_settings(township_id: int, key: str) -> dict[str, Any]:
    """Module defaults, overridden by the county's defaults, then by the township's own.

    Validated once per request (the case list asks for casework's deadlines on every call)."""
    cache: dict[tuple[int, str], dict[str, Any]] | None = None
    if has_app_context():
        cache = g.setdefault(_SETTINGS, {})
        if (township_id, key) in cache:
            return dict(cache[(township_id, key)])
    spec = _spec(key)
    township = db.session.get(Township, township_id)
    if township is None:
        raise NotFound()
    merged: dict[str, Any] = {}
    merged.update(township.county.module_defaults.get(key, {}))
    row = _module_rows(township_id).get(key)
    if row is not None:
        merged.update(row.settings)
    settings = _validated(spec, merged)
    if cache is not None:
        cache[(township_id, key)] = dict(settings)
    return settings


@dataclass(frozen=True)
class SettingsLayers:
    """A module's settings seen from one layer: what applies, what this layer holds itself,
    and what each setting would be without it (the layer below)."""

    key: str
    settings: dict[str, Any]
    own: dict[str, Any]
    fallback: dict[str, Any]


def township_settings_layers(township_id: int, key: str) -> SettingsLayers:
    """A township's settings: its own choices over the county's defaults."""
    spec = _spec(key)
    township = db.session.get(Township, township_id)
    if township is None:
        raise NotFound()
    row = _module_rows(township_id).get(key)
    return SettingsLayers(
        key=key,
        settings=effective_settings(township_id, key),
        own=dict(row.settings) if row is not None else {},
        fallback=_validated(spec, township.county.module_defaults.get(key, {})),
    )


def county_settings_layers(county: County, key: str) -> SettingsLayers:
    """A county's defaults: its own values over the platform's (the module's)."""
    spec = _spec(key)
    own = dict(county.module_defaults.get(key, {}))
    return SettingsLayers(
        key=key,
        settings=_validated(spec, own),
        own=own,
        fallback=spec.default_settings(),
    )


_ABSENT = object()


def _patched(spec: ModuleSpec, layer: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """`layer` with each named key set (None removes it); every other key kept as it is."""
    known = dict(spec.settings_fields())
    unknown = [name for name in changes if name not in known]
    if unknown:
        raise ValidationFailed(errors={name: [_("未知的设置项")] for name in unknown})
    new = dict(layer)
    for name, value in changes.items():
        if value is None:
            new.pop(name, None)
        else:
            new[name] = value
    return new


def _normalised(
    new: dict[str, Any], valid: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    # Store the schema's value ("7" from a page is 7) of each key this change named.
    return {k: (valid[k] if k in changes and k in valid else v) for k, v in new.items()}


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the keys that changed, with None for "not set in this layer"."""
    changed = sorted(
        k for k in set(before) | set(after) if before.get(k, _ABSENT) != after.get(k, _ABSENT)
    )
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


@use_case
def update_module_settings(
    actor: Actor, county: County, township_id: int, key: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """The county sets a township's own settings of a module: only the keys named change
    (None: back to the county's default); validated by the module's schema."""
    _require_county_admin(actor, county)
    township = county_township(actor, county, township_id)
    return _save_module_settings(actor, county, township, key, changes)


@use_case
def replace_module_settings(
    actor: Actor, county: County, township_id: int, key: str, settings: dict[str, Any]
) -> dict[str, Any]:
    """Replace a township's own settings of a module with `settings`; refused when that would
    drop a setting of the township's it does not name (name it, with None, to drop it)."""
    _require_county_admin(actor, county)
    township = county_township(actor, county, township_id)
    row = _module_row(township.id, key)
    dropped = sorted(k for k in (row.settings if row is not None else {}) if k not in settings)
    if dropped:
        raise Conflict(
            _(
                "整体替换会删除请求未写明的本乡镇设置：%(keys)s。只改部分设置请用 PATCH；"
                "要删除请在请求中写明该项为 null。",
                keys=", ".join(dropped),
            ),
            errors={k: [_("请求未写明此项，整体替换会删除本乡镇的这项设置")] for k in dropped},
            code="settings_keys_dropped",
        )
    return _save_module_settings(actor, county, township, key, settings)


@use_case
def update_township_settings(
    actor: Actor, township: Township, key: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """The township's own administrator sets its settings for a module it runs: only the keys
    named change (None: back to the county's default)."""
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    spec = _spec(key)
    if not spec.core and not module_enabled(township.id, key):
        raise NotFound(_("本乡镇未开通该模块"))
    county = db.session.get(County, township.county_id)
    assert county is not None
    return _save_module_settings(actor, county, township, key, changes)


def _save_module_settings(
    actor: Actor, county: County, township: Township, key: str, changes: dict[str, Any]
) -> dict[str, Any]:
    spec = _spec(key)
    row = _module_row(township.id, key)
    before = dict(row.settings) if row is not None else {}
    # A value the township names is its own choice, kept even when it equals the county's
    # default today: a later county change must not move it.
    own = _patched(spec, before, changes)
    valid = _validated(spec, {**county.module_defaults.get(key, {}), **own})
    own = _normalised(own, valid, changes)
    was, now = _diff(before, own)
    if not now:
        return valid
    if row is None:
        row = TownshipModule(township_id=township.id, module_key=key, enabled=False, settings={})
        db.session.add(row)
    row.settings = own
    audit.record(
        "module.settings_changed",
        actor=actor,
        tenant_id=township.id,
        target_type="township_module",
        target_id=f"{township.id}:{key}",
        before=was,
        after=now,
    )
    db.session.flush()
    _forget_module_rows()
    return effective_settings(township.id, key)


@use_case
def update_county_defaults(
    actor: Actor, county: County, key: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """The county's standard for a module, the defaults its townships start from: only the keys
    named change (None: back to the platform's default). A township's own choices stay; a
    default that no longer fits one of them is refused, naming the township."""
    _require_county_admin(actor, county)
    spec = _spec(key)
    before = dict(county.module_defaults.get(key, {}))
    own = _patched(spec, before, changes)
    valid = _validated(spec, own)
    own = _normalised(own, valid, changes)
    was, now = _diff(before, own)
    if not now:
        return valid
    _check_townships_fit(county, spec, own)
    county.module_defaults = {**county.module_defaults, key: own}
    audit.record(
        "county.module_defaults_changed",
        actor=actor,
        county_id=county.id,
        target_type="county",
        target_id=county.id,
        before=was,
        after=now,
    )
    db.session.flush()
    _forget_module_rows()
    return valid


def _check_townships_fit(county: County, spec: ModuleSpec, defaults: dict[str, Any]) -> None:
    rows = db.session.execute(
        select(Township.name, TownshipModule.settings)
        .join(TownshipModule, TownshipModule.township_id == Township.id)
        .where(Township.county_id == county.id, TownshipModule.module_key == spec.key)
        .order_by(Township.name)
    ).all()
    errors: dict[str, list[str]] = {}
    names: list[str] = []
    for name, own in rows:
        if not own:
            continue
        try:
            _validated(spec, {**defaults, **own})
        except ValidationFailed as exc:
            names.append(name)
            for field, messages in exc.errors.items():
                errors.setdefault(field, []).extend(f"{name}：{m}" for m in messages)
    if names:
        raise Conflict(
            _(
                "该县级默认与%(names)s的本乡镇设置冲突，请先调整这些乡镇的设置。",
                names="、".join(names),
            ),
            errors=errors,
            code="settings_conflict",
        )


@use_case
def set_module_enabled(
    actor: Actor, county: County, township_id: int, key: str, enabled: bool
) -> TownshipModule:
    """Switch a module on or off. Switching off hides it and keeps every row of its data."""
    _require_county_admin(actor, county)
    township = county_township(actor, county, township_id)
    if _spec(key).core:
        raise ValidationFailed(errors={"enabled": [_("核心功能不能关闭")]})
    row = _module_row(township.id, key)
    if row is None:
        row = TownshipModule(township_id=township.id, module_key=key, enabled=False, settings={})
        db.session.add(row)
    before = row.enabled
    row.enabled = enabled
    for tenant_id, county_id in ((township.id, None), (None, county.id)):
        audit.record(
            "module.switched",
            actor=actor,
            tenant_id=tenant_id,
            county_id=county_id,
            target_type="township_module",
            target_id=f"{township.id}:{key}",
            before={"enabled": before},
            after={"enabled": enabled},
        )
    db.session.flush()
    _forget_module_rows()
    return row


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


# --- township: labels and branches ------------------------------------------------------------


def labels_for(township: Township | None) -> dict[str, str]:
    if has_app_context():
        # Every page asks; the defaults and the modules' words are translated once per app (its
        # locale is fixed, app.py).
        registry = current_registry()
        defaults = current_app.extensions.setdefault("lianxin.default_labels", {})
        if id(registry) not in defaults:
            words = {k: str(v) for k, v in DEFAULT_LABELS.items()}
            words.update({k: str(v) for k, v in registry.labels().items()})
            defaults[id(registry)] = words
        labels = dict(defaults[id(registry)])
    else:
        labels = {k: str(v) for k, v in DEFAULT_LABELS.items()}
    if township is not None:
        labels.update(township.labels or {})
    return labels


@use_case
def update_labels(actor: Actor, township: Township, labels: dict[str, str]) -> dict[str, str]:
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    known = labels_for(None)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for key, value in labels.items():
        value = (value or "").strip()
        if key not in known:
            errors[key] = [_("未知的称谓")]
        elif not value or len(value) > 16:
            errors[key] = [_("称谓须为1–16个字")]
        elif value != str(known[key]):
            cleaned[key] = value
    if errors:
        raise ValidationFailed(errors=errors)
    before = dict(township.labels or {})
    township.labels = cleaned
    audit.record(
        "township.labels_changed",
        actor=actor,
        tenant_id=township.id,
        target_type="township",
        target_id=township.id,
        before=before,
        after=cleaned,
    )
    return labels_for(township)


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


def _branch_dict(branch: Branch) -> dict[str, Any]:
    return {f: getattr(branch, f) for f in BRANCH_FIELDS}


def _apply_branch(branch: Branch, data: dict[str, Any]) -> None:
    if "name" in data:
        branch.name = _check_name(data["name"])
    if "kind" in data:
        if data["kind"] not in set(BranchKind):
            raise ValidationFailed(errors={"kind": [_("未知的支部类型")]})
        branch.kind = data["kind"]
    if "secretary_name" in data:
        branch.secretary_name = (data["secretary_name"] or "").strip() or None
    if "is_active" in data:
        branch.is_active = bool(data["is_active"])


def _name_taken(township: Township, name: str, except_id: int | None = None) -> bool:
    query = select(Branch.id).where(Branch.name == name.strip())
    if except_id is not None:
        query = query.where(Branch.id != except_id)
    return db.session.scalar(query) is not None


@use_case
def create_branch(actor: Actor, township: Township, data: dict[str, Any]) -> Branch:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    branch = Branch(kind=BranchKind.VILLAGE, is_active=True)
    _apply_branch(branch, {"kind": BranchKind.VILLAGE.value, **data})
    if _name_taken(township, branch.name):
        raise ValidationFailed(errors={"name": [_("已有同名支部")]})
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
def update_branch(actor: Actor, township: Township, branch_id: int, data: dict[str, Any]) -> Branch:
    branch = get_branch(actor, township, branch_id)
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    before = _branch_dict(branch)
    # Not flushed before the check: a rename onto a taken name would hit the unique constraint
    # in the check's own query (a 500) instead of being refused here.
    with db.session.no_autoflush:
        _apply_branch(branch, data)
        taken = _name_taken(township, branch.name, except_id=branch.id)
    if taken:
        db.session.rollback()
        raise ValidationFailed(errors={"name": [_("已有同名支部")]})
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
