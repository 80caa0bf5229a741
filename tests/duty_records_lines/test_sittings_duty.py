"""Sitting in on the duty record: meetings sat in on, missed (recorded absent, or declined once
the day has passed), and suggestions made there (a suggestion). The reason for declining and
the suggestion's text stay off the record."""

from __future__ import annotations

from datetime import date

from lianxin.modules.sittings.models import Answer, Invitation, Meeting, Suggestion
from tests.duty_records_lines.conftest import add, all_details, count, lines, shanghai, spec_of

ATTENDED = "sittings.attended"
MISSED = "sittings.missed"
SUGGESTIONS = "sittings.suggestions"


def _meeting(township, title, held_on, held_at=None):
    return add(
        township,
        Meeting(title=title, kind="full_committee", held_on=held_on, term=13, held_at=held_at),
    )[0]


def _invite(township, meeting, rep, answer=Answer.CONFIRMED, attended=None, **extra):
    add(
        township,
        Invitation(
            meeting_id=meeting.id,
            representative_id=rep.id,
            term=13,
            answer=answer,
            attended=attended,
            **extra,
        ),
    )


def test_sat_in_missed_and_suggestions(township, clock, reps):
    a, b, c, d = reps[:4]
    plenary = _meeting(township, "党委全体扩大会议", date(2026, 7, 3), shanghai(2026, 7, 3, 17))
    _invite(township, plenary, a, attended=True)
    _invite(township, plenary, b, attended=False)
    _invite(
        township,
        plenary,
        c,
        answer=Answer.DECLINED,
        attended=False,
        decline_reason="外出务工（私事）",
    )
    add(
        township,
        Suggestion(meeting_id=plenary.id, representative_id=a.id, text="建议公开财务收支明细"),
    )
    unrecorded = _meeting(township, "党委会", date(2026, 11, 5))  # attendance never recorded
    _invite(township, unrecorded, d, answer=Answer.DECLINED, decline_reason="身体不适")
    _invite(township, unrecorded, a)  # confirmed, nothing recorded: neither way

    found = lines(spec_of("sittings"), township, [a.id, b.id, c.id, d.id])

    assert count(found, a.id, ATTENDED) == 1 and count(found, a.id, SUGGESTIONS) == 1
    assert count(found, a.id, MISSED) == 0
    assert count(found, b.id, MISSED) == 1 and count(found, c.id, MISSED) == 1
    assert count(found, d.id, MISSED) == 1
    assert found[d.id][MISSED].details == ("11月5日 谢绝列席《党委会》",)
    text = all_details(found)
    for hidden in ("外出", "身体", "财务"):
        assert hidden not in text


def test_a_decline_before_the_day_is_not_yet_missed(township, clock, reps):
    a = reps[0]
    clock.today = date(2026, 11, 5)
    _invite(township, _meeting(township, "党委会", date(2026, 11, 5)), a, answer=Answer.DECLINED)
    assert lines(spec_of("sittings"), township, [a.id]) == {}
    clock.today = date(2026, 11, 6)
    assert count(lines(spec_of("sittings"), township, [a.id]), a.id, MISSED) == 1
