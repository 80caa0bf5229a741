"""Training on the duty record: sessions attended, days present (half a day 0.5), and unexcused
absences (invited, the session over, no day present, no approved leave for the session: a half
day's leave does not excuse it); a cancelled session counts for nothing, and the Shanghai
year's last and first days fall in their own years."""

from __future__ import annotations

from datetime import date, timedelta

from lianxin.modules.trainings.models import (
    Answer,
    Half,
    Leave,
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)
from tests.duty_records_lines.conftest import (
    NEXT_YEAR,
    add,
    all_details,
    count,
    lines,
    shanghai,
    spec_of,
)

SESSIONS = "trainings.sessions_attended"
DAYS = "trainings.days_attended"
UNEXCUSED = "trainings.unexcused_absences"


def _session(township, title, starts_on, days=1, **extra):
    return add(
        township,
        TrainingSession(
            title=title,
            kind="study",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
            term=13,
            **extra,
        ),
    )[0]


def _invite(township, session, *reps, **extra):
    add(
        township,
        *(
            TrainingInvitation(session_id=session.id, representative_id=rep.id, term=13, **extra)
            for rep in reps
        ),
    )


def _check_in(township, session, rep, day, half=Half.FULL, at=None):
    add(
        township,
        TrainingCheckIn(
            session_id=session.id,
            representative_id=rep.id,
            day=day,
            half=half,
            checked_in_at=at or shanghai(day.year, day.month, day.day, 9),
        ),
    )


def test_sessions_days_and_unexcused_absences(township, clock, reps):
    a, b, c, d = reps[:4]
    party_school = _session(township, "党校培训", date(2026, 4, 13), days=3)
    _invite(township, party_school, a, b, c, d)
    for offset in range(3):
        _check_in(township, party_school, a, date(2026, 4, 13) + timedelta(days=offset))
    _check_in(township, party_school, b, date(2026, 4, 14), half=Half.MORNING)
    # c asked for leave, approved with a reason of their own; d never answered.
    add(
        township,
        TrainingInvitation(
            session_id=_session(township, "集中学习", date(2026, 6, 8)).id,
            representative_id=c.id,
            term=13,
            answer=Answer.LEAVE,
            leave=Leave.APPROVED,
            leave_reason="陪护住院的母亲",
        ),
    )
    half_leave = _session(township, "专题学习", date(2026, 9, 7))
    _invite(
        township,
        half_leave,
        d,
        answer=Answer.LEAVE,
        leave=Leave.APPROVED,
        leave_day=date(2026, 9, 7),
        leave_half=Half.AFTERNOON,
    )
    cancelled = _session(
        township,
        "取消的学习",
        date(2026, 10, 12),
        cancelled_at=shanghai(2026, 10, 1),
        cancel_reason="上级通知",
    )
    _invite(township, cancelled, a, b, c, d)
    _check_in(township, cancelled, a, date(2026, 10, 12))

    found = lines(spec_of("trainings"), township, [a.id, b.id, c.id, d.id])

    assert count(found, a.id, SESSIONS) == 1 and count(found, a.id, DAYS) == 3
    assert count(found, a.id, UNEXCUSED) == 0
    assert count(found, b.id, SESSIONS) == 1 and count(found, b.id, DAYS) == 0.5
    assert found[b.id][DAYS].details == ("4月14日 学习培训《党校培训》（半天）",)
    assert c.id in found and count(found, c.id, UNEXCUSED) == 1  # the party school only
    assert count(found, d.id, UNEXCUSED) == 2  # the party school, and the half day's leave
    assert "陪护" not in all_details(found)


def test_a_session_under_way_is_not_an_absence(township, clock, reps):
    a = reps[0]
    clock.today = date(2026, 4, 15)
    _invite(township, _session(township, "党校培训", date(2026, 4, 13), days=3), a)
    assert lines(spec_of("trainings"), township, [a.id]) == {}
    clock.today = date(2026, 4, 16)
    assert count(lines(spec_of("trainings"), township, [a.id]), a.id, UNEXCUSED) == 1


def test_the_last_and_first_day_of_the_year_are_in_their_own_years(township, clock, reps):
    a = reps[0]
    eve = _session(township, "跨年学习", date(2026, 12, 31), days=2)
    _invite(township, eve, a)
    _check_in(township, eve, a, date(2026, 12, 31), at=shanghai(2026, 12, 31, 23, 30))
    _check_in(township, eve, a, date(2027, 1, 1), at=shanghai(2027, 1, 1, 0, 10))

    year_2026 = lines(spec_of("trainings"), township, [a.id])
    year_2027 = lines(spec_of("trainings"), township, [a.id], *NEXT_YEAR)
    assert year_2026[a.id][DAYS].details == ("12月31日 学习培训《跨年学习》",)
    assert year_2027[a.id][DAYS].details == ("1月1日 学习培训《跨年学习》",)
    # The session counts once, in the year of its first day present.
    assert count(year_2026, a.id, SESSIONS) == 1 and count(year_2027, a.id, SESSIONS) == 0
