"""Casework on the duty record: the cases a representative received first (首问) and how many
of them are closed, and the cases they raised themselves (a constructive suggestion). A line
names the case by number and state, never its title, text or the person who raised it; the
Shanghai year's last half hour is in that year, its first ten minutes in the next."""

from __future__ import annotations

import itertools

from lianxin.casework.models import Case, CaseState
from tests.duty_records_lines.conftest import (
    NEXT_YEAR,
    YEAR,
    add,
    all_details,
    count,
    lines,
    shanghai,
    spec_of,
)

RECEIVED = "casework.cases_received"
CLOSED = "casework.cases_closed"
RAISED = "casework.cases_raised"

_n = itertools.count(1)


def _case(township, created_at, *, received_by=None, recorded_by=None, on_behalf=True, **extra):
    n = next(_n)
    fields = {
        "tracking_hash": f"{n:064d}",
        "channel": "reception_day",
        "category": "民生",
        "title": "村口路灯坏了很久",
        "body": "张大爷反映村口路灯坏了三个月，电话13912345678",
        "raiser_name": "张大爷",
        "raiser_phone": "13912345678",
        "state": CaseState.RECEIVED,
        "created_at": created_at,
        "received_by_id": received_by,
        "recorded_by_id": recorded_by,
        "on_behalf": on_behalf,
        **extra,
    }
    return add(township, Case(**fields))[0]


def test_cases_received_closed_and_raised_of_two_representatives(township, clock, reps):
    a, b, c = reps[:3]
    one = _case(township, shanghai(2026, 3, 9), received_by=a.id)  # the public's web form
    _case(
        township,
        shanghai(2026, 4, 1),
        received_by=a.id,
        recorded_by=a.user_id,  # a recorded it for someone (代为登记)
        state=CaseState.ARCHIVED,
        closed_at=shanghai(2026, 5, 1),
    )
    _case(township, shanghai(2026, 6, 1), received_by=b.id)
    # b raised one of their own, from their account: a suggestion, not a case received.
    own = _case(
        township,
        shanghai(2026, 7, 1),
        received_by=b.id,
        recorded_by=b.user_id,
        on_behalf=False,
        raiser_name=None,
        raiser_phone=None,
    )
    _case(township, shanghai(2025, 12, 1), received_by=a.id)  # another year

    found = lines(spec_of("casework"), township, [a.id, b.id, c.id])

    assert count(found, a.id, RECEIVED) == 2 and count(found, a.id, CLOSED) == 1
    assert count(found, a.id, RAISED) == 0
    assert count(found, b.id, RECEIVED) == 1 and count(found, b.id, RAISED) == 1
    assert count(found, b.id, CLOSED) == 0
    assert c.id not in found
    assert found[a.id][RECEIVED].details[0] == f"3月9日 诉求 #{one.id}（已接待）"
    assert found[b.id][RAISED].details == (f"7月1日 提出意见建议 #{own.id}（已接待）",)
    text = all_details(found)
    for private in ("张大爷", "13912345678", "路灯"):
        assert private not in text


def test_a_case_is_in_the_shanghai_year_it_was_registered(township, clock, reps):
    a = reps[0]
    late = _case(township, shanghai(2026, 12, 31, 23, 30), received_by=a.id)
    early = _case(township, shanghai(2027, 1, 1, 0, 10), received_by=a.id)

    year_2026 = lines(spec_of("casework"), township, [a.id], *YEAR)
    year_2027 = lines(spec_of("casework"), township, [a.id], *NEXT_YEAR)
    assert year_2026[a.id][RECEIVED].details == (f"12月31日 诉求 #{late.id}（已接待）",)
    assert year_2027[a.id][RECEIVED].details == (f"1月1日 诉求 #{early.id}（已接待）",)
