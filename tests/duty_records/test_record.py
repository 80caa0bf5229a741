"""The batch (one call a part for the whole roster), the constructive suggestion over the
term, the term record, and `township_scores` for the awards."""

from __future__ import annotations

from datetime import date

from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, WeightInput
from tests.duty_records.conftest import CALLS, add, shanghai
from tests.factories import make_represented


def test_list_calls_each_part_once_whatever_the_roster(world, clock, people, office, tctx):
    clock.today = clock.today.replace(year=2027)
    service.list_records(office, tctx, 2027)
    small = list(CALLS)
    # one call for the year, one for the term's suggestions (2026–2027), whole roster each
    assert [(c[0], c[1].year, c[2]) for c in small] == [
        (clock.today.replace(month=1, day=1), 2028, 6),
        (clock.today.replace(year=2026, month=1, day=1), 2028, 6),
    ]
    CALLS.clear()
    make_represented(world.township, 10, "dr.more", name="另一代表")
    listing = service.list_records(office, tctx, 2027)
    assert len(listing.records) == 16
    assert len(CALLS) == len(small) and all(c[2] == 16 for c in CALLS)
    CALLS.clear()
    service.list_records(office, tctx, 2026)  # the term's first year: one call is enough
    assert [(c[0].year, c[2]) for c in CALLS] == [(2026, 16)]


def test_parts_in_registry_order_with_details(world, clock, people, office, tctx):
    reps, _users = people
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 3, 9, 10), times=2)
    record = service.get_record(office, tctx, reps[0].id, 2026)
    keys = [p.key for p in record.parts]
    assert "dutytest" in keys  # in registry order (a core part may come after it)
    part = record.parts[keys.index("dutytest")]
    assert [ln.key for ln in part.lines] == [
        "dutytest.visits",
        "dutytest.suggestions",
        "dutytest.missed",
        "dutytest.leave",
    ]
    assert part.lines[0].details == ("03月09日 记录1", "03月09日 记录2")
    assert part.lines[0].unit == "次"


def test_suggestion_in_the_term_not_in_the_previous(world, clock, people, office, tctx):
    reps, _users = people
    # Default term: five years from 2021 → 2026 opens a new term (2026–2030).
    add(tctx, reps[0], "dutytest.suggestions", shanghai(2026, 1, 1, 0, 0))
    add(tctx, reps[1], "dutytest.suggestions", shanghai(2025, 12, 31, 23, 59))
    assert service.get_record(office, tctx, reps[0].id, 2026).has_suggestion
    assert not service.get_record(office, tctx, reps[1].id, 2026).has_suggestion
    # In 2025 (term 2021–2025) it counts.
    assert service.get_record(office, tctx, reps[1].id, 2025).has_suggestion


def test_term_record_sums_years_and_averages_scores(
    world, clock, people, office, county_admin, tctx
):
    reps, _users = people
    clock.today = date(2025, 3, 1)  # the formula set in 2025: in force in 2025 and 2026
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(10, 100)}, term_first_year=2025),
    )
    clock.today = date(2026, 5, 20)
    add(tctx, reps[0], "dutytest.visits", shanghai(2025, 6, 1, 9), times=8)  # 80
    add(tctx, reps[0], "dutytest.visits", shanghai(2026, 2, 1, 9), times=4)  # 40
    add(tctx, reps[0], "dutytest.suggestions", shanghai(2025, 6, 1, 9))  # +5 in 2025
    term = service.get_term_record(office, tctx, reps[0].id, 2026)
    assert term.years == (2025, 2026) and term.term_years == (2025, 2029)
    assert dict(term.year_scores) == {2025: 85, 2026: 40}
    assert term.score.total == 62.5 and not term.flagged
    visits = next(ln for ln in term.lines if ln.key == "dutytest.visits")
    assert visits.count == 12 and len(visits.details) == 12
    assert term.has_suggestion


def test_township_scores_best_first_outside_a_request(world, clock, people, county_admin):
    reps, _users = people
    service.set_formula(
        county_admin,
        world.county,
        FormulaInput(items={"dutytest.visits": WeightInput(10, 100)}, inactive_below=30),
    )
    add(world.township, reps[2], "dutytest.visits", shanghai(2026, 3, 1, 9), times=5)
    add(world.township, reps[4], "dutytest.visits", shanghai(2026, 3, 1, 9), times=3)
    scores = service.township_scores(world.township, 2026)  # no tenant context entered here
    assert [s.representative_id for s in scores[:2]] == [reps[2].id, reps[4].id]
    top = scores[0]
    assert (top.name, top.score, top.flagged) == (reps[2].name, 50, False)
    assert scores[1].score == 30 and not scores[1].flagged
    assert all(s.flagged for s in scores[2:]) and len(scores) == 6


def test_ended_before_the_year_is_not_on_the_roster(world, clock, people, office, tctx):
    from datetime import date

    from lianxin.db import db
    from lianxin.people.models import Representative

    reps, _users = people
    rep = db.session.get(Representative, (tctx.id, reps[0].id))
    rep.status, rep.ended_on = "ended", date(2025, 12, 31)
    rep2 = db.session.get(Representative, (tctx.id, reps[1].id))
    rep2.status, rep2.ended_on = "ended", date(2026, 1, 1)
    db.session.commit()
    ids = {r.representative_id for r in service.list_records(office, tctx, 2026).records}
    assert reps[0].id not in ids and reps[1].id in ids
