"""The awards' rules through the use cases: marking adopted items, the county's selection,
the townships' nominations, the committee's choice within each category's number, closing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.awards import service
from lianxin.awards.inputs import AdoptionInput, ChoiceInput, NominationInput, SelectionInput
from lianxin.awards.models import Adoption, Candidate, Selection
from lianxin.db import db
from lianxin.db.tenancy import county_context, tenant_context
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.notify.models import OutboxMessage
from tests.awards.conftest import ADOPTED_ON, TODAY
from tests.factories import actor

REASON = ChoiceInput(reason="履职突出")


def adopt(office, township, case_id, on=ADOPTED_ON):
    with tenant_context(township.id):
        return service.mark_adopted(
            office, township, AdoptionInput("case", case_id, "committee", on, "已采纳")
        )


def open_2025(admin, county, **quotas):
    return service.open_selection(admin, county, SelectionInput(2025, "2025年度四十佳", **quotas))


# --- 采纳 ---------------------------------------------------------------------------------------


def test_the_office_marks_a_closed_case_as_adopted_once(world, scene, office):
    mark = adopt(office, world.township, scene.cases["t"][0])
    assert (mark.kind, mark.item_id, mark.adopted_by) == ("case", scene.cases["t"][0], "committee")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "award.adopt"))
    assert entry is not None and entry.tenant_id == world.township.id
    with pytest.raises(service.AwardRuleBroken):
        adopt(office, world.township, scene.cases["t"][0])


def test_an_unanswered_case_or_another_townships_cannot_be_marked(world, scene, office):
    with pytest.raises(NotFound):
        adopt(office, world.township, scene.open_case)
    with pytest.raises(NotFound):
        adopt(office, world.township, scene.cases["o"][0])
    with tenant_context(world.other.id):
        assert db.session.scalars(select(Adoption)).all() == []


def test_only_the_office_marks(world, scene):
    rep = actor(world.users["representative"])
    with pytest.raises(PermissionDenied):
        adopt(rep, world.township, scene.cases["t"][0])


def test_the_adoption_day_may_be_today_not_tomorrow(world, scene, office, clock):
    with pytest.raises(ValidationFailed) as refused:
        adopt(office, world.township, scene.cases["t"][0], on=TODAY + timedelta(days=1))
    assert "adopted_on" in refused.value.errors
    assert adopt(office, world.township, scene.cases["t"][0], on=TODAY).adopted_on == TODAY


def test_a_kind_whose_module_is_off_is_not_offered(world, scene, office):
    with tenant_context(world.township.id):
        assert "proposal" not in service.kinds_on(world.township)
        with pytest.raises(NotFound):
            service.mark_adopted(
                office, world.township, AdoptionInput("proposal", 1, "committee", TODAY)
            )


def test_a_mark_is_taken_back_unless_nominated(world, scene, office, county_admin):
    first = adopt(office, world.township, scene.cases["t"][0])
    second = adopt(office, world.township, scene.cases["t"][1])
    with tenant_context(world.township.id):
        service.unmark_adopted(office, world.township, first.id)
    selection = open_2025(county_admin, world.county)
    with tenant_context(world.township.id):
        service.nominate(
            office, world.township, selection.id, NominationInput("case", second.item_id)
        )
        with pytest.raises(service.AwardRuleBroken):
            service.unmark_adopted(office, world.township, second.id)
        assert [a.id for a in db.session.scalars(select(Adoption))] == [second.id]


# --- the selection ------------------------------------------------------------------------------


def test_the_county_opens_one_selection_a_year(world, county_admin):
    selection = open_2025(county_admin, world.county)
    assert selection.quota("representative") == 10 and selection.state == "open"
    with pytest.raises(service.AwardRuleBroken):
        open_2025(county_admin, world.county)
    # Each township's office is told.
    told = db.session.scalars(
        select(OutboxMessage.tenant_id).where(OutboxMessage.dedupe_key.like("awards.opened:%"))
    ).all()
    assert set(told) == {world.township.id, world.other.id}


@pytest.mark.parametrize("who", ["township_admin", "county_viewer", "far_county_admin"])
def test_only_the_county_administrator_opens(world, who):
    with pytest.raises((NotFound, PermissionDenied)):
        open_2025(actor(world.users[who]), world.county)


def test_candidates_come_from_the_years_rollups_twice_the_number(world, scene, county_admin):
    selection = open_2025(county_admin, world.county, quota_representative=2, quota_station=1)
    counts = service.gather_candidates(county_admin, world.county, selection.id)
    assert counts == {"representative": 4, "station": 2, "unit": 4}
    roll = service.selection_roll(county_admin, world.county, selection.id)
    reps = roll.candidates["representative"]
    assert [c.value for c in reps] == [90, 90, 80, 80]
    assert {c.tenant_id for c in reps} == {world.township.id, world.other.id}
    # Gathering again replaces them.
    service.gather_candidates(county_admin, world.county, selection.id)
    assert service.selection_roll(county_admin, world.county, selection.id).total == 10


def test_a_rate_from_too_few_cases_is_not_a_candidate(world, scene, county_admin):
    from tests.awards.conftest import add_rollups

    add_rollups(world.county.id, world.township, "unit", "cases_on_time", [1.0])
    selection = open_2025(county_admin, world.county, metric_unit="cases_on_time")
    # n = 20 for rates in the scene; below the county's least number (5) it is left out.
    from lianxin.county.models import CountyEntityRollup

    with county_context(world.county.id):
        row = db.session.scalar(
            select(CountyEntityRollup).where(CountyEntityRollup.metric == "cases_on_time")
        )
        row.n = 4
        db.session.commit()
    assert service.gather_candidates(county_admin, world.county, selection.id)["unit"] == 0
    with county_context(world.county.id):
        row = db.session.scalar(
            select(CountyEntityRollup).where(CountyEntityRollup.metric == "cases_on_time")
        )
        row.n = 5
        db.session.commit()
    assert service.gather_candidates(county_admin, world.county, selection.id)["unit"] == 1


def test_choosing_before_the_candidates_are_fixed_is_refused(world, scene, county_admin):
    selection = open_2025(county_admin, world.county)
    service.gather_candidates(county_admin, world.county, selection.id)
    first = service.selection_roll(county_admin, world.county, selection.id).candidates[
        "representative"
    ][0]
    with pytest.raises(service.AwardRuleBroken):
        service.choose(county_admin, world.county, first.id, REASON)


def test_fixing_with_no_candidate_at_all_is_refused(world, county_admin):
    # No rollups and no nominations: nothing to choose from.
    selection = open_2025(county_admin, world.county)
    with pytest.raises(service.AwardRuleBroken):
        service.start_choosing(county_admin, world.county, selection.id)
    assert db.session.get(Selection, selection.id).state == "open"


def test_the_committee_chooses_n_winners_not_n_plus_one(world, scene, county_admin):
    selection = open_2025(county_admin, world.county, quota_representative=2)
    service.start_choosing(county_admin, world.county, selection.id)
    reps = service.selection_roll(county_admin, world.county, selection.id).candidates[
        "representative"
    ]
    assert len(reps) == 4
    service.choose(county_admin, world.county, reps[0].id, REASON)
    service.choose(county_admin, world.county, reps[1].id, ChoiceInput("群众评价好"))
    with pytest.raises(service.AwardRuleBroken):
        service.choose(county_admin, world.county, reps[2].id, REASON)
    # Another category keeps its own number (the default 10).
    stations = service.selection_roll(county_admin, world.county, selection.id).candidates[
        "station"
    ]
    for row in stations:
        service.choose(county_admin, world.county, row.id, REASON)
    # Taking one back frees its place.
    service.unchoose(county_admin, world.county, reps[0].id)
    service.choose(county_admin, world.county, reps[2].id, REASON)
    roll = service.selection_roll(county_admin, world.county, selection.id)
    assert roll.chosen_count("representative") == 2 and roll.chosen_count("station") == 4
    assert {c.reason for c in roll.winners("representative")} == {"群众评价好", "履职突出"}


@pytest.mark.parametrize("who", ["township_admin", "township_staff", "county_viewer"])
def test_a_township_role_or_a_viewer_cannot_choose(world, scene, county_admin, who):
    selection = open_2025(county_admin, world.county)
    service.start_choosing(county_admin, world.county, selection.id)
    row = service.selection_roll(county_admin, world.county, selection.id).candidates["unit"][0]
    with pytest.raises((NotFound, PermissionDenied)):
        service.choose(actor(world.users[who]), world.county, row.id, REASON)
    with county_context(world.county.id):
        assert not db.session.get(Candidate, row.id).chosen


def test_another_countys_candidate_is_not_found(world, scene, county_admin):
    selection = open_2025(county_admin, world.county)
    service.start_choosing(county_admin, world.county, selection.id)
    row = service.selection_roll(county_admin, world.county, selection.id).candidates["unit"][0]
    far = actor(world.users["far_county_admin"])
    with pytest.raises(NotFound):
        service.choose(far, world.far_county, row.id, REASON)


def test_closing_needs_a_winner_then_publishes_the_winners_only(world, scene, county_admin):
    selection = open_2025(county_admin, world.county)
    service.start_choosing(county_admin, world.county, selection.id)
    with pytest.raises(service.AwardRuleBroken):
        service.close_selection(county_admin, world.county, selection.id)
    assert service.honour_roll(world.county.id) is None
    row = service.selection_roll(county_admin, world.county, selection.id).candidates["station"][0]
    service.choose(county_admin, world.county, row.id, REASON)
    service.close_selection(county_admin, world.county, selection.id)
    roll = service.honour_roll(world.county.id)
    assert roll is not None and roll.total == 1 and roll.winners("station")[0].id == row.id
    with pytest.raises(service.AwardRuleBroken):
        service.choose(county_admin, world.county, row.id, REASON)
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "award.selection_close")
    )
    assert db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like("awards.published:%"))
    )


# --- nominations --------------------------------------------------------------------------------


def test_the_office_nominates_its_adopted_items_up_to_the_number(
    world, scene, office, county_admin
):
    marks = [adopt(office, world.township, case_id) for case_id in scene.cases["t"]]
    with tenant_context(world.township.id):
        assert marks[0].title.startswith(f"#{marks[0].item_id} ")
    selection = open_2025(county_admin, world.county, quota_suggestion=2)
    with tenant_context(world.township.id):
        for mark in marks[:2]:
            row = service.nominate(
                office, world.township, selection.id, NominationInput("case", mark.item_id)
            )
            assert row.tenant_id == world.township.id and row.nominated
        with pytest.raises(service.AwardRuleBroken):
            service.nominate(
                office, world.township, selection.id, NominationInput("case", marks[2].item_id)
            )
        with pytest.raises(service.AwardRuleBroken):  # the same item twice
            service.nominate(
                office, world.township, selection.id, NominationInput("case", marks[0].item_id)
            )
    roll = service.selection_roll(county_admin, world.county, selection.id)
    assert [c.name for c in roll.candidates["suggestion"]] == [
        "甲镇的诉求0",  # the honour roll's name leaves out the case's number
        "甲镇的诉求1",
    ]


def test_only_an_item_adopted_in_the_selections_year_is_nominated(
    world, scene, office, county_admin
):
    old = adopt(office, world.township, scene.cases["t"][0], on=date(2023, 5, 1))
    eve = adopt(office, world.township, scene.cases["t"][1], on=date(2025, 12, 31))
    first = adopt(office, world.township, scene.cases["t"][2], on=date(2026, 1, 1))
    selection = service.open_selection(county_admin, world.county, SelectionInput(2026, "2026年度"))
    with tenant_context(world.township.id):
        for mark in (old, eve):  # adopted in 2023, and on the last day of 2025
            with pytest.raises(service.AwardRuleBroken) as refused:
                service.nominate(
                    office, world.township, selection.id, NominationInput("case", mark.item_id)
                )
            assert refused.value.message == "只能推荐2026年度采纳的事项"
        row = service.nominate(
            office, world.township, selection.id, NominationInput("case", first.item_id)
        )
        assert row.entity_id == first.item_id
        # The form of the selection lists the year's adopted items only.
        assert [a.item_id for a in service.nominable(office, world.township, selection)] == [
            first.item_id
        ]
        db.session.rollback()


def test_an_item_not_adopted_cannot_be_nominated(world, scene, office, county_admin):
    selection = open_2025(county_admin, world.county)
    with tenant_context(world.township.id), pytest.raises(NotFound):
        service.nominate(
            office, world.township, selection.id, NominationInput("case", scene.cases["t"][0])
        )


def test_a_township_cannot_nominate_for_another(world, scene, office, other_office, county_admin):
    theirs = adopt(other_office, world.other, scene.cases["o"][0])
    selection = open_2025(county_admin, world.county)
    # 乙镇's adopted item, nominated by 甲镇: not found from 甲镇.
    with tenant_context(world.township.id), pytest.raises(NotFound):
        service.nominate(
            office, world.township, selection.id, NominationInput("case", theirs.item_id)
        )
    with tenant_context(world.other.id):
        row = service.nominate(
            other_office, world.other, selection.id, NominationInput("case", theirs.item_id)
        )
    # …nor withdraw 乙镇's nomination.
    with tenant_context(world.township.id), pytest.raises(NotFound):
        service.withdraw_nomination(office, world.township, row.id)
    with county_context(world.county.id):
        assert db.session.get(Candidate, row.id) is not None


def test_a_selection_of_another_county_is_not_found(world, scene, county_admin, office):
    far = service.open_selection(
        actor(world.users["far_county_admin"]), world.far_county, SelectionInput(2025, "远县")
    )
    mark = adopt(office, world.township, scene.cases["t"][0])
    with tenant_context(world.township.id), pytest.raises(NotFound):
        service.nominate(office, world.township, far.id, NominationInput("case", mark.item_id))


def test_nominations_close_when_the_candidates_are_fixed(world, scene, office, county_admin):
    marks = [adopt(office, world.township, case_id) for case_id in scene.cases["t"][:2]]
    selection = open_2025(county_admin, world.county)
    with tenant_context(world.township.id):
        row = service.nominate(
            office,
            world.township,
            selection.id,
            NominationInput("case", marks[0].item_id, "修路建议"),
        )
        row_id = row.id
    service.start_choosing(county_admin, world.county, selection.id)
    with tenant_context(world.township.id):
        with pytest.raises(service.AwardRuleBroken):
            service.nominate(
                office, world.township, selection.id, NominationInput("case", marks[1].item_id)
            )
        with pytest.raises(service.AwardRuleBroken):
            service.withdraw_nomination(office, world.township, row_id)
    # The county chooses the township's nomination like any candidate.
    chosen = service.choose(county_admin, world.county, row_id, REASON)
    with county_context(world.county.id):
        assert chosen.name == "修路建议" and chosen.category == "suggestion"


def test_the_to_do_line_waits_until_the_office_nominates(world, scene, office, county_admin):
    with tenant_context(world.township.id):
        assert service.to_nominate(office, world.township) == []
    selection = open_2025(county_admin, world.county)
    mark = adopt(office, world.township, scene.cases["t"][0])
    with tenant_context(world.township.id):
        assert [s.id for s in service.to_nominate(office, world.township)] == [selection.id]
        assert service.to_nominate(actor(world.users["representative"]), world.township) == []
        service.nominate(
            office, world.township, selection.id, NominationInput("case", mark.item_id)
        )
        assert service.to_nominate(office, world.township) == []


def test_adopted_items_by_year(world, scene, office):
    adopt(office, world.township, scene.cases["t"][0], on=date(2025, 12, 31))
    adopt(office, world.township, scene.cases["t"][1], on=date(2026, 1, 1))
    with tenant_context(world.township.id):
        assert [a.item_id for a in service.adopted_items(office, world.township, year=2025)] == [
            scene.cases["t"][0]
        ]
        assert len(service.adopted_items(office, world.township)) == 2
