"""The county side: the township figures (median, mean, inactive share, score bands) and the
representatives' scores written by the rollup refresh, read back only from the rollups; a
township ranked only with at least the minimum sample (N−1 listed, N ranked)."""

from __future__ import annotations

import pytest

from lianxin.county import periods as P
from lianxin.county import service as county_service
from lianxin.db import db
from lianxin.db.tenancy import county_context
from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, WeightInput
from lianxin.duty_records.stages.county import distribution
from tests.county.test_rollup_only import statements, tables_in
from tests.duty_records.conftest import add, shanghai
from tests.factories import actor, make_represented

TENANT_TABLES = None


def _refresh(world, *periods):
    for township in (world.township, world.other):
        county_service.refresh_township(township, [P.parse(p) for p in periods])
    db.session.commit()


@pytest.fixture
def scored(world, clock, people, county_admin):
    """Our township: scores 90, 80, 70, 50, 0, 0 (10 points a visit); the other: 3 reps."""
    reps, _users = people
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(10, 100)}, min_sample=6),
    )
    db.session.commit()
    for rep, times in zip(reps, (9, 8, 7, 5), strict=False):
        add(world.township, rep, "dutytest.visits", shanghai(2026, 3, 1, 9), times=times)
    others, _u = make_represented(world.other, 3, "dr.other")
    add(world.other, others[0], "dutytest.visits", shanghai(2026, 3, 1, 9), times=10)
    _refresh(world, "2026", "2026-Q1")
    return reps, others


def test_township_figures_in_the_rollups(world, scored, county_admin):
    result = county_service.comparison(county_admin, world.county, "2026")
    cell = result.cell(world.township.id, "duty_score_median")
    assert (cell.value, cell.n) == (60.0, 6)  # (70 + 50) / 2
    assert result.cell(world.township.id, "duty_score_mean").value == pytest.approx(48.33, 0.01)
    assert result.cell(world.township.id, "duty_inactive_share").value == pytest.approx(0.5)
    bands = {
        k: result.cell(world.township.id, k).value
        for k in ("duty_band_lt60", "duty_band_60_79", "duty_band_80_89", "duty_band_90_plus")
    }
    assert bands == {
        "duty_band_lt60": 3,
        "duty_band_60_79": 1,
        "duty_band_80_89": 1,
        "duty_band_90_plus": 1,
    }
    quarter = county_service.comparison(county_admin, world.county, "2026-Q1")
    assert quarter.cell(world.township.id, "duty_score_median").value is None  # a year only


def test_representatives_ranked_across_townships(world, scored, county_admin):
    reps, others = scored
    metric, entries, _m, available = county_service.entity_ranking(
        county_admin, world.county, "2026", "representative", "duty_score"
    )
    assert "duty_score" in available and metric == "duty_score"
    assert [(e.name, e.score, e.township_name) for e in entries[:2]] == [
        (others[0].name, 100.0, world.other.name),
        (reps[0].name, 90.0, world.township.name),
    ]
    assert entries[0].rank == 1 and entries[1].rank == 2


@pytest.mark.parametrize("minimum, ranked", [(6, True), (7, False)])
def test_minimum_sample_n_and_n_plus_one(world, scored, county_admin, minimum, ranked):
    service.set_formula(county_admin, world.county, FormulaInput(min_sample=minimum))
    db.session.commit()
    with county_context(world.county.id):
        result = distribution(county_admin, world.county, 2026)
    ours = next(r for r in result.rows if r.township.id == world.township.id)
    other = next(r for r in result.rows if r.township.id == world.other.id)
    assert other.rank is None and "不足" in other.reason  # 3 scored
    if ranked:
        assert ours.rank == 1 and ours.reason is None
    else:
        assert ours.rank is None and "计分代表不足7人" in ours.reason


def test_county_reads_only_rollups(world, scored, county_admin):
    from lianxin.db.base import tenant_tables

    names = {t.name for t in tenant_tables()}
    with county_context(world.county.id), statements() as seen:
        distribution(county_admin, world.county, 2026)
        service.read_formula(county_admin, world.county)
    assert not tables_in(seen) & names


def test_a_township_role_cannot_read_the_distribution(world, scored):
    from lianxin.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        distribution(actor(world.users["township_admin"]), world.county, 2026)
