"""Consultations on the duty record: answered (a secret ballot by its receipt alone), not
answered once the consultation no longer takes answers, and written opinions (a suggestion). A
line names the consultation, never the stance nor the opinion's text."""

from __future__ import annotations

from datetime import date

from lianxin.modules.consultations.models import (
    Consultation,
    Invitee,
    Mode,
    Receipt,
    Stance,
    State,
)
from tests.duty_records_lines.conftest import add, all_details, count, lines, shanghai, spec_of

ANSWERED = "consultations.answered"
UNANSWERED = "consultations.unanswered"
OPINIONS = "consultations.opinions"


def _consultation(township, title, deadline, state=State.CLOSED, mode=Mode.OPINION):
    return add(
        township,
        Consultation(
            title=title,
            kind="decision",
            mode=mode,
            deadline=deadline,
            state=state,
            audience={"everyone": True},
        ),
    )[0]


def _invite(township, consultation, rep, **answer):
    return add(
        township, Invitee(consultation_id=consultation.id, representative_id=rep.id, **answer)
    )[0]


def test_answered_unanswered_and_opinions(township, clock, reps):
    a, b, c = reps[:3]
    plan = _consultation(township, "镇区道路改造方案", date(2026, 4, 10))
    _invite(
        township,
        plan,
        a,
        stance=Stance.OPINION,
        opinion="建议先修学校门口的路段",
        answered_at=shanghai(2026, 4, 8),
    )
    _invite(township, plan, b, stance=Stance.DISAGREE, answered_at=shanghai(2026, 4, 9))
    _invite(township, plan, c)  # asked, never answered
    vote = _consultation(township, "表彰名单表决", date(2026, 6, 1), mode=Mode.SECRET_VOTE)
    voted = _invite(township, vote, a)
    add(township, Receipt(consultation_id=vote.id, invitee_id=voted.id))
    _invite(township, vote, b)
    still_open = _consultation(township, "仍在征询", date(2026, 12, 31), state=State.OPEN)
    _invite(township, still_open, c)  # its deadline has passed (today 2027-01-15): not answered

    found = lines(spec_of("consultations"), township, [a.id, b.id, c.id])

    assert count(found, a.id, ANSWERED) == 2 and count(found, a.id, OPINIONS) == 1
    assert count(found, a.id, UNANSWERED) == 0
    assert count(found, b.id, ANSWERED) == 1 and count(found, b.id, UNANSWERED) == 1
    assert count(found, b.id, OPINIONS) == 0
    assert count(found, c.id, UNANSWERED) == 2
    assert found[a.id][OPINIONS].details == ("4月10日 对征询《镇区道路改造方案》提出意见",)
    text = all_details(found)
    for hidden in ("学校门口", "同意", "反对", "disagree", "opinion"):
        assert hidden not in text


def test_an_open_consultation_before_its_deadline_is_not_missed(township, clock, reps):
    a = reps[0]
    clock.today = date(2026, 5, 20)
    asked = _consultation(township, "仍在征询", date(2026, 5, 20), state=State.OPEN)
    _invite(township, asked, a)
    assert lines(spec_of("consultations"), township, [a.id]) == {}
    clock.today = date(2026, 5, 21)
    assert count(lines(spec_of("consultations"), township, [a.id]), a.id, UNANSWERED) == 1
