"""The annual-session rules with 应到 of 100: quorum at 79 and 80 present, passing at 50 and 51
yes, agenda rules at 9 and 10 co-proposers and at one and two groups; secret ballots (sealed
when cast, released by the worker at 2K holding K back, counted after the close only from K
ballots, K frozen when the vote is created), paper tallies, elections and resolutions — on
SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect, select, text

from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import (
    BallotInput,
    HandsInput,
    ItemInput,
    ResolutionInput,
    TallyInput,
    VoteInput,
)
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Ballot,
    ItemStatus,
    PooledBallot,
    Receipt,
    SessionState,
    VoteState,
)
from tests.factories import actor
from tests.modules.annual_sessions.conftest import SESSION_DAY


def _item(cast, tctx, who, proposer="representatives", **extra):
    data = {"title": f"议题{uuid.uuid4().hex[:6]}", "kind": "motion", "proposer": proposer, **extra}
    return service.propose_item(who, tctx, cast.session, ItemInput(**data))


def test_agenda_rule_at_nine_and_ten_joint_proposers(clock, cast, tctx):
    item = _item(cast, tctx, cast.actors[2])
    for i in range(3, 11):  # nine in all
        service.join_item(cast.actors[i], tctx, item.id)
    assert item.status == ItemStatus.PROPOSED and not item.by_rule
    service.join_item(cast.actors[11], tctx, item.id)  # the tenth
    assert item.status == ItemStatus.ON_AGENDA and item.by_rule
    with pytest.raises(Conflict):
        service.join_item(cast.actors[11], tctx, item.id)


def test_agenda_rule_at_one_and_two_groups(clock, cast, tctx):
    item = _item(cast, tctx, cast.actors[0], proposer="group", group_id=cast.groups[0])
    assert item.status == ItemStatus.PROPOSED
    with pytest.raises(PermissionDenied):  # not a leader of the second group
        service.join_item_as_group(cast.actors[5], tctx, item.id, cast.groups[1])
    service.join_item_as_group(cast.actors[1], tctx, item.id, cast.groups[1])
    assert item.status == ItemStatus.ON_AGENDA and item.by_rule


def test_the_committee_decides_the_rest_with_a_reason_and_then_the_agenda_is_fixed(
    clock, cast, tctx, office, world
):
    committee = actor(world.users["committee_member"])
    ours = _item(cast, tctx, committee, proposer="committee", kind="report", title="党委工作报告")
    lone = _item(cast, tctx, cast.actors[4])
    with pytest.raises(Conflict):  # undecided items left
        service.fix_agenda(office, tctx, cast.session)
    with pytest.raises(ValidationFailed):
        service.decide_item(committee, tctx, lone.id, accept=False)
    service.decide_item(committee, tctx, lone.id, accept=False, reason="属于镇政府日常工作")
    service.decide_item(committee, tctx, ours.id, accept=True)
    session = service.fix_agenda(office, tctx, cast.session)
    assert session.state == SessionState.AGENDA_FIXED
    with pytest.raises(Conflict) as closed:  # changing the agenda after it is fixed
        _item(cast, tctx, cast.actors[5])
    assert closed.value.code == "agenda_closed"
    with pytest.raises(Conflict):
        service.decide_item(committee, tctx, lone.id, accept=True)


def test_items_close_ten_days_before(clock, cast, tctx):
    from datetime import date

    clock.today = date(2026, 3, 11)  # 9 days before the session
    with pytest.raises(Conflict) as late:
        _item(cast, tctx, cast.actors[2])
    assert late.value.code == "agenda_closed"


def _fixed(cast, tctx, office, world, kinds=("motion", "motion")):
    committee = actor(world.users["committee_member"])
    made = []
    for n, kind in enumerate(kinds):
        item = _item(cast, tctx, committee, proposer="committee", kind=kind, title=f"议题{n}")
        service.decide_item(committee, tctx, item.id, accept=True)
        made.append(item)
    service.fix_agenda(office, tctx, cast.session)
    return made


def _present(cast, tctx, indexes):
    for i in indexes:
        db.session.add(
            Attendance(
                session_id=cast.session,
                representative_id=cast.reps[i],
                status=AttendanceStatus.PRESENT,
            )
        )
    db.session.commit()


def test_quorum_at_79_and_80_present(clock, cast, tctx, office, world):
    _fixed(cast, tctx, office, world)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(20, 99))  # 79
    roll = service.roll(tctx, service.get_session(office, tctx, cast.session))
    assert (roll.expected, roll.present, roll.quorum_needed) == (100, 79, 80)
    with pytest.raises(Conflict) as below:
        service.open_session(office, tctx, cast.session)
    assert below.value.code == "quorum_not_met"
    assert service.get_session(office, tctx, cast.session).state == SessionState.AGENDA_FIXED
    service.self_check_in(
        cast.actors[0],
        tctx,
        cast.session,
        service.get_session(office, tctx, cast.session).checkin_token,
    )
    assert service.open_session(office, tctx, cast.session).state == SessionState.OPEN


def test_leave_and_check_in_rules(clock, cast, tctx, office, world):
    service.request_leave(cast.actors[3], tctx, cast.session, "外出学习")
    service.decide_leave(office, tctx, cast.session, cast.reps[3], approve=True)
    _fixed(cast, tctx, office, world)
    with pytest.raises(Conflict):  # not the day yet
        service.check_in(office, tctx, cast.session, cast.reps[5])
    clock.today = SESSION_DAY
    with pytest.raises(NotFound):
        service.self_check_in(cast.actors[5], tctx, cast.session, "wrong-code")
    service.check_in(office, tctx, cast.session, cast.reps[5])
    with pytest.raises(Conflict):
        service.check_in(office, tctx, cast.session, cast.reps[5])
    roll = service.roll(tctx, service.get_session(office, tctx, cast.session))
    assert (roll.present, roll.on_leave, roll.absent) == (1, 1, 98)


def _opened(clock, cast, tctx, office, world, kinds=("motion", "motion")):
    """Items proposed and decided in time, then on the day 80 present and the session open."""
    made = _fixed(cast, tctx, office, world, kinds)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(0, 80))
    service.open_session(office, tctx, cast.session)
    return made


def test_passing_needs_more_than_half_of_expected_not_present(clock, cast, tctx, office, world):
    first, second = _opened(clock, cast, tctx, office, world)
    vote = service.create_vote(office, tctx, first.id, VoteInput(method="hands"))
    with pytest.raises(ValidationFailed):  # more than present
        service.record_hands(office, tctx, vote.id, HandsInput(yes=60, no=30, abstain=0))
    service.record_hands(office, tctx, vote.id, HandsInput(yes=50, no=20, abstain=10))
    assert vote.passed is False  # 50 of 80 present, but not more than half of 应到 100
    other = service.create_vote(office, tctx, second.id, VoteInput(method="hands"))
    service.record_hands(office, tctx, other.id, HandsInput(yes=51, no=20, abstain=9))
    assert other.passed is True
    with pytest.raises(Conflict) as late:
        service.record_hands(office, tctx, other.id, HandsInput(yes=1, no=0, abstain=0))
    assert late.value.code == "vote_closed"


def test_elections_and_personnel_items_must_be_secret(clock, cast, tctx, office, world):
    (election,) = _opened(clock, cast, tctx, office, world, kinds=("election",))
    with pytest.raises(ValidationFailed) as refused:
        service.create_vote(office, tctx, election.id, VoteInput(method="hands"))
    assert "method" in refused.value.errors
    with pytest.raises(ValidationFailed) as equal:  # 差额: more candidates than seats
        service.create_vote(
            office, tctx, election.id, VoteInput(method="secret", seats=2, candidates=["甲", "乙"])
        )
    assert "candidates" in equal.value.errors


def test_secret_ballot_online_once_per_representative_and_tally_only_after_close(
    clock, cast, tctx, office, world
):
    (item,) = _opened(clock, cast, tctx, office, world, kinds=("personnel",))
    vote = service.create_vote(office, tctx, item.id, VoteInput(method="secret", channel="online"))
    assert vote.min_ballots == 5 and vote.seal_salt  # K and the vote's own key, frozen
    choices = ["yes", "yes", "no", "yes", "abstain", "yes", "no"]
    for i, choice in enumerate(choices):
        service.cast_secret(cast.actors[i], tctx, vote.id, BallotInput(choice=choice))
    with pytest.raises(Conflict) as twice:
        service.cast_secret(cast.actors[0], tctx, vote.id, BallotInput(choice="no"))
    assert twice.value.code == "already_voted"
    with pytest.raises(PermissionDenied):  # the office is not a representative
        service.cast_secret(office, tctx, vote.id, BallotInput(choice="yes"))
    with pytest.raises(Conflict) as early:
        service.result(office, tctx, vote.id)
    assert early.value.code == "vote_open"
    assert service.turnout(office, tctx, vote.id) == 7
    closed = service.close_vote(office, tctx, vote.id)
    assert closed.state == VoteState.CLOSED  # counted by the worker (eager in tests)
    outcome = service.result(office, tctx, vote.id)
    assert (outcome["yes"], outcome["no"], outcome["abstain"]) == (4, 2, 1)
    assert outcome["passed"] is False  # 4 of 应到 100
    with pytest.raises(Conflict) as after:
        service.cast_secret(cast.actors[8], tctx, vote.id, BallotInput(choice="yes"))
    assert after.value.code == "vote_closed"


def test_raw_ballot_tables_link_no_ballot_to_a_voter(clock, cast, tctx, office, world):
    """Read the tables as a database administrator would, after a secret vote."""
    (item,) = _opened(clock, cast, tctx, office, world, kinds=("personnel",))
    vote = service.create_vote(office, tctx, item.id, VoteInput(method="secret", channel="online"))
    for i in range(7):
        service.cast_secret(
            cast.actors[i], tctx, vote.id, BallotInput(choice="yes" if i % 2 else "no")
        )
    # Cast, a ballot is only sealed, next to nothing but its vote, every one of one length.
    pool = inspect(PooledBallot).local_table
    assert {c.name for c in pool.columns} == {"tenant_id", "id", "vote_id", "sealed"}
    sealed = db.session.scalars(
        select(PooledBallot.sealed).where(PooledBallot.vote_id == vote.id)
    ).all()
    assert len(sealed) == 7 and len({len(bytes(b)) for b in sealed}) == 1
    assert not any(b'"choice"' in bytes(b) for b in sealed)
    assert db.session.scalar(select(Ballot.id).where(Ballot.vote_id == vote.id)) is None
    service.close_vote(office, tctx, vote.id)

    ballots = inspect(Ballot).local_table
    receipts = inspect(Receipt).local_table
    # No column of a ballot names a person or a time; no key points at people or users.
    assert {c.name for c in ballots.columns} == {"tenant_id", "id", "vote_id", "key", "content"}
    assert {fk.column.table.name for fk in ballots.foreign_keys} == {"townships", "as_votes"}
    # A receipt says who voted in which vote, and nothing about what or when.
    assert {c.name for c in receipts.columns} == {"tenant_id", "id", "vote_id", "representative_id"}
    rows = db.session.execute(
        select(Ballot.key, Ballot.content).where(Ballot.vote_id == vote.id)
    ).all()
    assert len(rows) == 7 and all(uuid.UUID(key).version == 4 for key, _content in rows)
    assert all(set(content) == {"choice"} for _key, content in rows)
    # Nothing waits in the pool after the vote has closed.
    assert db.session.scalar(select(PooledBallot.id).where(PooledBallot.vote_id == vote.id)) is None
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows written in one transaction share xmin: every receipt has its own, and the
        # ballots were all released together in a transaction no receipt belongs to.
        ballot_xmins = set(
            db.session.scalars(
                text("SELECT xmin::text FROM as_ballots WHERE vote_id = :v"), {"v": vote.id}
            )
        )
        receipt_xmins = list(
            db.session.scalars(
                text("SELECT xmin::text FROM as_receipts WHERE vote_id = :v"), {"v": vote.id}
            )
        )
        assert len(ballot_xmins) == 1  # all released together at the count
        assert not ballot_xmins & set(receipt_xmins)


def test_the_worker_releases_ballots_at_2k_holding_k_back(clock, cast, tctx, office, world):
    (item,) = _opened(clock, cast, tctx, office, world, kinds=("personnel",))
    vote = service.create_vote(office, tctx, item.id, VoteInput(method="secret", channel="online"))

    def pending():
        return len(db.session.scalars(select(PooledBallot.id)).all())

    for i in range(9):
        service.cast_secret(cast.actors[i], tctx, vote.id, BallotInput(choice="yes"))
    assert service.release_ballots(tctx, vote.id) == 0 and pending() == 9  # 2K − 1: nothing
    service.cast_secret(cast.actors[9], tctx, vote.id, BallotInput(choice="no"))
    assert service.release_ballots(tctx, vote.id) == 5 and pending() == 5  # 2K: all but K
    assert service.release_ballots(tctx, vote.id) == 0  # again: nothing twice
    with pytest.raises(Conflict) as early:  # released ballots are still not a result
        service.result(office, tctx, vote.id)
    assert early.value.code == "vote_open"
    service.close_vote(office, tctx, vote.id)
    assert pending() == 0 and service.release_ballots(tctx, vote.id) == 0
    outcome = service.result(office, tctx, vote.id)
    assert (outcome["yes"], outcome["no"], outcome["abstain"]) == (9, 1, 0)


@pytest.mark.parametrize(("cast_ballots", "counted"), [(4, False), (5, True)])
def test_fewer_than_k_ballots_in_all_are_never_opened(
    clock, cast, tctx, office, world, cast_ballots, counted
):
    from lianxin.tenants import service as tenants

    (item,) = _opened(clock, cast, tctx, office, world, kinds=("personnel",))
    vote = service.create_vote(office, tctx, item.id, VoteInput(method="secret", channel="online"))
    # K is frozen at the vote's creation: lowering the setting now changes nothing for it.
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "annual_sessions", {"ballot_batch": 3})
    for i in range(cast_ballots):
        service.cast_secret(cast.actors[i], tctx, vote.id, BallotInput(choice="yes"))
    service.close_vote(office, tctx, vote.id)
    db.session.refresh(vote)
    assert vote.min_ballots == 5 and vote.state == VoteState.CLOSED
    assert db.session.scalar(select(PooledBallot.id).where(PooledBallot.vote_id == vote.id)) is None
    opened = db.session.scalars(select(Ballot.id).where(Ballot.vote_id == vote.id)).all()
    outcome = service.result(office, tctx, vote.id)
    if counted:
        assert len(opened) == 5 and outcome["yes"] == 5 and "withheld" not in outcome
    else:
        assert opened == []  # deleted unopened
        assert outcome == {"passed": False, "withheld": True, "ballots": 4}
        assert vote.result == {"withheld": True, "ballots": 4} and vote.passed is False


def test_a_result_is_refused_while_the_vote_is_counted(clock, cast, tctx, office, world):
    (item,) = _opened(clock, cast, tctx, office, world, kinds=("personnel",))
    vote = service.create_vote(office, tctx, item.id, VoteInput(method="secret", channel="online"))
    vote.state = VoteState.COUNTING  # as a worker that has not counted yet leaves it
    db.session.commit()
    with pytest.raises(Conflict) as counting:
        service.result(office, tctx, vote.id)
    assert counting.value.code == "vote_counting"
    with pytest.raises(Conflict):  # closed to voters
        service.cast_secret(cast.actors[0], tctx, vote.id, BallotInput(choice="yes"))
    service.count_closed_vote(vote.id)
    db.session.commit()
    assert service.result(office, tctx, vote.id) == {
        "passed": False,
        "withheld": True,
        "ballots": 0,
    }


def test_paper_ballots_stand_only_when_both_tellers_agree(clock, cast, tctx, office, world):
    from lianxin.auth.roles import Role
    from tests.factories import grant, make_user

    (item,) = _opened(clock, cast, tctx, office, world, kinds=("election",))
    people = []
    for name in ("teller.a", "teller.b", "scrutineer"):
        user = make_user(name)
        grant(user, Role.TOWNSHIP_STAFF, township=world.township)
        people.append(user)
    vote = service.create_vote(
        office,
        tctx,
        item.id,
        VoteInput(
            method="secret",
            channel="paper",
            seats=1,
            candidates=["张三", "李四"],
            teller1_id=people[0].id,
            teller2_id=people[1].id,
            scrutineer_id=people[2].id,
        ),
    )
    a, b = (c.id for c in service.candidates(vote))
    t1, t2, scrutineer = (actor(u) for u in people)
    with pytest.raises(PermissionDenied):
        service.enter_paper_tally(office, tctx, vote.id, TallyInput(ballots=80))
    service.enter_paper_tally(
        t1, tctx, vote.id, TallyInput(ballots=80, candidates={str(a): 60, str(b): 20})
    )
    assert service.tally_status(office, tctx, vote.id) == "waiting"
    service.enter_paper_tally(
        t2, tctx, vote.id, TallyInput(ballots=80, candidates={str(a): 59, str(b): 21})
    )
    assert (
        vote.state == VoteState.OPEN and service.tally_status(office, tctx, vote.id) == "mismatch"
    )
    with pytest.raises(PermissionDenied):
        service.reset_paper_tally(t1, tctx, vote.id)
    service.reset_paper_tally(scrutineer, tctx, vote.id)
    for teller in (t1, t2):
        service.enter_paper_tally(
            teller, tctx, vote.id, TallyInput(ballots=80, candidates={str(a): 60, str(b): 20})
        )
    outcome = service.result(office, tctx, vote.id)
    assert outcome["elected"] == ["张三"] and outcome["passed"] is True


def test_resolutions_from_passed_items_only_and_the_report(clock, cast, tctx, office, world):
    first, second = _opened(clock, cast, tctx, office, world)
    passed = service.create_vote(office, tctx, first.id, VoteInput(method="hands"))
    service.record_hands(office, tctx, passed.id, HandsInput(yes=70, no=5, abstain=5))
    failed = service.create_vote(office, tctx, second.id, VoteInput(method="hands"))
    service.record_hands(office, tctx, failed.id, HandsInput(yes=30, no=45, abstain=5))
    with pytest.raises(ValidationFailed):
        service.create_resolution(
            office, tctx, cast.session, ResolutionInput(item_id=second.id, title="x", text="y")
        )
    resolution = service.create_resolution(
        office,
        tctx,
        cast.session,
        ResolutionInput(item_id=first.id, title="关于年度工作的决议", text="会议同意……"),
    )
    service.set_resolution_published(office, tctx, resolution.id, True)
    assert [r.id for r, _s in service.public_resolutions(tctx)] == [resolution.id]
    service.close_session(office, tctx, cast.session)
    report = service.session_report(office, tctx, cast.session)
    assert report.roll.present == 80 and len(report.votes) == 2
    assert [o["passed"] for _v, _i, o in report.votes] == [True, False]
    service.report_implementation(office, tctx, resolution.id, "已全部落实")
    assert resolution.implementation == "已全部落实"


def test_a_new_item_during_the_session_needs_two_groups_or_a_tenth(
    clock, cast, tctx, office, world
):
    _opened(clock, cast, tctx, office, world)
    committee = actor(world.users["committee_member"])
    with pytest.raises(Conflict):  # the committee cannot add one during the session
        _item(cast, tctx, committee, proposer="committee")
    joint = _item(cast, tctx, cast.actors[2])
    assert joint.during_session
    for i in range(3, 11):  # nine of 应到 100
        service.join_item(cast.actors[i], tctx, joint.id)
    assert joint.status == ItemStatus.PROPOSED
    with pytest.raises(Conflict):  # and the committee cannot put it on by decision
        service.decide_item(committee, tctx, joint.id, accept=True)
    service.join_item(cast.actors[11], tctx, joint.id)  # ten: 1/10 of 应到
    assert joint.status == ItemStatus.ON_AGENDA
    grouped = _item(cast, tctx, cast.actors[0], proposer="group", group_id=cast.groups[0])
    assert grouped.status == ItemStatus.PROPOSED
    service.join_item_as_group(cast.actors[1], tctx, grouped.id, cast.groups[1])
    assert grouped.status == ItemStatus.ON_AGENDA
