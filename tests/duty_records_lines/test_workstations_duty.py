"""Workstations on the duty record: shifts kept (published, the day come), shifts missed (the
representative replaced on a published shift by a substitute), and meetings with the public; a
shift never published or still to come counts neither way, and the substitution's reason stays
off the record."""

from __future__ import annotations

from datetime import date, time

from lianxin.modules.workstations.models import (
    Meeting,
    MeetingKind,
    MeetingRepresentative,
    Shift,
    Station,
)
from tests.duty_records_lines.conftest import add, all_details, count, lines, spec_of

KEPT = "workstations.shifts_kept"
MISSED = "workstations.shifts_missed"
MEETINGS = "workstations.meetings"


def _shift(township, station, rep, day, published=True, **extra):
    add(
        township,
        Shift(
            station_id=station.id,
            representative_id=rep.id,
            day=day,
            starts_at=time(9),
            ends_at=time(11),
            published=published,
            **extra,
        ),
    )


def test_shifts_kept_missed_and_meetings(township, clock, reps):
    a, b, c = reps[:3]
    station = add(township, Station(kind="township", name="城关工作站"))[0]
    _shift(township, station, a, date(2026, 3, 2))
    _shift(township, station, a, date(2026, 3, 9), published=False)  # never announced
    # b fell ill: a substitute (c) took the published shift inside the lead time.
    _shift(
        township,
        station,
        c,
        date(2026, 4, 6),
        replaced_representative_id=b.id,
        swap_reason="代表住院",
    )
    meeting = add(
        township,
        Meeting(
            station_id=station.id, kind=MeetingKind.THEMED, held_on=date(2026, 5, 20), topic="议题"
        ),
    )[0]
    add(
        township,
        MeetingRepresentative(meeting_id=meeting.id, representative_id=a.id),
        MeetingRepresentative(meeting_id=meeting.id, representative_id=b.id),
    )

    found = lines(spec_of("workstations"), township, [a.id, b.id, c.id])

    assert count(found, a.id, KEPT) == 1 and count(found, a.id, MEETINGS) == 1
    assert count(found, b.id, KEPT) == 0 and count(found, b.id, MISSED) == 1
    assert count(found, b.id, MEETINGS) == 1
    assert count(found, c.id, KEPT) == 1 and count(found, c.id, MISSED) == 0
    assert found[b.id][MISSED].details == ("4月6日 工作站缺班（城关工作站）",)
    assert found[a.id][MEETINGS].details == ("5月20日 主题约见（城关工作站）",)
    assert "住院" not in all_details(found)


def test_a_shift_still_to_come_is_not_kept(township, clock, reps):
    a = reps[0]
    station = add(township, Station(kind="township", name="城关工作站"))[0]
    clock.today = date(2026, 3, 1)
    _shift(township, station, a, date(2026, 3, 2))
    assert lines(spec_of("workstations"), township, [a.id]) == {}
    clock.today = date(2026, 3, 2)
    assert count(lines(spec_of("workstations"), township, [a.id]), a.id, KEPT) == 1
