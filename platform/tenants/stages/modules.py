"""A township's modules: the switches (on, off: switching off hides a module and keeps its data)
and the settings in layers: the module's defaults, the county's defaults over them, the
township's own choices over those. Each layer holds only what it sets; a change names the keys
it changes (None: back to the layer below) and is validated by the module's settings schema.

The module rows and the validated settings are read once per request (kept on `g`, dropped by
`web.scope.REQUEST_SCOPED` and by every change made here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.registry import ModuleSpec, Registry, UnknownModule, current_registry
from lianxin.tenants.models import County, Township, TownshipModule
from lianxin.tenants.settings import chinese_errors
from lianxin.tenants.stages.lookups import (
    _MODULE_ROWS,
    _SETTINGS,
    _require_county_admin,
    county_township,
)
from lianxin.usecases import use_case


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


def _validated(spec: ModuleSpec, data: Mapping[str, object]) -> dict[str, Any]:
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
    merged: dict[str, object] = {}
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


def _patched(
    spec: ModuleSpec, layer: Mapping[str, object], changes: Mapping[str, object]
) -> dict[str, object]:
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
    new: Mapping[str, object], valid: Mapping[str, object], changes: Mapping[str, object]
) -> dict[str, object]:
    # Store the schema's value ("7" from a page is 7) of each key this change named.
    return {k: (valid[k] if k in changes and k in valid else v) for k, v in new.items()}


def _diff(
    before: Mapping[str, object], after: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """Only the keys that changed, with None for "not set in this layer"."""
    changed = sorted(
        k for k in set(before) | set(after) if before.get(k, _ABSENT) != after.get(k, _ABSENT)
    )
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


@use_case
def update_module_settings(
    actor: Actor, county: County, township_id: int, key: str, changes: Mapping[str, object]
) -> dict[str, Any]:
    """The county sets a township's own settings of a module: only the keys named change
    (None: back to the county's default); validated by the module's schema."""
    _require_county_admin(actor, county)
    township = county_township(actor, county, township_id)
    return _save_module_settings(actor, county, township, key, changes)


@use_case
def replace_module_settings(
    actor: Actor, county: County, township_id: int, key: str, settings: Mapping[str, object]
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
    actor: Actor, township: Township, key: str, changes: Mapping[str, object]
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
    actor: Actor,
    county: County,
    township: Township,
    key: str,
    changes: Mapping[str, object],
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
    actor: Actor, county: County, key: str, changes: Mapping[str, object]
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


def _check_townships_fit(county: County, spec: ModuleSpec, defaults: Mapping[str, object]) -> None:
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
