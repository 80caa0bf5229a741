"""The term record (届) of a real part: its details carry the year ("2026年3月9日 …") and the
"……另 n 条" line comes once, at the end, after the years' details (the record gathered each
year apart: days without a year, and a "……另 n 条" in the middle)."""

from __future__ import annotations

from datetime import date, time

from lianxin.db.tenancy import tenant_context
from lianxin.duty_records import service
from lianxin.modules import duty_lines
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
)
from tests.duty_records_lines.conftest import add
from tests.factories import actor

KEPT = "reception_days.duties_kept"


def _kept(township, rep, *days):
    site = add(township, Site(kind="station", name="城关站"))[0]
    schedules = {}
    for day in days:
        if day.year not in schedules:
            schedules[day.year] = add(
                township, Schedule(year=day.year, status=ScheduleStatus.PUBLISHED, rule={})
            )[0]
        held = add(
            township,
            ReceptionDay(
                schedule_id=schedules[day.year].id,
                day=day,
                rule_day=day,
                starts_at=time(9),
                ends_at=time(11, 30),
            ),
        )[0]
        add(township, DaySite(day_id=held.id, site_id=site.id))
        add(
            township,
            Duty(
                day_id=held.id, site_id=site.id, representative_id=rep.id, status=DutyStatus.ON_DUTY
            ),
        )


def _term_line(world, rep_id, year):
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        term = service.get_term_record(office, world.township, rep_id, year)
    return next(ln for ln in term.lines if ln.key == KEPT), term


def test_term_details_carry_the_year_and_the_rest_line_ends_the_list(
    world, clock, reps, monkeypatch
):
    monkeypatch.setattr(duty_lines, "MAX_DETAILS", 3)
    a = reps[0]
    _kept(
        world.township,
        a,
        date(2026, 3, 9),
        date(2026, 6, 8),
        date(2026, 9, 14),
        date(2027, 1, 5),
        date(2027, 1, 12),
    )
    line, term = _term_line(world, a.id, 2027)
    assert term.years == (2026, 2027)  # the default term 2026–2030, up to this year
    assert line.count == 5
    assert line.details == (
        "2026年3月9日 接待日（城关站）",
        "2026年6月8日 接待日（城关站）",
        "2026年9月14日 接待日（城关站）",
        "……另 2 条",
    )


def test_a_term_of_one_year_so_far_dates_its_details_too(world, clock, reps):
    a = reps[0]
    clock.today = date(2026, 12, 20)
    _kept(world.township, a, date(2026, 3, 9))
    line, term = _term_line(world, a.id, 2026)
    assert term.years == (2026,)
    assert line.details == ("2026年3月9日 接待日（城关站）",)
