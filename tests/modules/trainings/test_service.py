"""The rules of training, through the use cases: scheduling for an audience, answers and
leave, check-ins day by day (Asia/Shanghai), and each representative's standing against the
township's rules at N−1 and N."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.trainings import service
from lianxin.modules.trainings.inputs import AnswerInput, SessionInput, SessionInputSchema
from lianxin.modules.trainings.models import Answer, Leave
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.trainings.conftest import TODAY


def _session(office, township, starts_on=TODAY, ends_on=None, **extra):
    data = {"title": "学习党章", "kind": "study", "starts_on": starts_on, "ends_on": ends_on}
    return service.schedule_session(office, township, SessionInput(**{**data, **extra}))


def _attended(office, township, reps, starts_on, days=1, kind="study", present=None):
    """A session of `days` days from `starts_on` for the named reps; `present` checked in
    every day (all of them when not given)."""
    s = _session(
        office,
        township,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        kind=kind,
        audience="named",
        representative_ids=[r.id for r in reps],
    )
    last = s.ends_on
    for rep in reps if present is None else present:
        for i in range(days):
            service.check_in(
                office, township, s.id, rep.id, day=starts_on + timedelta(days=i), today=last
            )
    return s


def _standing(township, rep, year=2026, today=TODAY):
    return service.compute(township.id, year, today, rep_ids=[rep.id])[0]


def test_schedule_for_everyone_in_office(world, clock, office, people, tctx):
    reps, _users = people
    s = _session(office, tctx, ends_on=TODAY + timedelta(days=2))
    assert s.days == 3 and s.term == 13
    invited = {i.representative_id for i in service.invitations_of(s)}
    assert {r.id for r in reps} <= invited
    with pytest.raises(PermissionDenied):
        _session(actor(world.users["representative"]), tctx)


def test_named_and_foreign_representatives(world, clock, office, people, tctx):
    reps, _users = people
    s = _session(office, tctx, audience="named", representative_ids=[reps[0].id, reps[1].id])
    assert {i.representative_id for i in service.invitations_of(s)} == {reps[0].id, reps[1].id}
    with pytest.raises(NotFound):
        _session(office, tctx, audience="groups", group_ids=[999999])


def test_input_shape():
    with pytest.raises(ValidationFailed) as caught:
        load_input(
            SessionInputSchema,
            {
                "title": "轮训",
                "kind": "rotation",
                "starts_on": "2026-05-20",
                "ends_on": "2026-05-19",
            },
        )
    assert "ends_on" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        load_input(
            SessionInputSchema,
            {"title": "轮训", "kind": "rotation", "starts_on": "2026-05-20", "audience": "named"},
        )
    assert "representative_ids" in caught.value.errors


def test_confirm_and_leave_with_the_offices_decision(world, clock, office, people, tctx):
    reps, users = people
    s = _session(office, tctx, starts_on=TODAY + timedelta(days=3))
    mine = next(i for i in service.invitations_of(s) if i.representative_id == reps[1].id)
    rep = actor(users[1])
    assert service.answer_invitation(rep, tctx, mine.id, AnswerInput("confirmed")).answer == (
        Answer.CONFIRMED
    )
    done = service.answer_invitation(rep, tctx, mine.id, AnswerInput("leave", "外出务工"))
    assert done.leave == Leave.REQUESTED and done.leave_reason == "外出务工"
    other = next(i for i in service.invitations_of(s) if i.representative_id == reps[2].id)
    with pytest.raises(PermissionDenied):  # not their own
        service.answer_invitation(rep, tctx, other.id, AnswerInput("confirmed"))
    with pytest.raises(PermissionDenied):  # only the office decides
        service.decide_leave(rep, tctx, mine.id, True)
    assert service.decide_leave(office, tctx, mine.id, True).leave == Leave.APPROVED
    with pytest.raises(service.TrainingRuleBroken):  # no leave asked
        service.decide_leave(office, tctx, other.id, True)


def test_answers_close_after_the_last_day(world, clock, office, people, tctx):
    reps, users = people
    s = _session(office, tctx, starts_on=TODAY - timedelta(days=1), ends_on=TODAY)
    mine = next(i for i in service.invitations_of(s) if i.representative_id == reps[1].id)
    service.answer_invitation(actor(users[1]), tctx, mine.id, AnswerInput("confirmed"), today=TODAY)
    with pytest.raises(service.TrainingRuleBroken):
        service.answer_invitation(
            actor(users[1]), tctx, mine.id, AnswerInput("confirmed"), today=TODAY + timedelta(1)
        )


def test_check_in_on_the_sessions_days_only(world, clock, office, people, tctx):
    reps, _users = people
    s = _session(
        office,
        tctx,
        ends_on=TODAY + timedelta(days=1),
        audience="named",
        representative_ids=[reps[0].id],
    )
    first = service.check_in(office, tctx, s.id, reps[0].id)
    assert first.day == TODAY
    assert service.check_in(office, tctx, s.id, reps[0].id).id == first.id  # a second tap
    with pytest.raises(service.TrainingRuleBroken):  # tomorrow has not come
        service.check_in(office, tctx, s.id, reps[0].id, day=TODAY + timedelta(days=1))
    with pytest.raises(service.TrainingRuleBroken):  # not one of its days
        service.check_in(office, tctx, s.id, reps[0].id, day=TODAY - timedelta(days=1))
    with pytest.raises(service.TrainingRuleBroken):  # not invited
        service.check_in(office, tctx, s.id, reps[1].id)
    service.undo_check_in(office, tctx, s.id, reps[0].id, TODAY)
    assert service.check_ins_of(s) == []
    rows, total, checked = service.roll(office, tctx, s.id, TODAY, "")
    assert total == 1 and checked == 0 and rows[0].representative.id == reps[0].id


def test_days_per_year_at_n_minus_one_and_n(world, clock, office, people, tctx):
    reps, _users = people
    _attended(office, tctx, [reps[0]], date(2026, 3, 2), days=4)
    assert _standing(tctx, reps[0]).days == 4 and not _standing(tctx, reps[0]).days_met  # N−1
    _attended(office, tctx, [reps[0]], date(2026, 4, 7), days=1)
    assert _standing(tctx, reps[0]).days == 5 and _standing(tctx, reps[0]).days_met  # N
    # last year's days do not count
    _attended(office, tctx, [reps[1]], date(2025, 12, 27), days=5)
    assert _standing(tctx, reps[1]).days == 0


def test_days_per_year_is_one_townships_setting(world, clock, office, people, tctx):
    reps, _users = people
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "trainings", {"days_per_year": 2}
    )
    _attended(office, tctx, [reps[0]], date(2026, 3, 2), days=2)
    assert _standing(tctx, reps[0]).days_met
    assert service.settings(world.other.id)["days_per_year"] == 5


def test_quarters_on_shanghai_dates(world, clock, office, people, tctx):
    reps, _users = people
    # 31 March 16:30 UTC is already 1 April in Shanghai: that check-in is the second quarter.
    moment = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    april_first = moment.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert april_first == date(2026, 4, 1)
    s = _session(
        office,
        tctx,
        starts_on=date(2026, 3, 31),
        ends_on=date(2026, 4, 1),
        audience="named",
        representative_ids=[reps[0].id],
    )
    service.check_in(office, tctx, s.id, reps[0].id, day=april_first, today=april_first)
    st = _standing(tctx, reps[0])
    assert [q.sessions for q in st.quarters] == [0, 1, 0, 0]
    assert [q.state for q in st.quarters] == ["short", "met", "future", "future"]


def test_sessions_per_quarter_at_n_minus_one_and_n(world, clock, office, people, tctx):
    reps, _users = people
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "trainings", {"sessions_per_quarter": 2}
    )
    _attended(office, tctx, [reps[0]], date(2026, 1, 10))
    q1 = _standing(tctx, reps[0]).quarters[0]
    assert q1.sessions == 1 and q1.state == "short"  # N−1, quarter over
    _attended(office, tctx, [reps[0]], date(2026, 3, 31))
    q1 = _standing(tctx, reps[0]).quarters[0]
    assert q1.sessions == 2 and q1.state == "met"  # N
    assert _standing(tctx, reps[0]).quarters[1].state == "open"  # under way, not short


def test_rotation_counts_for_the_term(world, clock, office, people, tctx):
    reps, _users = people
    assert not _standing(tctx, reps[0]).rotation_met
    _attended(office, tctx, [reps[0]], date(2026, 2, 2), kind="rotation")
    assert _standing(tctx, reps[0]).rotation_met
    reps[0].term = 14  # re-elected into the next term
    from lianxin.db import db

    db.session.commit()
    assert _standing(tctx, reps[0]).rotations == 0


def test_unexcused_absence_means_fail(world, clock, office, people, tctx):
    reps, _users = people
    s = _attended(office, tctx, reps[:2], date(2026, 5, 18), present=[reps[0]])
    # the last day is today: not an absence yet
    assert _standing(tctx, reps[1], today=date(2026, 5, 18)).absences == 0
    st = _standing(tctx, reps[1])
    assert st.unexcused == 1 and st.consequence == "fail"
    assert _standing(tctx, reps[0]).consequence is None
    # leave approved: excused, no consequence
    inv = next(i for i in service.invitations_of(s) if i.representative_id == reps[1].id)
    service.answer_invitation(office, tctx, inv.id, AnswerInput("leave", "住院"), today=s.ends_on)
    service.decide_leave(office, tctx, inv.id, True)
    st = _standing(tctx, reps[1])
    assert st.excused == 1 and st.unexcused == 0 and st.consequence is None


def test_two_consecutive_absences_bar_excellent(world, clock, office, people, tctx):
    reps, _users = people

    def excused_absence(day):
        s = _attended(office, tctx, reps[:2], day, present=[reps[0]])
        inv = next(i for i in service.invitations_of(s) if i.representative_id == reps[1].id)
        service.answer_invitation(office, tctx, inv.id, AnswerInput("leave", "出差"), today=day)
        service.decide_leave(office, tctx, inv.id, True)

    excused_absence(date(2026, 1, 10))
    _attended(office, tctx, reps[:2], date(2026, 2, 10))  # present between
    excused_absence(date(2026, 3, 10))
    assert not _standing(tctx, reps[1]).consecutive  # one, then one: N−1
    excused_absence(date(2026, 4, 10))
    st = _standing(tctx, reps[1])
    assert st.consecutive and st.consequence == "not_excellent"  # two in a row: N
    tenants.update_township_settings(
        actor(world.users["township_admin"]),
        tctx,
        "trainings",
        {"consecutive_absences_bar_excellent": False},
    )
    assert _standing(tctx, reps[1]).consequence is None
    assert service.settings(world.other.id)["consecutive_absences_bar_excellent"] is True


def test_a_representative_sees_their_own_standing(world, clock, office, people, tctx):
    reps, users = people
    rows = service.standings(actor(users[1]), tctx)
    assert [r.representative_id for r in rows] == [reps[1].id]
    assert len(service.standings(office, tctx)) >= len(reps)


def test_exports(world, clock, office, people, tctx):
    reps, users = people
    _attended(office, tctx, reps[:2], date(2026, 5, 18), present=[reps[0]])
    assert service.register_xlsx(office, tctx)[:2] == b"PK"
    assert service.standing_xlsx(office, tctx, 2026)[:2] == b"PK"
    with pytest.raises(PermissionDenied):
        service.register_xlsx(actor(users[1]), tctx)


def test_to_do(world, clock, office, people, tctx):
    reps, users = people
    s = _session(office, tctx, ends_on=TODAY + timedelta(days=1))
    rep = actor(users[1])
    assert service.invitations_to_answer(rep, tctx, TODAY).count == 1
    assert service.attendance_to_take(office, tctx, TODAY).page_id == s.id
    assert service.attendance_to_take(rep, tctx, TODAY).count == 0
    mine = next(i for i in service.invitations_of(s) if i.representative_id == reps[1].id)
    service.answer_invitation(rep, tctx, mine.id, AnswerInput("leave", "外出"))
    assert service.invitations_to_answer(rep, tctx, TODAY).count == 0
    assert service.leave_to_decide(office, tctx).count == 1


def test_the_metrics(world, clock, office, people, tctx):
    from lianxin.modules.trainings.metrics import figures

    reps, _users = people
    _attended(office, tctx, reps[:2], date(2026, 5, 4), days=5, present=[reps[0]])
    got = figures(date(2026, 5, 1), date(2026, 6, 1))
    assert got["trainings_sessions"].value == 1
    assert got["trainings_coverage"].value == pytest.approx(1 / 7)
    before = figures(date(2026, 4, 1), date(2026, 5, 1))
    assert before["trainings_sessions"].value == 0 and before["trainings_coverage"].value == 0
