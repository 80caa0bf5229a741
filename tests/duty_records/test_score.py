"""The score and how it was reached: count × points, the cap, deductions and their cap, the
clip at 0 and 100, the threshold at N−1/N, defaults when the county has set nothing."""

from __future__ import annotations

import pytest

from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, WeightInput
from tests.duty_records.conftest import add, shanghai


def _set(county_admin, world, **kwargs):
    items = {k: WeightInput(*v) for k, v in kwargs.pop("items", {}).items()}
    service.set_formula(county_admin, world.county, FormulaInput(items=items, **kwargs))


def _record(office, township, rep, year=2026):
    return service.get_record(office, township, rep.id, year)


def _visits(record):
    return next(ln for ln in record.lines if ln.key == "dutytest.visits").count


def test_defaults_cap_at_n_and_over(world, clock, people, office, tctx):
    reps, _users = people
    # Defaults: 5 points a visit, at most 15: 3 visits reach the cap exactly, 4 go over it.
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 3, 1, 9), times=3)
    add(tctx, reps[1], "dutytest.visits", shanghai(2026, 3, 1, 9), times=4)
    at_cap = _record(office, tctx, reps[0])
    line = next(ln for ln in at_cap.lines if ln.key == "dutytest.visits")
    assert (line.count, line.points, line.cap, line.raw, line.applied) == (3, 5, 15, 15, 15)
    assert not line.capped and at_cap.score.total == 15
    over = _record(office, tctx, reps[1])
    line = next(ln for ln in over.lines if ln.key == "dutytest.visits")
    assert line.raw == 20 and line.applied == 15 and line.capped
    assert "上限15分" in line.explain() and over.score.total == 15
    # Default threshold 60: both flagged.
    assert at_cap.flagged and over.flagged and at_cap.threshold == 60


def test_deduction_and_its_cap(world, clock, people, office, county_admin, tctx):
    reps, _users = people
    _set(county_admin, world, items={"dutytest.visits": (10, 100), "dutytest.missed": (4, 10)})
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 2, 1, 9), times=5)  # 50
    add(tctx, reps[0], "dutytest.missed", shanghai(2026, 2, 2, 9), times=2)  # −8
    add(tctx, reps[1], "dutytest.visits", shanghai(2026, 2, 1, 9), times=5)  # 50
    add(tctx, reps[1], "dutytest.missed", shanghai(2026, 2, 2, 9), times=3)  # −12 → −10
    first = _record(office, tctx, reps[0])
    assert (first.score.earned, first.score.deducted, first.score.total) == (50, 8, 42)
    second = _record(office, tctx, reps[1])
    missed = next(ln for ln in second.lines if ln.key == "dutytest.missed")
    assert missed.raw == 12 and missed.applied == 10 and missed.capped
    assert "扣分上限10分" in missed.explain()
    assert second.score.total == 40
    assert "加分合计50分 − 扣分合计10分 = 40分" in second.score.explain()


def test_clip_at_zero_and_at_hundred(world, clock, people, office, county_admin, tctx):
    reps, _users = people
    _set(
        county_admin,
        world,
        items={
            "dutytest.visits": (60, 100),
            "dutytest.suggestions": (50, 100),
            "dutytest.missed": (5, 15),
        },
    )
    add(tctx, reps[0], "dutytest.missed", shanghai(2026, 2, 2, 9), times=1)  # −5 → 0
    add(tctx, reps[1], "dutytest.visits", shanghai(2026, 2, 2, 9), times=1)  # 60
    add(tctx, reps[1], "dutytest.suggestions", shanghai(2026, 2, 2, 9), times=1)  # +50 → 100
    low = _record(office, tctx, reps[0])
    assert low.score.raw == -5 and low.score.total == 0 and low.score.clipped == "low"
    assert "低于0分按0分计" in low.score.explain()
    high = _record(office, tctx, reps[1])
    assert high.score.raw == 110 and high.score.total == 100 and high.score.clipped == "high"
    assert "超过100分按100分计" in high.score.explain()
    exact = service.score_of([ln for ln in high.lines if ln.key != "dutytest.suggestions"])
    assert exact.total == 60 and exact.clipped == ""


@pytest.mark.parametrize("visits, flagged", [(9, True), (10, False)])
def test_threshold_n_minus_one_and_n(
    world, clock, people, office, county_admin, tctx, visits, flagged
):
    reps, _users = people
    _set(county_admin, world, items={"dutytest.visits": (1, 100)}, inactive_below=10)
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 4, 1, 9), times=visits)
    record = _record(office, tctx, reps[0])
    assert record.score.total == visits and record.flagged is flagged


def test_shanghai_year_boundary(world, clock, people, office, tctx):
    reps, _users = people
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 12, 31, 23, 59))
    add(tctx, reps[1], "dutytest.visits", shanghai(2027, 1, 1, 0, 0))
    clock.today = clock.today.replace(year=2027)
    assert _visits(_record(office, tctx, reps[0], 2026)) == 1
    assert _visits(_record(office, tctx, reps[0], 2027)) == 0
    assert _visits(_record(office, tctx, reps[1], 2026)) == 0
    assert _visits(_record(office, tctx, reps[1], 2027)) == 1


def test_switched_off_part_contributes_nothing(world, clock, people, office, tctx):
    from sqlalchemy import update

    from lianxin.db import db
    from lianxin.tenants.models import TownshipModule

    reps, _users = people
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 3, 1, 9))
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "dutytest", TownshipModule.township_id == tctx.id)
        .values(enabled=False)
    )
    db.session.commit()
    from lianxin.tenants.stages import modules

    modules._forget_module_rows()
    record = _record(office, tctx, reps[0])
    assert "dutytest" not in {p.key for p in record.parts}
    assert not any(ln.key.startswith("dutytest.") for ln in record.lines)


def test_formula_per_county_only(world, clock, people, office, county_admin, tctx):
    """A weight the county sets applies to its townships, not to another county's."""
    _set(county_admin, world, items={"dutytest.visits": (7, 70)})
    assert service.get_formula(world.county.id).weights["dutytest.visits"].points == 7
    far = service.get_formula(world.far_county.id)
    assert far.is_default and "dutytest.visits" not in far.weights


def test_a_line_shown_only_is_never_scored_nor_weighed(
    world, clock, people, office, county_admin, tctx
):
    """Approved leave (kind "info") is on the record, scores nothing, and the county's formula
    neither lists it nor accepts a weight for it."""
    from lianxin.errors import ValidationFailed

    reps, _users = people
    add(tctx, reps[0], "dutytest.leave", shanghai(2026, 4, 1, 9), times=3)
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 4, 2, 9), times=1)
    record = _record(office, tctx, reps[0])
    leave = next(ln for ln in record.lines if ln.key == "dutytest.leave")
    assert leave.count == 3 and leave.applied == 0 and "不计分" in leave.explain()
    assert record.score.earned == 5 and record.score.deducted == 0
    assert "dutytest.leave" not in {item.key for _part, item in service.all_items()}
    with pytest.raises(ValidationFailed):
        _set(county_admin, world, items={"dutytest.leave": (10, 30)})
