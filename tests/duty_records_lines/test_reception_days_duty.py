"""Reception days on the duty record: duties kept (a substitute's too) and missed on the days
held; a day of a draft schedule or still to come counts nowhere; the Shanghai year's last and
first days fall in their own years; the reason of an absence stays off the record."""

from __future__ import annotations

from datetime import date, time

from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
)
from tests.duty_records_lines.conftest import (
    NEXT_YEAR,
    YEAR,
    add,
    all_details,
    count,
    lines,
    spec_of,
)

KEPT = "reception_days.duties_kept"
MISSED = "reception_days.duties_missed"


def _site(township, name="城关站"):
    return add(township, Site(kind="station", name=name))[0]


def _schedule(township, year, status=ScheduleStatus.PUBLISHED):
    return add(township, Schedule(year=year, status=status, rule={}))[0]


def _day(township, schedule, site, day):
    reception = add(
        township,
        ReceptionDay(
            schedule_id=schedule.id,
            day=day,
            rule_day=day,
            starts_at=time(9),
            ends_at=time(11, 30),
        ),
    )[0]
    add(township, DaySite(day_id=reception.id, site_id=site.id))
    return reception


def _duty(township, day, site, rep, status=DutyStatus.ON_DUTY, **extra):
    return add(
        township,
        Duty(day_id=day.id, site_id=site.id, representative_id=rep.id, status=status, **extra),
    )[0]


def test_duties_kept_and_missed_of_two_representatives(township, clock, reps):
    a, b, c = reps[:3]
    site = _site(township)
    schedule = _schedule(township, 2026)
    march, june, sept = (
        _day(township, schedule, site, date(2026, 3, 9)),
        _day(township, schedule, site, date(2026, 6, 8)),
        _day(township, schedule, site, date(2026, 9, 14)),
    )
    _duty(township, march, site, a)
    _duty(township, june, site, a)
    absent = _duty(
        township, sept, site, b, status=DutyStatus.ABSENT, absence_reason="住院治疗（私事）"
    )
    _duty(township, sept, site, a, substitute_for_id=absent.id)
    _duty(township, march, site, b)

    found = lines(spec_of("reception_days"), township, [a.id, b.id, c.id])

    assert count(found, a.id, KEPT) == 3 and count(found, a.id, MISSED) == 0
    assert count(found, b.id, KEPT) == 1 and count(found, b.id, MISSED) == 1
    assert c.id not in found  # nothing to say: every key zero
    assert found[a.id][KEPT].details == (
        "3月9日 接待日（城关站）",
        "6月8日 接待日（城关站）",
        "9月14日 接待日替班（城关站）",
    )
    assert found[b.id][MISSED].details == ("9月14日 接待日缺岗（城关站）",)
    assert "住院" not in all_details(found)


def test_a_draft_schedule_or_a_day_to_come_counts_nowhere(township, clock, reps):
    a = reps[0]
    site = _site(township)
    draft = _schedule(township, 2026, status=ScheduleStatus.DRAFT)
    _duty(township, _day(township, draft, site, date(2026, 5, 11)), site, a)
    published = _schedule(township, 2027)
    clock.today = date(2027, 2, 7)
    _duty(township, _day(township, published, site, date(2027, 2, 7)), site, a)  # today: held
    _duty(township, _day(township, published, site, date(2027, 2, 8)), site, a)  # tomorrow

    assert lines(spec_of("reception_days"), township, [a.id]) == {}
    later = lines(spec_of("reception_days"), township, [a.id], *NEXT_YEAR)
    assert count(later, a.id, KEPT) == 1


def test_the_last_and_first_day_of_the_year_are_in_their_own_years(township, clock, reps):
    a = reps[0]
    site = _site(township)
    _duty(township, _day(township, _schedule(township, 2026), site, date(2026, 12, 31)), site, a)
    _duty(township, _day(township, _schedule(township, 2027), site, date(2027, 1, 1)), site, a)

    year_2026 = lines(spec_of("reception_days"), township, [a.id], *YEAR)
    year_2027 = lines(spec_of("reception_days"), township, [a.id], *NEXT_YEAR)
    assert year_2026[a.id][KEPT].details == ("12月31日 接待日（城关站）",)
    assert year_2027[a.id][KEPT].details == ("1月1日 接待日（城关站）",)


def test_another_townships_duties_are_not_read(township, other_township, clock, reps):
    a = reps[0]
    site = _site(township)
    _duty(township, _day(township, _schedule(township, 2026), site, date(2026, 3, 9)), site, a)
    # Asked in the other township's context, our representative's id finds nothing there.
    assert lines(spec_of("reception_days"), other_township, [a.id]) == {}
