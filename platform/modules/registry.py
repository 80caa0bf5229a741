"""The module registry: each feature module declares itself once (ARCHITECTURE.md §5).

A module is one folder, `platform/modules/<key>/`, whose `module.py` defines `MODULE`, a
`ModuleSpec`. The registry is an explicit tuple of first-party modules (FIRST_PARTY below), not a
folder scan. The registry knows each module's settings schema and defaults; which modules a
township has switched on lives in `township_modules` and is read through tenants.service.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint
from marshmallow import RAISE, Schema, ValidationError

from lianxin.auth.roles import Role
from lianxin.errors import ValidationFailed

# Import paths of the first-party modules' `module.py`, in menu order. Each module issue adds
# its line here.
FIRST_PARTY: tuple[str, ...] = (
    "lianxin.modules.workstations.module",
    "lianxin.modules.reception_days.module",
    "lianxin.modules.proposals.module",
    "lianxin.modules.annual_sessions.module",
    "lianxin.modules.evaluations.module",
    "lianxin.modules.liaison.module",
)


class EmptySettings(Schema):
    class Meta:
        unknown = RAISE


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset[Role] | None = None  # None: everyone with a membership in the township


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    name: Any  # a lazy gettext string: the module's Chinese name
    description: Any = ""
    settings_schema: type[Schema] = EmptySettings
    permissions: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    api_blueprint: Any = None  # flask_smorest.Blueprint, mounted at /api/v1/t/<slug>/<key>
    pages_blueprint: Blueprint | None = None  # mounted at /t/<slug>/<key>
    public_blueprint: Blueprint | None = None  # mounted at /p/<slug>/<key>
    nav: tuple[NavItem, ...] = ()
    public_nav: tuple[NavItem, ...] = ()  # entries on the township's public page
    labels: Mapping[str, Any] = field(default_factory=dict)
    beat_schedule: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    task_module: str | None = None
    models_module: str | None = None
    metrics: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    # A core part (casework) uses the same settings machinery but is always on.
    core: bool = False

    def default_settings(self) -> dict[str, Any]:
        return dict(self.settings_schema().load({}))

    def validate_settings(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Full settings with defaults filled in; raises ValidationFailed naming each field."""
        try:
            return dict(self.settings_schema().load(dict(data)))
        except ValidationError as exc:
            errors = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
            raise ValidationFailed(
                errors={
                    k: [str(m) for m in (v if isinstance(v, list) else [v])]
                    for k, v in errors.items()
                }
            ) from exc

    def settings_fields(self) -> list[tuple[str, Any]]:
        return list(self.settings_schema().fields.items())


class UnknownModule(LookupError):
    pass


class Registry:
    def __init__(self, modules: Iterable[ModuleSpec]) -> None:
        self._modules: dict[str, ModuleSpec] = {}
        for spec in modules:
            if spec.key in self._modules:
                raise ValueError(f"module {spec.key!r} registered twice")
            self._modules[spec.key] = spec

    def __iter__(self) -> Iterator[ModuleSpec]:
        return iter(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def get(self, key: str) -> ModuleSpec:
        try:
            return self._modules[key]
        except KeyError:
            raise UnknownModule(key) from None

    def keys(self) -> list[str]:
        """The switchable modules' keys (core parts are always on)."""
        return [k for k, spec in self._modules.items() if not spec.core]

    def switchable(self) -> list[ModuleSpec]:
        return [spec for spec in self if not spec.core]

    def labels(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for spec in self:
            merged.update(spec.labels)
        return merged

    def beat_schedule(self) -> dict[str, Any]:
        schedule: dict[str, Any] = {}
        for spec in self:
            for name, entry in spec.beat_schedule.items():
                schedule[f"{spec.key}.{name}"] = dict(entry)
        return schedule

    def task_modules(self) -> tuple[str, ...]:
        return tuple(spec.task_module for spec in self if spec.task_module)


# Core parts that keep per-township settings like a module, but are never switched off.
CORE: tuple[str, ...] = ("lianxin.casework.module",)


def load_core() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in CORE)


def load_first_party() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in FIRST_PARTY)


def import_module_models() -> None:
    for spec in load_first_party():
        if spec.models_module:
            importlib.import_module(spec.models_module)


def current_registry() -> Registry:
    from flask import current_app

    return current_app.extensions["lianxin.registry"]  # type: ignore[no-any-return]
