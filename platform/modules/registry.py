"""The module registry: each feature module declares itself once (ARCHITECTURE.md §5).

A module is one folder, `platform/modules/<key>/`, whose `module.py` defines `MODULE`, a
`ModuleSpec`. The registry is an explicit tuple of first-party modules (FIRST_PARTY below), not a
folder scan. The registry knows each module's settings schema and defaults; which modules a
township has switched on lives in `township_modules` and is read through tenants.service.

The metrics hook (the county's comparison, ARCHITECTURE.md §4). A module that the county
compares sets `ModuleSpec.metrics` to a `MetricSet`:

    MetricSet(
        metrics=(Metric("cases_received", _l("收到诉求"), kind="count"), ...),
        compute=figures,            # figures(start: date, end: date) -> Mapping[str, Figure]
        entities=entity_figures,    # optional: (start, end) -> Iterable[EntityFigure]
    )

- `compute(start, end)` is called by the county rollup refresh inside the township's tenant
  context (read-only, `lianxin.db.tenancy.tenant_context(tenant_id, read_only=True)`), once per
  period, with Shanghai calendar dates and `end` exclusive: figures of [start, end). It returns
  a `Figure(value, n)` (or a plain number) for each declared metric key. `n` is the count a rate
  or a median is drawn from (its denominator), which decides whether the entry may be ranked;
  `value=None` means "no data in this period" and is shown as such, never as zero. A rate is a
  fraction in [0, 1]. It must not write, commit or depend on the request.
- Metric keys are global: the registry prefixes none, so name them after the module
  (`liaison_links_kept`). `kind` is "count", "rate" (0–1), "days" or "number";
  `lower_is_better` orders rankings (e.g. median days to answer).
- `entities(start, end)` (optional) yields figures of stations, handling units or
  representatives (`EntityFigure.kind` "station" / "unit" / "representative") for the county's
  rankings.
- The simple form is also accepted: `metrics={"key": fn}` with `fn(start, end) -> Figure |
  int | float | None`; the key is then its own label.

A switched-off module is never asked: its figures show as 未开通.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

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


# Settings that passed validation, by (module, content): see ModuleSpec.validate_settings.
_VALID_SETTINGS: dict[tuple[str, int, str], dict[str, Any]] = {}


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset[Role] | None = None  # None: everyone with a membership in the township


@dataclass(frozen=True)
class Figure:
    """One figure of one township in one period; `n` is what a rate or median is drawn from."""

    value: float | None
    n: int | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # a lazy gettext string
    kind: str = "count"  # count / rate (0-1) / days / number
    lower_is_better: bool = False
    description: Any = ""  # how it is computed, shown beside the figure


@dataclass(frozen=True)
class EntityFigure:
    """A figure of one station, handling unit or representative, for the county's rankings."""

    kind: str  # station / unit / representative
    entity_id: int
    name: str
    metric: str
    value: float | None
    n: int | None = None


FiguresFn = Callable[[date, date], Mapping[str, "Figure | int | float | None"]]
EntitiesFn = Callable[[date, date], Iterable[EntityFigure]]


@dataclass(frozen=True)
class MetricSet:
    metrics: tuple[Metric, ...]
    compute: FiguresFn
    entities: EntitiesFn | None = None


def as_figure(value: Any) -> Figure:
    if isinstance(value, Figure):
        return value
    if value is None:
        return Figure(None)
    return Figure(float(value))


SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end) in Shanghai calendar days, as UTC instants to compare stored timestamps."""
    return (
        datetime.combine(start, time(), SHANGHAI).astimezone(UTC),
        datetime.combine(end, time(), SHANGHAI).astimezone(UTC),
    )


def rate(numerator: int, denominator: int) -> Figure:
    """A share in [0, 1]; no denominator is "no data", never 0 %."""
    return Figure(numerator / denominator if denominator else None, denominator)


def median(values: list[float]) -> Figure:
    if not values:
        return Figure(None, 0)
    ordered = sorted(values)
    mid = len(ordered) // 2
    value = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return Figure(float(value), len(ordered))


def _metric_set(spec_key: str, metrics: Any) -> MetricSet | None:
    """The module's MetricSet, the simple form `{key: fn(start, end)}` adapted to one."""
    if metrics is None:
        return None
    if isinstance(metrics, MetricSet):
        return metrics
    if isinstance(metrics, Mapping) and metrics:
        functions = dict(metrics)

        def compute(start: date, end: date) -> dict[str, Any]:
            return {key: fn(start, end) for key, fn in functions.items()}

        return MetricSet(tuple(Metric(key, key, kind="number") for key in functions), compute)
    return None


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    name: Any  # a lazy gettext string: the module's Chinese name
    description: Any = ""
    settings_schema: type[Schema] = EmptySettings
    api_blueprint: Any = None  # flask_smorest.Blueprint, mounted at /api/v1/t/<slug>/<key>
    pages_blueprint: Blueprint | None = None  # mounted at /t/<slug>/<key>
    public_blueprint: Blueprint | None = None  # mounted at /p/<slug>/<key>
    nav: tuple[NavItem, ...] = ()
    public_nav: tuple[NavItem, ...] = ()  # entries on the township's public page
    labels: Mapping[str, Any] = field(default_factory=dict)
    beat_schedule: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    task_module: str | None = None
    models_module: str | None = None
    # The county's figures of this module: a MetricSet (see the module docstring), or the
    # simple form {metric_key: fn(start, end)}.
    metrics: MetricSet | Mapping[str, Callable[..., Any]] | None = None
    # A core part (casework, people, tenants, auth …) is always on. One with a settings schema
    # (casework) keeps per-township settings like a module and is listed beside the modules as
    # 核心功能; the others only mount what they declare.
    core: bool = False
    # A core part's own blueprints, mounted at the url_prefix each declares (a module's are
    # mounted under its township's URL instead, above).
    blueprints: tuple[Blueprint, ...] = ()
    api_blueprints: tuple[Any, ...] = ()  # flask_smorest.Blueprint, at their own url_prefix
    # The demo's data of this part: a module with `seed(township, index)`, run by `lianxin demo`
    # in registry order for each demo township where the part is on.
    seed_module: str | None = None

    @property
    def is_feature(self) -> bool:
        """What a township has: a switchable module, or a core part with its own settings."""
        return not self.core or self.settings_schema is not EmptySettings

    def default_settings(self) -> dict[str, Any]:
        return dict(self.settings_schema().load({}))

    def validate_settings(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Full settings with defaults filled in; raises ValidationFailed naming each field.

        Valid settings are remembered by their content (the same township's deadlines are
        checked on every case list), and handed out as copies."""
        content = json.dumps(data, sort_keys=True, default=str)
        memo_key = (self.key, id(self.settings_schema), content)
        known = _VALID_SETTINGS.get(memo_key)
        if known is not None:
            return copy.deepcopy(known)
        try:
            valid = dict(self.settings_schema().load(dict(data)))
        except ValidationError as exc:
            errors = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
            raise ValidationFailed(
                errors={
                    k: [str(m) for m in (v if isinstance(v, list) else [v])]
                    for k, v in errors.items()
                }
            ) from exc
        if len(_VALID_SETTINGS) >= 4096:
            _VALID_SETTINGS.clear()
        _VALID_SETTINGS[memo_key] = copy.deepcopy(valid)
        return valid

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

    def features(self) -> list[ModuleSpec]:
        """The modules and the core parts with settings: what a township's pages list."""
        return [spec for spec in self if spec.is_feature]

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

    def metric_sets(self) -> list[tuple[ModuleSpec, MetricSet]]:
        """Every registered part that declares figures for the county, in registry order."""
        out = []
        for spec in self:
            metric_set = _metric_set(spec.key, spec.metrics)
            if metric_set is not None:
                out.append((spec, metric_set))
        return out

    def task_modules(self) -> tuple[str, ...]:
        return tuple(spec.task_module for spec in self if spec.task_module)


# The core parts, always on, declared like the modules (each part's `module.py`). Those before
# the modules mount first; the county's comparison, which reads every module's figures, last.
CORE: tuple[str, ...] = (
    "lianxin.web.module",
    "lianxin.auth.module",
    "lianxin.tenants.module",
    "lianxin.storage.module",
    "lianxin.people.module",
    "lianxin.casework.module",
    "lianxin.work_calendar.module",
    "lianxin.notify.module",
    "lianxin.audit.module",
)
CORE_LAST: tuple[str, ...] = ("lianxin.county.module",)


def load_core() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in CORE)


def load_core_last() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in CORE_LAST)


def load_first_party() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in FIRST_PARTY)


def import_module_models() -> None:
    for spec in load_first_party():
        if spec.models_module:
            importlib.import_module(spec.models_module)


def current_registry() -> Registry:
    from flask import current_app

    return current_app.extensions["lianxin.registry"]  # type: ignore[no-any-return]
