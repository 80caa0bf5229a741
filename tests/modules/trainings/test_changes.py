"""A session changed before it starts, a session cancelled, and leave for half a day: the
boundaries (the day before the first day / the first day; 4.5 days against 5), those affected
told through the outbox, a cancelled session counted nowhere."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.trainings import service
from lianxin.modules.trainings.inputs import (
    AnswerInput,
    AnswerInputSchema,
    SessionInput,
    SessionPatchSchema,
)
from lianxin.modules.trainings.models import Answer, Leave
from lianxin.notify.models import OutboxMessage
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.trainings.conftest import TODAY


def _session(office, township, starts_on, ends_on=None, reps=None, **extra):
    data = {
        "title": "学习党章",
        "kind": "study",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "place": "党校",
    }
    if reps is not None:
        data |= {"audience": "named", "representative_ids": [r.id for r in reps]}
    return service.schedule_session(office, township, SessionInput(**{**data, **extra}))


def _changes(**values):
    return load_input(SessionPatchSchema, values, partial=True)


def _told(user_id, words):
    return [
        m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "notify"))
        if user_id in m.payload.get("user_ids", []) and words in m.payload.get("title", "")
    ]


def _inv(session, rep):
    return next(i for i in service.invitations_of(session) if i.representative_id == rep.id)


def _standing(township, rep, today):
    return service.compute(township.id, 2026, today, rep_ids=[rep.id])[0]


# --- editing ----------------------------------------------------------------------------------


def test_edit_until_the_day_before_it_starts(world, clock, office, people, tctx):
    reps, users = people
    starts = TODAY + timedelta(days=3)
    s = _session(office, tctx, starts, reps=reps[:2])
    # the day before its first day (N−1 days to go: 1) is still open
    done = service.update_session(
        office,
        tctx,
        s.id,
        _changes(place="镇会议室", title="学习新党章"),
        today=starts - timedelta(1),
    )
    assert done.place == "镇会议室" and done.title == "学习新党章"
    assert _told(users[0].id, "学习培训有变更")
    # its first day: refused, nothing changed
    with pytest.raises(service.TrainingRuleBroken):
        service.update_session(office, tctx, s.id, _changes(place="别处"), today=starts)
    assert service.get_session(office, tctx, s.id).place == "镇会议室"
    with pytest.raises(PermissionDenied):  # a representative may not edit
        service.update_session(actor(users[0]), tctx, s.id, _changes(place="x"), today=TODAY)
    event = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "training.update")
    ).first()
    assert event is not None and "place" in event.after["changed"]


def test_new_dates_ask_again_and_whom_changes_invite_and_release(
    world, clock, office, people, tctx
):
    reps, users = people
    s = _session(office, tctx, TODAY + timedelta(days=5), reps=reps[:2])
    rep0 = actor(users[0])
    service.answer_invitation(rep0, tctx, _inv(s, reps[0]).id, AnswerInput("confirmed"))
    service.update_session(office, tctx, s.id, _changes(starts_on=TODAY + timedelta(days=6)))
    row = _inv(s, reps[0])
    assert row.answer == Answer.PENDING  # the dates moved: asked again
    assert s.ends_on == TODAY + timedelta(days=6)  # a one-day session stays one day
    service.update_session(
        office, tctx, s.id, _changes(audience="named", representative_ids=[reps[1].id, reps[2].id])
    )
    assert {i.representative_id for i in service.invitations_of(s)} == {reps[1].id, reps[2].id}
    assert _told(users[2].id, "学习培训通知")  # newly invited
    assert _told(users[0].id, "无需参加")  # no longer invited
    with pytest.raises(ValidationFailed):  # the end before the start
        service.update_session(office, tctx, s.id, _changes(ends_on=TODAY + timedelta(days=1)))


# --- cancelling -------------------------------------------------------------------------------


def test_cancel_voids_answers_and_counts(world, clock, office, people, tctx):
    reps, users = people
    first = date(2026, 5, 18)
    s = _session(office, tctx, first, first + timedelta(days=2), reps=reps[:1])
    inv = _inv(s, reps[0])
    service.answer_invitation(
        actor(users[0]), tctx, inv.id, AnswerInput("leave", "出差"), today=first
    )
    service.check_in(office, tctx, s.id, reps[0].id, day=first, today=first)
    assert _standing(tctx, reps[0], TODAY).days == 1
    with pytest.raises(ValidationFailed):
        service.cancel_session(office, tctx, s.id, "  ")
    service.cancel_session(office, tctx, s.id, "台风停课", today=first + timedelta(days=2))
    assert s.cancelled and s.cancel_reason == "台风停课"
    # history kept, counts ignore it
    assert service.check_ins_of(s) and _inv(s, reps[0]).leave == Leave.REQUESTED
    st = _standing(tctx, reps[0], date(2026, 6, 1))
    assert st.days == 0 and st.absences == 0
    assert service.held_sessions(date(2026, 5, 1), date(2026, 6, 1)) == 0
    assert service.leave_to_decide(office, tctx).count == 0
    assert _told(users[0].id, "学习培训已取消")
    with pytest.raises(service.TrainingRuleBroken):  # answers are void
        service.answer_invitation(actor(users[0]), tctx, inv.id, AnswerInput("confirmed"))
    with pytest.raises(service.TrainingRuleBroken):
        service.check_in(office, tctx, s.id, reps[0].id, day=first, today=first)
    with pytest.raises(service.TrainingRuleBroken):  # twice
        service.cancel_session(office, tctx, s.id, "再取消")


def test_cancel_until_the_last_day_only(world, clock, office, people, tctx):
    reps, _users = people
    s = _session(office, tctx, TODAY - timedelta(days=2), TODAY - timedelta(days=1), reps=reps[:1])
    with pytest.raises(service.TrainingRuleBroken):  # over yesterday
        service.cancel_session(office, tctx, s.id, "晚了", today=TODAY)
    assert service.cancel_session(office, tctx, s.id, "及时", today=s.ends_on).cancelled


def test_cancelled_session_is_not_in_the_metrics(world, clock, office, people, tctx):
    from lianxin.modules.trainings.metrics import figures

    reps, _users = people
    s = _session(office, tctx, date(2026, 5, 4), date(2026, 5, 8), reps=reps[:1])
    for i in range(5):
        day = date(2026, 5, 4) + timedelta(days=i)
        service.check_in(office, tctx, s.id, reps[0].id, day=day, today=date(2026, 5, 8))
    assert figures(date(2026, 5, 1), date(2026, 6, 1))["trainings_sessions"].value == 1
    service.cancel_session(office, tctx, s.id, "取消", today=date(2026, 5, 8))
    got = figures(date(2026, 5, 1), date(2026, 6, 1))
    assert got["trainings_sessions"].value == 0 and got["trainings_coverage"].value == 0


# --- half a day -------------------------------------------------------------------------------


def test_half_day_leave_shape():
    with pytest.raises(ValidationFailed):  # a half without its day
        load_input(
            AnswerInputSchema, {"answer": "leave", "reason": "看病", "leave_half": "morning"}
        )
    with pytest.raises(ValidationFailed):  # a day without its half
        load_input(
            AnswerInputSchema, {"answer": "leave", "reason": "看病", "leave_day": "2026-05-20"}
        )
    with pytest.raises(ValidationFailed):
        load_input(
            AnswerInputSchema,
            {"answer": "leave", "reason": "看病", "leave_day": "2026-05-20", "leave_half": "noon"},
        )


def test_half_a_day_counts_half(world, clock, office, people, tctx):
    """Five days with the afternoon of one on leave: 4.5 days, short of the 5-day minimum;
    the morning made up elsewhere reaches 5."""
    reps, users = people
    first = date(2026, 5, 11)
    last = first + timedelta(days=4)
    s = _session(office, tctx, first, last, reps=reps[:1])
    inv = _inv(s, reps[0])
    with pytest.raises(service.TrainingRuleBroken):  # not a day of the session
        service.answer_invitation(
            actor(users[0]),
            tctx,
            inv.id,
            AnswerInput("leave", "看病", leave_day=last + timedelta(1), leave_half="afternoon"),
            today=first,
        )
    service.answer_invitation(
        actor(users[0]),
        tctx,
        inv.id,
        AnswerInput("leave", "看病", leave_day=first + timedelta(2), leave_half="afternoon"),
        today=first,
    )
    service.decide_leave(office, tctx, inv.id, True)
    for i in range(5):
        row = service.check_in(
            office, tctx, s.id, reps[0].id, day=first + timedelta(days=i), today=last
        )
        assert row.half == ("morning" if i == 2 else "full")  # the rest of the leave's day
    st = _standing(tctx, reps[0], TODAY)
    assert st.days == 4.5 and not st.days_met  # N − ½
    assert st.absences == 0
    other = _session(office, tctx, date(2026, 5, 19), reps=reps[:1])
    service.check_in(
        office, tctx, other.id, reps[0].id, day=date(2026, 5, 19), half="morning", today=TODAY
    )
    st = _standing(tctx, reps[0], TODAY)
    assert st.days == 5 and st.days_met  # N
    # a second tap with another half corrects the check-in
    service.check_in(
        office, tctx, other.id, reps[0].id, day=date(2026, 5, 19), half="full", today=TODAY
    )
    assert _standing(tctx, reps[0], TODAY).days == 5.5


def test_half_day_leave_does_not_excuse_a_whole_absence(world, clock, office, people, tctx):
    reps, users = people
    s = _session(office, tctx, date(2026, 5, 12), reps=reps[:1])
    inv = _inv(s, reps[0])
    service.answer_invitation(
        actor(users[0]),
        tctx,
        inv.id,
        AnswerInput("leave", "看病", leave_day=date(2026, 5, 12), leave_half="morning"),
        today=date(2026, 5, 11),
    )
    service.decide_leave(office, tctx, inv.id, True)
    st = _standing(tctx, reps[0], TODAY)
    assert st.unexcused == 1 and st.excused == 0
