"""The by-election's rules through its use cases: the six steps in order, the notice period
(N−1 refused, N accepted, on Shanghai dates near midnight), the candidate margin at its boundary,
the review, the sealed ballot (one per voter, nobody can tell who voted for whom), the count and
the elected on the roll; a setting moved in one township only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.by_elections import service
from lianxin.modules.by_elections.inputs import (
    AnnounceInput,
    BallotInput,
    ByElectionInputSchema,
    ByElectionReviewInputSchema,
    OpenInput,
    PaperCountInput,
    RecommendInput,
    ReviewInput,
    StepInput,
    TallyLine,
)
from lianxin.modules.by_elections.inputs import (
    ByElectionCandidateInputSchema as CandidateForm,
)
from lianxin.modules.by_elections.models import PooledBallot, Receipt, StepRecord
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor

from .conftest import TODAY, candidate

D = timedelta(days=1)


def _register(world, office, unit, *, seats=2, vacancies=True):
    return service.create_by_election(
        office,
        world.township,
        load_input(
            ByElectionInputSchema,
            {
                "title": "第十三届补选",
                "branch_id": unit.branch_id,
                "seats": seats,
                "term": 13,
                "term_ends_on": "2027-12-31",
                "registered_on": TODAY.isoformat(),
                "vacancy_ids": unit.vacancies if vacancies else [],
            },
        ),
    )


def _to_review(world, office, unit, clock, *, seats=2, candidates=3):
    """Registered, candidates signed up, nominated, all recommended, on notice (TODAY)."""
    e = _register(world, office, unit, seats=seats)
    ids = [
        service.add_candidate(
            office, world.township, e.id, load_input(CandidateForm, candidate(i))
        ).id
        for i in range(candidates)
    ]
    service.close_nomination(office, world.township, e.id, StepInput())
    service.recommend(office, world.township, e.id, RecommendInput(candidate_ids=ids))
    service.publish_notice(office, world.township, e.id, StepInput())
    return e, ids


def _reviewed(world, office, unit, clock, **kw):
    e, ids = _to_review(world, office, unit, clock, **kw)
    clock.today = TODAY + 5 * D
    for cid in ids:
        service.review_candidate(office, world.township, e.id, cid, ReviewInput(passed=True))
    service.close_review(office, world.township, e.id, StepInput())
    return e, ids


def test_steps_in_order_with_date_and_recorder(world, office, unit, clock):
    with tenant_context(world.township.id):
        e = _register(world, office, unit)
        # 推选 before 报名 has ended: refused, in order only.
        with pytest.raises(service.OutOfOrder):
            service.publish_notice(office, world.township, e.id, StepInput())
        with pytest.raises(ValidationFailed):  # fewer candidates than seats + 1
            service.close_nomination(office, world.township, e.id, StepInput())
        for i in range(3):
            service.add_candidate(
                office,
                world.township,
                e.id,
                load_input(CandidateForm, candidate(i)),
            )
        with pytest.raises(ValidationFailed) as future:
            service.close_nomination(office, world.township, e.id, StepInput(on=TODAY + D))
        assert "on" in future.value.errors
        service.close_nomination(office, world.township, e.id, StepInput(note="报名结束"))
        with pytest.raises(service.OutOfOrder):  # 报名 is closed
            service.add_candidate(
                office,
                world.township,
                e.id,
                load_input(CandidateForm, candidate(9)),
            )
        steps = service.steps_of(e)
        assert list(steps) == ["registration", "nomination"]
        assert steps["nomination"].on == TODAY
        assert steps["nomination"].recorded_by_id == world.users["township_staff"].id


def test_registration_checks_vacancies(world, office, unit, clock):
    with tenant_context(world.township.id):
        with pytest.raises(ValidationFailed) as many:
            _register(world, office, unit, seats=3)  # two vacancies
        assert "seats" in many.value.errors
        e = _register(world, office, unit, seats=2)
        assert {r.id for r in service.vacancies_of(e)} == set(unit.vacancies)
        assert service.open_vacancies(office, world.township) == []
        with pytest.raises(ValidationFailed):  # the same vacancies twice
            _register(world, office, unit, seats=1)


def test_notice_period_n_minus_one_refused_n_accepted(world, office, unit, clock):
    with tenant_context(world.township.id):
        e, ids = _to_review(world, office, unit, clock)
        assert e.notice_days == 5 and service.notice_ends_on(e) == TODAY + 5 * D
        clock.today = TODAY + 4 * D
        with pytest.raises(service.NoticeRunning):
            service.review_candidate(office, world.township, e.id, ids[0], ReviewInput(True))
        clock.today = TODAY + 5 * D
        service.review_candidate(office, world.township, e.id, ids[0], ReviewInput(True))
        with pytest.raises(service.NoticeRunning):  # the step's date inside the period
            service.close_review(office, world.township, e.id, StepInput(on=TODAY + 4 * D))
        with pytest.raises(ValidationFailed):  # not every candidate reviewed
            service.close_review(office, world.township, e.id, StepInput())


def test_notice_period_ends_at_shanghai_midnight(world, office, unit, clock, monkeypatch):
    from lianxin.casework.deadlines import SHANGHAI

    def at(utc):
        return lambda now=None: utc.astimezone(SHANGHAI).date()

    with tenant_context(world.township.id):
        e, ids = _to_review(world, office, unit, clock)
        end = TODAY + 5 * D
        # 23:59 in Shanghai on the last day of the notice (15:59 UTC): refused.
        before = datetime(end.year, end.month, end.day, tzinfo=UTC) - timedelta(hours=8, minutes=1)
        monkeypatch.setattr(deadlines, "shanghai_today", at(before))
        with pytest.raises(service.NoticeRunning):
            service.review_candidate(office, world.township, e.id, ids[0], ReviewInput(True))
        # 00:00 in Shanghai the next day (16:00 UTC the day before): accepted.
        monkeypatch.setattr(deadlines, "shanghai_today", at(before + timedelta(minutes=1)))
        service.review_candidate(office, world.township, e.id, ids[0], ReviewInput(True))


def test_review_failed_needs_a_reason(world, office, unit, clock):
    with pytest.raises(ValidationFailed) as bad:
        load_input(ByElectionReviewInputSchema, {"passed": False})
    assert "reason" in bad.value.errors
    assert load_input(ByElectionReviewInputSchema, {"passed": False, "reason": "不符合条件"}).reason


def test_margin_boundary(world, office, unit, clock):
    """2 seats at 40 %: 2.8 → 3 candidates needed; 2 passed refused, 3 accepted."""
    assert service.required_candidates(5, 40) == 7
    assert service.required_candidates(11, 40) == 16
    assert service.required_candidates(2, 0) == 3  # always more candidates than seats
    with tenant_context(world.township.id):
        e, ids = _to_review(world, office, unit, clock, candidates=3)
        clock.today = TODAY + 5 * D
        service.review_candidate(office, world.township, e.id, ids[0], ReviewInput(True))
        service.review_candidate(office, world.township, e.id, ids[1], ReviewInput(True))
        service.review_candidate(
            office, world.township, e.id, ids[2], ReviewInput(False, "组织关系不在本单位")
        )
        service.close_review(office, world.township, e.id, StepInput())
        with pytest.raises(service.MarginShort):
            service.open_election(office, world.township, e.id, OpenInput())
    with tenant_context(world.township.id):
        e2, _ids = _reviewed_fresh(world, office, unit, clock)
        service.open_election(office, world.township, e2.id, OpenInput())
        assert e2.state == "voting" and e2.margin_percent == 40


def _reviewed_fresh(world, office, unit, clock):
    """A second by-election (no vacancies) with three candidates passed."""
    clock.today = TODAY
    e = _register(world, office, unit, vacancies=False)
    ids = [
        service.add_candidate(
            office, world.township, e.id, load_input(CandidateForm, candidate(i))
        ).id
        for i in range(3)
    ]
    service.close_nomination(office, world.township, e.id, StepInput())
    service.recommend(office, world.township, e.id, RecommendInput(candidate_ids=ids))
    service.publish_notice(office, world.township, e.id, StepInput())
    clock.today = TODAY + 5 * D
    for cid in ids:
        service.review_candidate(office, world.township, e.id, cid, ReviewInput(True))
    service.close_review(office, world.township, e.id, StepInput())
    return e, ids


def test_margin_is_a_township_setting(world, office, unit, clock):
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        tenants.update_township_settings(
            admin, world.township, "by_elections", {"margin_percent": 60}
        )
        e, _ids = _reviewed(world, office, unit, clock)  # 2 seats, 3 candidates: 60 % needs 4
        with pytest.raises(service.MarginShort):
            service.open_election(office, world.township, e.id, OpenInput())
    with tenant_context(world.other.id):
        assert service.settings(world.other.id)["margin_percent"] == 40
    with tenant_context(world.township.id):
        assert service.settings(world.township.id)["margin_percent"] == 60


def _vote_online(world, office, unit, clock):
    e, ids = _reviewed(world, office, unit, clock)
    links = service.open_election(office, world.township, e.id, OpenInput(channel="online"))
    return e, ids, links


def test_secret_ballot_one_per_voter_sealed_then_tallies_only(world, office, unit, clock):
    with tenant_context(world.township.id):
        e, ids, links = _vote_online(world, office, unit, clock)
        assert len(links) == 8 and e.voters == 8
        plan = [[ids[0], ids[1]]] * 5 + [[ids[0], ids[2]]] * 2 + [[]]
        for link, chosen in zip(links, plan, strict=True):
            service.cast_by_link(world.township, link.token, BallotInput(candidate_ids=chosen))
        with pytest.raises(service.AlreadyVoted):
            service.cast_by_link(world.township, links[0].token, BallotInput([ids[2]]))
        with pytest.raises(ValidationFailed):  # more than the seats
            service.cast_by_link(world.township, links[1].token, BallotInput(ids))
        # What the database holds: receipts without choices, sealed ballots of one size.
        sealed = db.session.scalars(select(PooledBallot.sealed)).all()
        assert len(sealed) == 8 and len({len(s) for s in sealed}) == 1
        assert db.session.query(Receipt).count() == 8
        assert service.turnout(e) == 8
        service.close_and_count(office, world.township, e.id)
        assert db.session.query(PooledBallot).count() == 0  # no ballot survives the count
        votes = {c.id: (c.votes, c.elected) for c in service.ballot_candidates(e)}
        assert votes == {ids[0]: (7, True), ids[1]: (5, True), ids[2]: (2, False)}
        assert e.ballots == 8


def test_too_few_ballots_are_never_opened(world, office, unit, clock):
    with tenant_context(world.township.id):
        e, ids, links = _vote_online(world, office, unit, clock)
        for link in links[:4]:  # the minimum is 5
            service.cast_by_link(world.township, link.token, BallotInput([ids[0]]))
        service.close_and_count(office, world.township, e.id)
        assert e.withheld and all(c.votes is None for c in service.ballot_candidates(e))
        with pytest.raises(Conflict):
            service.announce(office, world.township, e.id, AnnounceInput())


def test_elected_join_the_roll_with_the_term(world, office, unit, clock):
    with tenant_context(world.township.id):
        e, ids = _reviewed(world, office, unit, clock)
        service.open_election(office, world.township, e.id, OpenInput(channel="paper"))
        with pytest.raises(ValidationFailed):  # more votes than ballots
            service.record_paper_count(
                office, world.township, e.id, PaperCountInput(6, [TallyLine(ids[0], 7)])
            )
        service.record_paper_count(
            office,
            world.township,
            e.id,
            PaperCountInput(8, [TallyLine(ids[0], 6), TallyLine(ids[1], 5), TallyLine(ids[2], 4)]),
        )
        with pytest.raises(ValidationFailed):  # before the election
            service.announce(office, world.township, e.id, AnnounceInput(on=TODAY))
        elected = service.announce(office, world.township, e.id, AnnounceInput())
        assert [c.id for c in elected] == ids[:2]
        reps = [
            db.session.get(Representative, (world.township.id, c.representative_id))
            for c in elected
        ]
        assert all(r.in_office and r.term == 13 and r.branch_id == unit.branch_id for r in reps)
        assert e.state == "announced" and service.held_between(TODAY, TODAY + 30 * D) == (1, 2)


def test_half_of_ballots_and_tie_at_the_last_seat(world, office, unit, clock):
    with tenant_context(world.township.id):
        e, ids = _reviewed(world, office, unit, clock)
        service.open_election(office, world.township, e.id, OpenInput(channel="paper"))
        # 8 ballots: 4 is not more than half; 6 and a tie of 5/5 for the second seat.
        service.record_paper_count(
            office,
            world.township,
            e.id,
            PaperCountInput(8, [TallyLine(ids[0], 6), TallyLine(ids[1], 5), TallyLine(ids[2], 5)]),
        )
        assert [c.elected for c in service.ballot_candidates(e)] == [True, False, False]


def test_step_dates_cannot_go_backwards(world, office, unit, clock):
    with tenant_context(world.township.id):
        e = _register(world, office, unit)
        for i in range(3):
            service.add_candidate(
                office,
                world.township,
                e.id,
                load_input(CandidateForm, candidate(i)),
            )
        with pytest.raises(ValidationFailed) as back:
            service.close_nomination(office, world.township, e.id, StepInput(on=TODAY - D))
        assert "on" in back.value.errors
        assert db.session.query(StepRecord).count() == 1


def test_register_export(world, office, unit, clock):
    with tenant_context(world.township.id):
        _register(world, office, unit)
        data = service.register_xlsx(office, world.township)
        assert data[:2] == b"PK"
