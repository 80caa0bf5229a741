"""Fixtures of the awards' tests: the world (甲县 with 甲镇 and 乙镇, 远县 with 远镇), a fixed
Shanghai clock, closed cases with answers in 甲镇 and 乙镇 (what the office marks as adopted),
and the county's 2025 rollups of representatives, stations and units (what the county ranks)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lianxin.casework import deadlines
from lianxin.casework.models import Case, CaseState
from lianxin.county.models import CountyEntityRollup
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import Township
from tests.factories import actor
from tests.helpers import Clock

TODAY = date(2026, 1, 15)
# The day the tests mark an item adopted when they nominate it: in 2025, the year of the
# selection they open (a selection takes the items adopted in its own year only).
ADOPTED_ON = date(2025, 9, 1)


@dataclass
class Scene:
    cases: dict[str, list[int]] = field(default_factory=dict)  # "t" / "o": closed, answered
    open_case: int = 0  # of 甲镇, not answered yet


def _case(n: int, title: str, **extra: Any) -> Case:
    return Case(
        tracking_hash=hashlib.sha256(f"aw{title}{n}".encode()).hexdigest(),
        channel="paper",
        category="other",
        title=title,
        body=title,
        created_at=datetime(2025, 5, 1, 2, tzinfo=UTC),
        **extra,
    )


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(TODAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@pytest.fixture
def county_admin(world):
    return actor(world.users["county_admin"])


@pytest.fixture
def other_office(world):
    return actor(world.users["other_admin"])


def add_rollups(county_id: int, township: Township, kind: str, metric: str, values: list[float]):
    """The county's 2025 figures of `kind` in one township (as the refresh writes them)."""
    with tenant_context(township.id):
        for i, value in enumerate(values, start=1):
            db.session.add(
                CountyEntityRollup(
                    county_id=county_id,
                    tenant_id=township.id,
                    period="2025",
                    kind=kind,
                    entity_id=1000 * township.id + i,
                    metric=metric,
                    name=f"{township.name}{kind}{i}",
                    value=value,
                    n=int(value) if value >= 1 else 20,
                )
            )
        db.session.commit()


@pytest.fixture
def scene(world, clock) -> Scene:
    found = Scene()
    n = 0
    for key, township in (("t", world.township), ("o", world.other)):
        with tenant_context(township.id):
            rows = []
            for i in range(3):
                n += 1
                rows.append(
                    _case(
                        n,
                        f"{township.name}的诉求{i}",
                        state=CaseState.FEEDBACK_GIVEN,
                        answer="已按建议解决",
                        answered_at=datetime(2025, 6, 1, 2, tzinfo=UTC),
                    )
                )
            db.session.add_all(rows)
            if key == "t":
                pending = _case(99, "尚未答复", state=CaseState.RECEIVED)
                db.session.add(pending)
            db.session.flush()
            found.cases[key] = [r.id for r in rows]
            if key == "t":
                found.open_case = pending.id
            db.session.commit()
    county_id = world.county.id
    for township in (world.township, world.other):
        add_rollups(county_id, township, "representative", "duty_score", [90, 80, 70])
        add_rollups(county_id, township, "station", "stations_meetings", [12, 8])
        add_rollups(county_id, township, "unit", "cases_satisfaction", [0.95, 0.9])
    return found
