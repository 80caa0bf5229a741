"""A person's to-do home in a township: what every part that is on says waits for them
(`ModuleSpec.todo`, registry.TodoItem), grouped by part, urgent first, then newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lianxin.auth.actor import Actor
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules.registry import TodoItem, current_registry
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

_OLDEST = datetime.min.replace(tzinfo=UTC)


def _newest(when: datetime | None) -> datetime:
    if when is None:
        return _OLDEST
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _order(item: TodoItem) -> tuple[bool, float]:
    """Urgent first; then newest first (a line with no time after those with one)."""
    return (not item.urgent, -_newest(item.latest).timestamp())


@dataclass(frozen=True)
class TodoGroup:
    key: str  # the part's key
    name: Any  # the part's Chinese name
    items: tuple[TodoItem, ...]

    @property
    def count(self) -> int:
        return sum(i.count for i in self.items)

    @property
    def urgent(self) -> bool:
        return any(i.urgent for i in self.items)


def todo_for(actor: Actor, township: Township) -> list[TodoGroup]:
    """Every switched-on part's lines for this actor, grouped by part. A part whose reads
    refuse this actor contributes nothing (its role has no work there)."""
    registry = current_registry()
    groups = []
    for spec, items in registry.todo_sources(tenants.enabled_module_keys(township.id)):
        try:
            found = [i for i in items(actor, township) if i.count > 0]
        except (PermissionDenied, NotFound):
            continue
        if found:
            groups.append(TodoGroup(spec.key, spec.name, tuple(sorted(found, key=_order))))
    return sorted(groups, key=lambda g: _order(g.items[0]))
