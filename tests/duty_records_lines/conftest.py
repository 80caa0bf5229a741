"""Fixtures of the duty-record lines (履职档案) each part contributes: every first-party module
in the registry, a Shanghai clock stopped in January 2027 (the year 2026 is over), and ten
representatives of our township in office since 2025, with accounts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import SHANGHAI, ModuleSpec
from lianxin.people.models import Representative
from lianxin.tenants.models import TownshipModule
from tests.factories import make_represented
from tests.helpers import Clock

TODAY = date(2027, 1, 15)
YEAR = (date(2026, 1, 1), date(2027, 1, 1))
NEXT_YEAR = (date(2027, 1, 1), date(2028, 1, 1))


@pytest.fixture
def app_modules():
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(update(TownshipModule).values(enabled=True))
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(TODAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@dataclass(frozen=True)
class Rep:
    id: int
    user_id: int
    name: str


@pytest.fixture
def reps(world):
    """Ten representatives of our township, in office, on the roll since 2025 (their ids,
    accounts and names: the rows themselves are read in the township's context only)."""
    made, users = make_represented(world.township, 10, "dr.rep")
    with tenant_context(world.township.id):
        out = [Rep(r.id, u.id, r.name) for r, u in zip(made, users, strict=True)]
        db.session.execute(
            update(Representative)
            .where(Representative.id.in_([r.id for r in out]))
            .values(created_at=datetime(2025, 1, 1, tzinfo=UTC))
        )
        db.session.commit()
    return out


def shanghai(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Shanghai wall-clock moment as the aware UTC instant the database keeps."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def add(township: Any, *rows: Any) -> list[Any]:
    """Rows of our township, flushed in order (so later rows may name earlier ids), committed;
    handed back detached, their ids readable outside the township's context."""
    with tenant_context(township.id):
        for row in rows:
            db.session.add(row)
            db.session.flush()
        for row in rows:
            db.session.expunge(row)
        db.session.commit()
    return list(rows)


def lines(
    spec: ModuleSpec, township: Any, ids: Sequence[int], start: date = YEAR[0], end: date = YEAR[1]
) -> dict[int, dict[str, Any]]:
    """The part's lines of [start, end) for these representatives, read as the record reads
    them: in the township's read-only context."""
    assert spec.duty is not None
    with tenant_context(township.id, read_only=True):
        found = spec.duty.compute(start, end, list(ids))
        db.session.rollback()
    return {rep_id: dict(entries) for rep_id, entries in found.items()}


def count(found: dict[int, dict[str, Any]], rep_id: int, key: str) -> float:
    entry = found.get(rep_id, {}).get(key)
    return entry.count if entry is not None else 0


def all_details(found: dict[int, dict[str, Any]]) -> str:
    return "\n".join(
        line for entries in found.values() for e in entries.values() for line in e.details
    )


def spec_of(key: str) -> ModuleSpec:
    from lianxin.modules.registry import current_registry

    return current_registry().get(key)


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement the database receives inside the block."""
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    # On PostgreSQL the tests bind the session to one connection of a shared engine.
    bind = db.session.get_bind()
    engine = getattr(bind, "engine", bind)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)
