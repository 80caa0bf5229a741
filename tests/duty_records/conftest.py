"""Fixtures of the duty-record tests: a test part (`dutytest`) declaring a DutySet whose
entries come from a list of events the test writes (representative, item, aware moment), read
in the township's context with the Shanghai day bounds; it counts its calls (the batch
proves one call a part whatever the roster). Switched on in every township of the world."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import require_tenant_id
from lianxin.modules.registry import (
    SHANGHAI,
    DutyEntry,
    DutyItem,
    DutySet,
    ModuleSpec,
    utc_bounds,
)
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, make_represented
from tests.helpers import Clock

TODAY = date(2026, 5, 20)

# (tenant_id, representative_id, item key, aware moment, detail)
EVENTS: list[tuple[int, int, str, datetime, str]] = []
CALLS: list[tuple[date, date, int]] = []  # (start, end, batch size) of each compute


def _compute(start: date, end: date, ids: Any) -> dict[int, dict[str, DutyEntry]]:
    tenant = require_tenant_id()  # called in the township's context
    CALLS.append((start, end, len(ids)))
    low, high = utc_bounds(start, end)
    wanted = set(ids)
    counts: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for tid, rep, key, moment, detail in EVENTS:
        if tid == tenant and rep in wanted and low <= moment < high:
            counts[rep][key].append(detail)
    return {
        rep: {key: DutyEntry(len(lines), tuple(lines)) for key, lines in items.items()}
        for rep, items in counts.items()
    }


DUTY = DutySet(
    items=(
        DutyItem("dutytest.visits", "走访群众", unit="次"),
        DutyItem("dutytest.suggestions", "提出建议", unit="条", suggestion=True),
        DutyItem("dutytest.missed", "值班缺岗", unit="次", kind="missed"),
        DutyItem("dutytest.leave", "经批准请假", unit="次", kind="info"),
    ),
    compute=_compute,
)

DUTY_TEST = ModuleSpec(key="dutytest", name="履职测试", duty=DUTY)


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def add(township: Any, rep: Any, key: str, moment: datetime, times: int = 1) -> None:
    for i in range(times):
        EVENTS.append((township.id, rep.id, key, moment, f"{moment:%m月%d日} 记录{i + 1}"))


@pytest.fixture(autouse=True)
def _test_part_defaults(monkeypatch):
    """The test part's work done weighs 5 points a unit, up to 15, by default (the defaults
    name the first-party items only; an item they do not name scores 0)."""
    from lianxin.duty_records.stages import formula

    weights = {
        **formula.DEFAULT_WEIGHTS,
        "dutytest.visits": (5, 15),
        "dutytest.suggestions": (5, 15),
    }
    monkeypatch.setattr(formula, "DEFAULT_WEIGHTS", weights)


@pytest.fixture(autouse=True)
def _events():
    EVENTS.clear()
    CALLS.clear()
    yield
    EVENTS.clear()
    CALLS.clear()


@pytest.fixture
def app_modules():
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, DUTY_TEST)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "dutytest").values(enabled=True)
    )
    db.session.commit()
    return built


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
def people(world):
    """(reps, users): six representatives with accounts in our township, registered on the
    platform in 2024 (a record starts with the year of registration)."""
    from lianxin.db.tenancy import tenant_context
    from lianxin.people.models import Representative

    reps, users = make_represented(world.township, 6, "dr.rep")
    with tenant_context(world.township.id):
        db.session.execute(
            update(Representative)
            .where(Representative.id.in_([r.id for r in reps]))
            .values(created_at=datetime(2024, 1, 1, tzinfo=SHANGHAI))
        )
        db.session.commit()
    return reps, users


@pytest.fixture
def tctx(world):
    from lianxin.db.tenancy import tenant_context

    with tenant_context(world.township.id):
        yield world.township
