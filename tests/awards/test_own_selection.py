"""A township's own selection (乡镇评先) through the use cases, and the real chain behind the
county's best representatives: the duty record's scores → the county's rollup refresh → the
county's candidates (no planted rollup).

The township's office opens one selection a year; its candidates are its representatives by
the duty record's scores, its stations and units by its own rollup rows, its items adopted in
the year; the committee chooses N winners, not N+1, each with a reason; closed, it is the
township's honour roll. Another township's selection and candidates are not found; the county's
lists and lookups never show a township's selection."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from lianxin.awards import service
from lianxin.awards.errors import AwardRuleBroken
from lianxin.awards.inputs import ChoiceInput, SelectionInput
from lianxin.awards.models import Adoption, Candidate, Selection
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from tests.factories import actor, make_represented

REASON = ChoiceInput(reason="履职突出")
LONG_AGO = datetime(2024, 12, 1, tzinfo=UTC)


def _reps(township: Township, prefix: str, adoptions: list[int]) -> list[int]:
    """Representatives registered before 2025, the i-th with `adoptions[i]` items of theirs
    the office marked adopted in 2025 (each weighs on the duty record's score)."""
    made, _users = make_represented(township, len(adoptions), prefix)
    with tenant_context(township.id):
        ids = [r.id for r in made]
        db.session.execute(
            update(Representative).where(Representative.id.in_(ids)).values(created_at=LONG_AGO)
        )
        n = 0
        for rep_id, count in zip(ids, adoptions, strict=True):
            for _i in range(count):
                n += 1
                db.session.add(
                    Adoption(
                        kind="proposal",
                        item_id=900 + rep_id * 10 + n,
                        title=f"{township.name}代表{rep_id}的建议{n}",
                        representative_id=rep_id,
                        adopted_by="committee",
                        adopted_on=date(2025, 5, n),
                        note="",
                    )
                )
        db.session.commit()
    return ids


def _open(office, township, year=2025, **quotas):
    with tenant_context(township.id):
        return service.open_own_selection(
            office, township, SelectionInput(year, f"{township.name}{year}年度评先", **quotas)
        )


def _candidates(township, selection_id) -> list[Candidate]:
    with tenant_context(township.id):
        return list(
            db.session.scalars(
                select(Candidate)
                .where(Candidate.selection_id == selection_id)
                .order_by(Candidate.category, Candidate.rank, Candidate.id)
            )
        )


# --- the real chain: duty record → county rollup → the county's candidate --------------------


def test_the_countys_representative_candidates_come_from_the_refreshed_duty_scores(
    world, clock, county_admin
):
    from lianxin.county import periods
    from lianxin.county import service as county

    db.session.execute(
        update(Township).where(Township.id == world.township.id).values(created_at=LONG_AGO)
    )
    db.session.commit()
    best, second, _none = _reps(world.township, "aw.chain", [2, 1, 0])
    township = db.session.get(Township, world.township.id)
    county.refresh_township(township, [periods.year(2025)])
    db.session.commit()

    selection = service.open_selection(
        county_admin, world.county, SelectionInput(2025, "2025年度四十佳")
    )
    service.gather_candidates(county_admin, world.county, selection.id)
    roll = service.selection_roll(county_admin, world.county, selection.id)
    reps = roll.candidates["representative"]
    assert [c.entity_id for c in reps][:2] == [best, second]
    scores = {s.representative_id: s.score for s in _scores(township)}
    assert reps[0].value == scores[best] > reps[1].value == scores[second]
    assert reps[0].summary.startswith("代表履职积分") or reps[0].summary.startswith("履职积分")


def _scores(township):
    from lianxin.duty_records import service as duty_records

    return duty_records.township_scores(township, 2025)


# --- the township's own selection ------------------------------------------------------------


@pytest.fixture
def stocked(world, scene):
    """Three representatives of 甲镇 scored 2025 (two, one, no adopted items); 乙镇 two."""
    return {
        "t": _reps(world.township, "aw.own", [2, 1, 0]),
        "o": _reps(world.other, "aw.own.o", [1, 0]),
    }


def test_one_own_selection_a_year_per_township_beside_the_countys(
    world, scene, office, other_office, county_admin
):
    county = service.open_selection(county_admin, world.county, SelectionInput(2025, "县评"))
    mine = _open(office, world.township)
    theirs = _open(other_office, world.other)  # another township, the same year: its own
    assert mine.township_id == world.township.id and theirs.township_id == world.other.id
    with pytest.raises(AwardRuleBroken):
        _open(office, world.township)
    assert _open(office, world.township, year=2024).year == 2024
    # The county's lists and lookups never show a township's selection.
    assert [s.id for s in service.list_selections(county_admin, world.county)] == [county.id]
    with pytest.raises(NotFound):
        service.get_selection(county_admin, world.county, mine.id)
    with tenant_context(world.township.id):
        assert [s.id for s in service.open_selections(office, world.township)] == [county.id]
        assert {s.id for s in service.to_nominate(office, world.township)} == {county.id}


@pytest.mark.parametrize(
    "who", ["representative", "committee_member", "handling_unit", "county_admin", "other_admin"]
)
def test_only_the_townships_office_runs_its_selection(world, who):
    with pytest.raises((PermissionDenied, NotFound)):
        _open(actor(world.users[who]), world.township)
    assert _open(actor(world.users["township_admin"]), world.township).year == 2025


def test_candidates_are_the_townships_scores_rollups_and_adopted_items(
    world, scene, stocked, office
):
    selection = _open(office, world.township, quota_representative=1, quota_station=1)
    with tenant_context(world.township.id):
        counts = service.gather_own_candidates(office, world.township, selection.id)
    rows = _candidates(world.township, selection.id)
    assert {c.tenant_id for c in rows} == {world.township.id}
    reps = [c for c in rows if c.category == "representative"]
    # Twice the number, best first: the two best scores of 甲镇, none of 乙镇.
    assert [c.entity_id for c in reps] == stocked["t"][:2]
    stations = [c for c in rows if c.category == "station"]
    # 甲镇's own rollup rows of 2025, best first (乙镇 has the same figures: not taken).
    assert [c.value for c in stations] == [12, 8]
    assert [c.entity_id for c in stations] == [
        1000 * world.township.id + 1,
        1000 * world.township.id + 2,
    ]
    units = [c for c in rows if c.category == "unit"]
    assert [c.value for c in units] == [0.95, 0.9]
    suggestions = [c for c in rows if c.category == "suggestion"]
    assert len(suggestions) == 3 and all(c.kind == "proposal" for c in suggestions)
    assert counts["representative"] == 2 and counts["suggestion"] == 3
    # Gathering again replaces them.
    with tenant_context(world.township.id):
        service.gather_own_candidates(office, world.township, selection.id)
    assert len(_candidates(world.township, selection.id)) == len(rows)


def test_the_steps_and_n_winners_not_n_plus_one(world, scene, stocked, office):
    selection = _open(office, world.township, quota_representative=2)
    reps = lambda: [  # noqa: E731
        c for c in _candidates(world.township, selection.id) if c.category == "representative"
    ]
    with tenant_context(world.township.id):
        service.gather_own_candidates(office, world.township, selection.id)
        first = reps()[0]
        with pytest.raises(AwardRuleBroken, match="尚未确定"):
            service.choose_own(office, world.township, first.id, REASON)
        with pytest.raises(AwardRuleBroken, match="只能公布评选中"):
            service.close_own_selection(office, world.township, selection.id)
        service.start_own_choosing(office, world.township, selection.id)
        with pytest.raises(AwardRuleBroken, match="尚未评选出任何先进"):
            service.close_own_selection(office, world.township, selection.id)
        with pytest.raises(AwardRuleBroken):
            service.gather_own_candidates(office, world.township, selection.id)
        a, b, c = reps()[:3]
        service.choose_own(office, world.township, a.id, REASON)
        service.choose_own(office, world.township, b.id, REASON)  # N
        with pytest.raises(AwardRuleBroken, match="已经选满"):
            service.choose_own(office, world.township, c.id, REASON)  # N + 1
        service.unchoose_own(office, world.township, b.id)
        service.choose_own(office, world.township, c.id, ChoiceInput(reason="群众口碑好"))
        closed = service.close_own_selection(office, world.township, selection.id)
        assert closed.state == "closed"
        with pytest.raises(AwardRuleBroken):
            service.unchoose_own(office, world.township, a.id)
    roll = service.own_honour_roll(world.township)
    assert roll is not None and roll.selection.id == selection.id
    winners = roll.winners("representative")
    assert {w.id for w in winners} == {a.id, c.id}
    assert {w.reason for w in winners} == {"履职突出", "群众口碑好"}
    assert service.own_honour_roll(world.other) is None


def test_fixing_with_no_candidate_at_all_is_refused(world, office):
    selection = _open(office, world.township)
    with tenant_context(world.township.id), pytest.raises(AwardRuleBroken, match="尚无候选"):
        service.start_own_choosing(office, world.township, selection.id)
    assert db.session.get(Selection, selection.id).state == "open"


def test_another_townships_selection_and_candidates_are_not_found(
    world, scene, stocked, office, other_office, county_admin
):
    theirs = _open(other_office, world.other)
    with tenant_context(world.other.id):
        service.start_own_choosing(other_office, world.other, theirs.id)
    their_candidate = _candidates(world.other, theirs.id)[0]
    county = service.open_selection(county_admin, world.county, SelectionInput(2025, "县评"))
    with tenant_context(world.township.id):
        for call in (
            lambda: service.get_own_selection(office, world.township, theirs.id),
            lambda: service.own_roll(office, world.township, theirs.id),
            lambda: service.gather_own_candidates(office, world.township, theirs.id),
            lambda: service.start_own_choosing(office, world.township, theirs.id),
            lambda: service.close_own_selection(office, world.township, theirs.id),
            lambda: service.choose_own(office, world.township, their_candidate.id, REASON),
            lambda: service.unchoose_own(office, world.township, their_candidate.id),
            # The county's selection is not the township's own either.
            lambda: service.get_own_selection(office, world.township, county.id),
        ):
            with pytest.raises(NotFound):
                call()
        assert service.own_selections(office, world.township) == []
    assert not _candidates(world.other, theirs.id)[0].chosen


def test_an_adoption_stays_once_its_item_is_on_a_fixed_list(world, scene, stocked, office):
    """The office may take back a mark made in error while the list can still be gathered
    again, but not once the item is on a fixed list (choosing, or published): it would pull an
    item from under a winner and move the 采纳 line of the author's duty record."""
    selection = _open(office, world.township)
    with tenant_context(world.township.id):
        service.gather_own_candidates(office, world.township, selection.id)
        first = next(
            c for c in _candidates(world.township, selection.id) if c.category == "suggestion"
        )
        mark = db.session.scalar(
            select(Adoption).where(Adoption.kind == first.kind, Adoption.item_id == first.entity_id)
        )
        assert mark is not None
        # While the list is open the mark may go (gathering again leaves the item out) …
        service.unmark_adopted(office, world.township, mark.id)
        service.gather_own_candidates(office, world.township, selection.id)
        service.start_own_choosing(office, world.township, selection.id)  # … not once fixed.
        item = next(
            c for c in _candidates(world.township, selection.id) if c.category == "suggestion"
        )
        mark_of = lambda: db.session.scalar(  # noqa: E731
            select(Adoption).where(Adoption.kind == item.kind, Adoption.item_id == item.entity_id)
        )
        service.choose_own(office, world.township, item.id, REASON)
        mark = mark_of()
        assert mark is not None
        with pytest.raises(AwardRuleBroken, match="评选"):
            service.unmark_adopted(office, world.township, mark.id)
        assert mark_of() is not None
