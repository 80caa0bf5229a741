"""The operator-kept working calendar: seeded from the package, a year loaded from the State
Council's notice, county local holidays on top, the cache, recomputes and the audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from lianxin import work_calendar
from lianxin.audit.models import AuditEntry
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.work_calendar import service
from lianxin.work_calendar.models import WorkCalendarDay, WorkCalendarYear
from tests.work_calendar.conftest import ADJUSTED_SATURDAY_2027, NOTICE_2027, SPRING_2027


def _rows(year: int, county_id: int | None = None) -> list[WorkCalendarDay]:
    query = select(WorkCalendarDay).where(
        WorkCalendarDay.day >= date(year, 1, 1), WorkCalendarDay.day <= date(year, 12, 31)
    )
    query = query.where(
        WorkCalendarDay.county_id.is_(None)
        if county_id is None
        else WorkCalendarDay.county_id == county_id
    )
    return list(db.session.scalars(query.order_by(WorkCalendarDay.day)))


# -- the migration seeded the package's years: 2004–2026 behave as before -----------------------


def test_the_packages_years_are_seeded_as_official(app):
    assert work_calendar.is_official(2004)
    assert work_calendar.is_official(2026)
    assert not work_calendar.is_official(2027)
    assert not work_calendar.is_official(2003)
    # Spring Festival 2026: Monday 16 off, Saturday 14 and 28 February adjusted working days.
    assert not work_calendar.is_working_day(date(2026, 2, 16))
    assert work_calendar.is_working_day(date(2026, 2, 14))
    assert work_calendar.is_working_day(date(2026, 2, 28))
    assert not work_calendar.is_working_day(date(2026, 3, 1))  # an ordinary Sunday
    year = db.session.get(WorkCalendarYear, 2026)
    assert year is not None and year.source == "package"
    rows = {r.day: r for r in _rows(2026)}
    assert rows[date(2026, 2, 16)].name == "春节" and not rows[date(2026, 2, 16)].working
    assert rows[date(2026, 2, 14)].working and rows[date(2026, 2, 14)].source == "package"
    # Only the days that differ from Monday–Friday are stored: no ordinary weekend, no
    # holiday that falls on a weekend anyway.
    assert date(2026, 2, 15) not in rows  # Sunday inside the holiday
    assert all(r.working == (r.day.weekday() >= 5) for r in rows.values())


def test_the_database_agrees_with_the_package_on_every_day_it_covers(app):
    import chinese_calendar

    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert work_calendar.is_working_day(day) is chinese_calendar.is_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)


# -- loading 2027 --------------------------------------------------------------------------------


def test_loading_2027_makes_it_official_with_its_holidays_and_adjusted_saturday(app, operator):
    assert work_calendar.is_working_day(SPRING_2027)  # the estimate: a Monday
    assert not work_calendar.is_working_day(ADJUSTED_SATURDAY_2027)
    assert not work_calendar.is_official(2027)
    assert deadlines.is_estimated(date(2027, 2, 1), date(2027, 3, 1))

    result = service.load_calendar(operator, NOTICE_2027, filename="2027.csv")

    assert result.years == (2027,)
    assert not work_calendar.is_working_day(SPRING_2027)
    assert work_calendar.is_working_day(ADJUSTED_SATURDAY_2027)
    assert not work_calendar.is_working_day(date(2027, 1, 1))
    assert work_calendar.is_official(2027)
    assert not deadlines.is_estimated(date(2027, 2, 1), date(2027, 3, 1))
    # Five working days after Friday 5 February 2027: the holiday week does not count.
    assert deadlines.add_days(date(2027, 2, 5), 5, "working") == date(2027, 2, 19)
    stored = {r.day: r for r in _rows(2027)}
    assert set(stored) == {
        date(2027, 1, 1),
        *(date(2027, 2, n) for n in range(8, 13)),
        ADJUSTED_SATURDAY_2027,
    }
    assert stored[ADJUSTED_SATURDAY_2027].name == "春节调休上班"
    assert stored[SPRING_2027].source == "state_council"
    assert stored[SPRING_2027].changed_by_id == operator.user_id
    # The weekend rows of the notice were no-ops, said so.
    assert len(result.ignored) == 2 and "2027-02-06" in result.ignored[0]
    year = db.session.get(WorkCalendarYear, 2027)
    assert year.source == "state_council" and year.loaded_by_id == operator.user_id


def test_a_load_replaces_only_the_national_rows_of_its_year(app, world, operator, county_admin):
    service.add_local_holiday(county_admin, world.county, date(2026, 3, 3), "县庆")
    replacement = "date,type,name\n2026-03-02,off,测试假日\n"
    service.load_calendar(operator, replacement, filename="2026.csv")
    assert [(r.day, r.working) for r in _rows(2026)] == [(date(2026, 3, 2), False)]
    assert work_calendar.is_working_day(date(2026, 2, 16))  # the package's row is gone
    assert not work_calendar.is_working_day(date(2026, 3, 3), world.county.id)  # county row kept
    assert len(_rows(2026, world.county.id)) == 1
    assert not work_calendar.is_working_day(date(2025, 10, 1))  # other years untouched


def test_only_the_platform_operator_loads_the_national_calendar(app, county_admin):
    with pytest.raises(PermissionDenied):
        service.load_calendar(county_admin, NOTICE_2027)
    assert not work_calendar.is_official(2027)


@pytest.mark.parametrize(
    "bad, word",
    [
        ("2027-02-30,off,春节\n", "2027-02-30"),
        ("2027/02/08,off,春节\n", "2027/02/08"),
        ("2027-02-08,maybe,春节\n", "maybe"),
        ("2027-02-08,off,春节\n2027-02-08,working,春节\n", "2027-02-08"),
        ("", "没有"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(app, operator, bad, word):
    before = db.session.scalar(select(func.count()).select_from(WorkCalendarDay))
    text_ = "date,type,name\n2027-02-09,off,春节\n" + bad if bad else ""
    with pytest.raises(ValidationFailed) as caught:
        service.load_calendar(operator, text_, filename="x.csv")
    assert any(word in m for m in caught.value.errors["file"]), caught.value.errors
    assert not work_calendar.is_official(2027)
    assert work_calendar.is_working_day(date(2027, 2, 9))
    assert db.session.scalar(select(func.count()).select_from(WorkCalendarDay)) == before
    assert db.session.get(WorkCalendarYear, 2027) is None


def test_a_yaml_file_loads_the_same(app, operator):
    yaml_text = (
        "- {date: 2027-02-08, type: 休, name: 春节}\n"
        "- date: '2027-02-20'\n  type: 班\n  name: 春节调休上班\n"
    )
    service.load_calendar(operator, yaml_text, filename="2027.yaml")
    assert not work_calendar.is_working_day(SPRING_2027)
    assert work_calendar.is_working_day(ADJUSTED_SATURDAY_2027)
    assert work_calendar.is_official(2027)


def test_a_weekday_marked_working_is_ignored_with_a_message(app, operator):
    result = service.load_calendar(
        operator, "date,type,name\n2027-02-08,off,春节\n2027-02-09,working,误填\n"
    )
    assert len(result.ignored) == 1 and "2027-02-09" in result.ignored[0]
    assert [r.day for r in _rows(2027)] == [SPRING_2027]


# -- county local holidays -----------------------------------------------------------------------


def test_a_county_local_holiday_affects_only_that_county(app, world, county_admin):
    day = date(2027, 3, 3)  # a Wednesday
    service.add_local_holiday(county_admin, world.county, day, "县庆日")
    assert not work_calendar.is_working_day(day, world.county.id)
    assert work_calendar.is_working_day(day, world.far_county.id)
    assert work_calendar.is_working_day(day)
    assert not work_calendar.is_official(2027)  # a local holiday makes no year official
    assert deadlines.add_days(date(2027, 3, 2), 1, "working", world.county.id) == date(2027, 3, 4)
    assert deadlines.add_days(date(2027, 3, 2), 1, "working", world.far_county.id) == day
    service.remove_local_holiday(county_admin, world.county, day)
    assert work_calendar.is_working_day(day, world.county.id)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.county_id == world.county.id)
    ).all()
    assert "work_calendar.local_holiday_added" in actions
    assert "work_calendar.local_holiday_removed" in actions


def test_a_county_admin_manages_only_their_own_county(app, world):
    from lianxin.auth.actor import actor_for

    far_admin = actor_for(world.users["far_county_admin"])
    with pytest.raises((PermissionDenied, Exception)):
        service.add_local_holiday(far_admin, world.county, date(2027, 3, 3), "县庆日")
    assert work_calendar.is_working_day(date(2027, 3, 3), world.county.id)


@pytest.mark.parametrize(
    "day, word",
    [(date(2027, 3, 6), "周末"), (date(2026, 10, 7), "法定"), (date(2026, 10, 9), "")],
)
def test_a_local_holiday_must_change_something(app, world, county_admin, day, word):
    if not word:  # a duplicate
        service.add_local_holiday(county_admin, world.county, day, "县庆日")
        word = "已"
    with pytest.raises(ValidationFailed) as caught:
        service.add_local_holiday(county_admin, world.county, day, "县庆日")
    assert word in caught.value.message


# -- the cache -----------------------------------------------------------------------------------


def test_the_cache_sees_a_load_made_through_the_service(app, operator):
    assert work_calendar.is_working_day(SPRING_2027)  # cached: the 2027 estimate
    service.load_calendar(operator, NOTICE_2027)
    assert not work_calendar.is_working_day(SPRING_2027)


def test_the_cache_sees_another_processs_write_on_the_next_request(app, client):
    from flask import g

    assert work_calendar.is_working_day(SPRING_2027)
    # Another process loads the day and bumps the revision; this process's cache is stale.
    db.session.execute(
        text(
            "INSERT INTO work_calendar_days (day, working, name, source, changed_at) "
            "VALUES (:d, :w, '春节', 'state_council', :t)"
        ),
        {"d": SPRING_2027, "w": False, "t": "2026-12-01 00:00:00+00:00"},
    )
    db.session.execute(text("UPDATE work_calendar_revision SET revision = revision + 1"))
    db.session.commit()
    assert work_calendar.is_working_day(SPRING_2027)  # same request: the cache answers
    client.get("/login")  # a new request reads the revision once
    g.pop("lianxin_calendar_checked", None)
    assert not work_calendar.is_working_day(SPRING_2027)


# -- recomputes ----------------------------------------------------------------------------------


def test_a_load_calls_every_recompute_with_the_year_and_audits_the_counts(
    app, operator, monkeypatch
):
    calls = []

    def dummy(year: int) -> int:
        # Inside the load's transaction: the new calendar is already what everyone sees.
        seen = (work_calendar.is_working_day(SPRING_2027), work_calendar.is_official(year))
        calls.append((year, *seen))
        assert work_calendar.current_loader() == operator
        return 3

    monkeypatch.setitem(work_calendar._recomputes, "dummy", dummy)
    result = service.load_calendar(operator, NOTICE_2027)
    assert calls == [(2027, False, True)]
    # Every registered recompute ran (other parts register theirs); ours counted 3.
    assert result.recomputed[2027]["dummy"] == 3
    assert set(result.recomputed[2027]) == set(work_calendar.recomputes())
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "work_calendar.loaded")
    ).one()
    assert entry.chain == "platform" and entry.target_id == "2027"
    assert entry.after["recomputed"] == result.recomputed[2027]
    assert entry.after["off_days"] == 6 and entry.after["working_days"] == 1
    assert entry.after["source"] == "state_council"
    assert entry.before == {"official": False, "source": None, "days": 0}


def test_a_failing_recompute_rolls_the_whole_load_back(app, operator, monkeypatch):
    def broken(year: int) -> int:
        raise RuntimeError("recompute failed")

    monkeypatch.setitem(work_calendar._recomputes, "broken", broken)
    with pytest.raises(RuntimeError):
        service.load_calendar(operator, NOTICE_2027)
    assert not work_calendar.is_official(2027)
    assert work_calendar.is_working_day(SPRING_2027)
    assert _rows(2027) == []


# -- the warning from November -------------------------------------------------------------------


def test_next_year_is_missing_from_november_only(app, operator):
    assert service.missing_next_year(date(2026, 10, 31)) is None
    assert service.missing_next_year(date(2026, 11, 1)) == 2027
    assert service.missing_next_year(date(2025, 11, 1)) is None  # 2026 is official
    service.load_calendar(operator, NOTICE_2027)
    assert service.missing_next_year(date(2026, 11, 1)) is None


def test_the_readme_example_reproduces_the_packages_2026(app, operator):
    """The README's file format example, loaded, gives 2026 exactly as the package has it."""
    import re
    from pathlib import Path

    import chinese_calendar

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Working calendar", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```csv\n(.*?)```", section, re.S).group(1)
    result = service.load_calendar(operator, example, filename="2026.csv")
    assert result.years == (2026,)
    assert db.session.get(WorkCalendarYear, 2026).source == "state_council"
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert work_calendar.is_working_day(day) is chinese_calendar.is_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)
