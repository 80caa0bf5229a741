"""The rules of sitting in, through the use cases: planning, batches by rotation, answers up to
the meeting's day (Asia/Shanghai), attendance from the meeting's day, suggestions that become
cases or written answers, and the term's standing."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.sittings import service
from lianxin.modules.sittings.inputs import (
    AnswerInput,
    MeetingInput,
    MeetingInputSchema,
    SuggestionCaseInput,
    SuggestionInput,
    WrittenAnswerInput,
)
from lianxin.modules.sittings.models import Answer, Outcome
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.sittings.conftest import TODAY


def _meeting(office, township, held_on=TODAY + timedelta(days=7), **extra):
    data = {"title": "党委扩大会议", "kind": "enlarged", "held_on": held_on, **extra}
    return service.plan_meeting(office, township, MeetingInput(**data))


def _held(office, township, reps, present, held_on=TODAY):
    meeting = _meeting(office, township, held_on=held_on)
    service.invite_batch(office, township, meeting.id, [r.id for r in reps], today=held_on)
    service.record_attendance(office, township, meeting.id, [r.id for r in present], today=held_on)
    return meeting


def test_plan_a_meeting_in_the_current_term(world, clock, office, people, tctx):
    meeting = _meeting(office, tctx, starts_at="09:30", place="镇会议室", topics="年度规划")
    assert meeting.term == 13 and meeting.held_at is None and meeting.starts_at == time(9, 30)
    with pytest.raises(ValidationFailed) as caught:
        _meeting(office, tctx, starts_at="25:00")
    assert "starts_at" in caught.value.errors
    with pytest.raises(PermissionDenied):
        _meeting(actor(world.users["representative"]), tctx)


def test_a_branch_meeting_names_its_branch():
    with pytest.raises(ValidationFailed) as caught:
        load_input(
            MeetingInputSchema, {"title": "支部会", "kind": "branch", "held_on": "2026-05-21"}
        )
    assert "branch_id" in caught.value.errors


def test_another_townships_branch_is_not_found(world, clock, office, people, tctx):
    with pytest.raises(NotFound):
        _meeting(office, tctx, kind="branch", branch_id=world.branches["o"].id)


def test_invite_a_batch_tells_each_representative(world, clock, office, people, tctx):
    reps, _users = people
    meeting = _meeting(office, tctx)
    first = service.invite_batch(office, tctx, meeting.id, [reps[1].id, reps[6].id])
    assert {i.batch for i in first} == {1} and all(i.term == 13 for i in first)
    second = service.invite_batch(office, tctx, meeting.id, [reps[2].id])
    assert second[0].batch == 2
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "notify")
    ).all()
    bodies = [m.payload for m in messages]
    assert any(reps[1].user_id in b["user_ids"] for b in bodies)
    assert any(any("13800138000" in str(p) for p in b.get("phones", [])) for b in bodies)
    with pytest.raises(ValidationFailed):  # invited already
        service.invite_batch(office, tctx, meeting.id, [reps[1].id])


def test_invitations_close_when_the_meeting_day_is_over(world, clock, office, people, tctx):
    reps, _users = people
    meeting = _meeting(office, tctx, held_on=TODAY)
    # On the day itself (till midnight in Shanghai) one may still be invited …
    service.invite_batch(office, tctx, meeting.id, [reps[1].id], today=TODAY)
    # … the day after, not.
    with pytest.raises(service.SittingRuleBroken):
        service.invite_batch(office, tctx, meeting.id, [reps[2].id], today=TODAY + timedelta(1))


def test_an_ended_representative_is_not_invited(world, clock, office, people, tctx):
    reps, _users = people
    reps[3].status = "ended"
    db.session.commit()
    meeting = _meeting(office, tctx)
    with pytest.raises(ValidationFailed):
        service.invite_batch(office, tctx, meeting.id, [reps[3].id])


def test_branch_meetings_take_the_branchs_own_unless_the_township_says_otherwise(
    world, clock, office, people, tctx
):
    reps, _users = people
    branch = world.branches["t"].id
    meeting = _meeting(office, tctx, kind="branch", branch_id=branch)
    assert [s.representative_id for s in service.propose_batch(office, tctx, meeting.id)] == [
        reps[0].id
    ]
    with pytest.raises(ValidationFailed):
        service.invite_batch(office, tctx, meeting.id, [reps[1].id])
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "sittings", {"branch_own_only": False}
    )
    service.invite_batch(office, tctx, meeting.id, [reps[1].id])


def test_rotation_proposes_who_has_not_sat_in_first(world, clock, office, people, tctx):
    reps, _users = people
    # reps 0–2 sat in last week; 3 was invited but did not come.
    _held(office, tctx, reps[:4], reps[:3], held_on=TODAY - timedelta(days=7))
    meeting = _meeting(office, tctx)
    proposed = [s.representative_id for s in service.propose_batch(office, tctx, meeting.id)]
    assert len(proposed) == 4 - 0 or len(proposed) == 5  # the default batch: five
    assert set(proposed[:4]) == {reps[3].id, reps[4].id, reps[5].id, reps[6].id}
    assert proposed[4] in {reps[0].id, reps[1].id, reps[2].id}
    not_yet = service.not_yet(tctx.id, service.standings())
    assert {s.representative_id for s in not_yet} == {
        reps[3].id,
        reps[4].id,
        reps[5].id,
        reps[6].id,
    }


def test_the_batch_size_is_a_setting_of_one_township(world, clock, office, people, tctx):
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "sittings", {"batch_size": 2}
    )
    meeting = _meeting(office, tctx)
    assert len(service.propose_batch(office, tctx, meeting.id)) == 2
    assert service.settings(world.other.id)["batch_size"] == 5


def test_minimum_per_term_at_n_minus_one_and_n(world, clock, office, people, tctx):
    reps, _users = people
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "sittings", {"min_per_term": 2}
    )
    _held(office, tctx, [reps[0]], [reps[0]], held_on=TODAY - timedelta(days=14))
    behind = {s.representative_id for s in service.not_yet(tctx.id, service.standings())}
    assert reps[0].id in behind  # once: N−1
    _held(office, tctx, [reps[0]], [reps[0]], held_on=TODAY - timedelta(days=7))
    behind = {s.representative_id for s in service.not_yet(tctx.id, service.standings())}
    assert reps[0].id not in behind  # twice: N


def test_a_sitting_counts_for_the_term_it_was_in(world, clock, office, people, tctx):
    reps, _users = people
    _held(office, tctx, [reps[0]], [reps[0]], held_on=TODAY - timedelta(days=7))
    reps[0].term = 14  # re-elected into the next term
    db.session.commit()
    standing = {s.representative_id: s for s in service.standings()}
    assert standing[reps[0].id].sittings == 0


def test_a_representative_answers_their_own_invitation(world, clock, office, people, tctx):
    reps, users = people
    meeting = _meeting(office, tctx)
    rows = service.invite_batch(office, tctx, meeting.id, [reps[1].id, reps[2].id])
    mine = actor(users[1])
    done = service.answer_invitation(mine, tctx, rows[0].id, AnswerInput("confirmed"))
    assert done.answer == Answer.CONFIRMED and not done.answered_by_office
    with pytest.raises(PermissionDenied):  # not theirs
        service.answer_invitation(mine, tctx, rows[1].id, AnswerInput("declined"))
    changed = service.answer_invitation(mine, tctx, rows[0].id, AnswerInput("declined", "出差"))
    assert changed.answer == Answer.DECLINED and changed.decline_reason == "出差"
    by_office = service.answer_invitation(office, tctx, rows[1].id, AnswerInput("confirmed"))
    assert by_office.answered_by_office


def test_answers_close_with_the_meeting_day_near_midnight(world, clock, office, people, tctx):
    reps, users = people
    meeting = _meeting(office, tctx, held_on=TODAY)
    row = service.invite_batch(office, tctx, meeting.id, [reps[1].id])[0]
    mine = actor(users[1])
    service.answer_invitation(mine, tctx, row.id, AnswerInput("confirmed"), today=TODAY)
    with pytest.raises(service.SittingRuleBroken):
        service.answer_invitation(
            mine, tctx, row.id, AnswerInput("declined"), today=TODAY + timedelta(days=1)
        )


def test_attendance_from_the_meeting_day(world, clock, office, people, tctx):
    reps, _users = people
    meeting = _meeting(office, tctx, held_on=TODAY + timedelta(days=1))
    service.invite_batch(office, tctx, meeting.id, [reps[1].id, reps[2].id])
    with pytest.raises(service.SittingRuleBroken):  # the day before: N−1
        service.record_attendance(office, tctx, meeting.id, [reps[1].id], today=TODAY)
    rows = service.record_attendance(
        office, tctx, meeting.id, [reps[1].id], today=TODAY + timedelta(days=1)
    )
    assert {r.representative_id: r.attended for r in rows} == {reps[1].id: True, reps[2].id: False}
    assert meeting.held_at is not None
    with pytest.raises(ValidationFailed):  # not invited
        service.record_attendance(
            office, tctx, meeting.id, [reps[3].id], today=TODAY + timedelta(days=1)
        )


def test_suggestions_from_those_who_sat_in(world, clock, office, people, tctx):
    reps, users = people
    meeting = _held(office, tctx, reps[1:3], [reps[1]])
    with pytest.raises(service.SittingRuleBroken):  # did not come
        service.record_suggestion(office, tctx, meeting.id, SuggestionInput("建议", reps[2].id))
    made = service.record_suggestion(office, tctx, meeting.id, SuggestionInput("修路", reps[1].id))
    own = service.record_suggestion(actor(users[1]), tctx, meeting.id, SuggestionInput("路灯"))
    assert made.outcome == Outcome.PENDING and own.representative_id == reps[1].id
    with pytest.raises(service.SittingRuleBroken):
        service.record_suggestion(actor(users[2]), tctx, meeting.id, SuggestionInput("我也说"))


def test_a_suggestion_becomes_a_case(world, clock, office, people, tctx):
    reps, _users = people
    meeting = _held(office, tctx, [reps[1]], [reps[1]])
    item = service.record_suggestion(office, tctx, meeting.id, SuggestionInput("修路", reps[1].id))
    made = service.suggestion_to_case(
        office, tctx, item.id, SuggestionCaseInput(title="修村道", body="修路")
    )
    case = db.session.get(Case, (tctx.id, made.case.id))
    assert case.source_type == "sitting" and case.source_id == meeting.id
    assert case.received_by_id == reps[1].id
    assert item.outcome == Outcome.CASE and item.case_id == case.id
    with pytest.raises(service.SittingRuleBroken):
        service.suggestion_to_case(office, tctx, item.id, SuggestionCaseInput("再来", "再来"))
    with pytest.raises(service.SittingRuleBroken):
        service.answer_suggestion(office, tctx, item.id, WrittenAnswerInput("答复"))


def test_a_written_answer_goes_back_dated_within_bounds(world, clock, office, people, tctx):
    reps, _users = people
    meeting = _held(office, tctx, [reps[1]], [reps[1]], held_on=TODAY - timedelta(days=3))
    item = service.record_suggestion(office, tctx, meeting.id, SuggestionInput("修路", reps[1].id))
    with pytest.raises(ValidationFailed):  # before the meeting
        service.answer_suggestion(
            office, tctx, item.id, WrittenAnswerInput("好", TODAY - timedelta(days=4))
        )
    with pytest.raises(ValidationFailed):  # tomorrow
        service.answer_suggestion(
            office, tctx, item.id, WrittenAnswerInput("好", TODAY + timedelta(days=1))
        )
    done = service.answer_suggestion(
        office, tctx, item.id, WrittenAnswerInput("已列入计划", TODAY - timedelta(days=3))
    )
    assert done.outcome == Outcome.ANSWERED and done.answered_on == TODAY - timedelta(days=3)
    told = db.session.scalars(select(OutboxMessage)).all()
    assert any(
        reps[1].user_id in m.payload.get("user_ids", [])
        and "已列入计划" in m.payload.get("body", "")
        for m in told
    )


def test_the_register_exports(world, clock, office, people, tctx):
    reps, _users = people
    meeting = _held(office, tctx, [reps[1]], [reps[1]])
    service.record_suggestion(office, tctx, meeting.id, SuggestionInput("修路", reps[1].id))
    data = service.register_xlsx(office, tctx)
    assert data[:2] == b"PK"
    with pytest.raises(PermissionDenied):
        service.register_xlsx(actor(world.users["representative"]), tctx)


def test_the_metrics(world, clock, office, people, tctx):
    from lianxin.modules.sittings.metrics import figures

    reps, _users = people
    meeting = _held(office, tctx, reps[:3], reps[:2], held_on=date(2026, 5, 10))
    service.record_suggestion(office, tctx, meeting.id, SuggestionInput("修路", reps[0].id))
    _meeting(office, tctx)  # planned, nobody sat in yet
    got = figures(date(2026, 5, 1), date(2026, 6, 1))
    assert got["sittings_meetings"].value == 1
    assert got["sittings_suggestions"].value == 1
    assert got["sittings_reps_share"].value == pytest.approx(2 / 7)
    before = figures(date(2026, 4, 1), date(2026, 5, 1))
    assert before["sittings_meetings"].value == 0
    assert before["sittings_reps_share"].value == 0
