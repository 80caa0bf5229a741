"""The reception-days use cases: generation, the pairing rule, publishing, moves, absences and
substitutes, notices, reminders and summaries — on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import (
    DayCaseInput,
    GenerateInput,
    GenerateInputSchema,
    MoveInput,
    PeopleReceivedInputSchema,
)
from lianxin.modules.reception_days.models import Duty, DutyStatus, ScheduleStatus
from lianxin.notify.models import OutboxMessage
from lianxin.usecases import load_input
from tests.factories import actor


def _staff(cast, tctx, office, year=2026, sites=None, **kw):
    site_ids = [s.id for s in (sites or (cast.room, cast.centre))]
    return service.generate(office, tctx, GenerateInput(year, site_ids), **kw)


def _good_teams(cast, tctx, office, view):
    first = view.days[0].day.id
    r = cast.reps
    service.set_team(
        office, tctx, first, cast.room.id, [r["cadre1"].id, r["a"].id], apply_to_rest=True
    )
    service.set_team(
        office, tctx, first, cast.centre.id, [r["cadre2"].id, r["b"].id], apply_to_rest=True
    )


def test_generate_default_rule_gives_the_16th_of_each_month_moved_off_rest_days(
    clock, cast, tctx, office
):
    view = _staff(cast, tctx, office)
    days = [d.day for d in view.days]
    assert len(days) == 12
    by_rule = {d.rule_day: d.day for d in days}
    # 2026-05-16 is a Saturday → Monday 18 May; 2026-08-16 a Sunday → Monday 17 August.
    assert by_rule[date(2026, 5, 16)] == date(2026, 5, 18)
    assert by_rule[date(2026, 8, 16)] == date(2026, 8, 17)
    assert by_rule[date(2026, 6, 16)] == date(2026, 6, 16)  # a Tuesday stays
    assert all(len(d.sites) == 2 for d in view.days)
    assert view.schedule.status == ScheduleStatus.DRAFT
    assert view.calendar_known


def test_publish_is_refused_while_a_site_breaks_the_pairing_rule(clock, cast, tctx, office):
    view = _staff(cast, tctx, office)
    with pytest.raises(Conflict) as refused:
        service.publish(office, tctx, 2026)
    assert refused.value.code == "pairing_rule"
    assert len(refused.value.errors["pairing"]) == 12 * 2 * 2  # too few, and no cadre
    _good_teams(cast, tctx, office, view)
    fixed = service.get_schedule(office, tctx, 2026)
    assert fixed.problems == []
    assert service.publish(office, tctx, 2026).status == ScheduleStatus.PUBLISHED


def _published(cast, tctx, office):
    view = _staff(cast, tctx, office)
    _good_teams(cast, tctx, office, view)
    service.publish(office, tctx, 2026)
    return service.get_schedule(office, tctx, 2026)


def _duty_of(rep, day_id):
    return db.session.scalar(
        select(Duty).where(Duty.day_id == day_id, Duty.representative_id == rep.id)
    )


def test_generate_refuses_a_past_year_no_sites_and_a_published_year(clock, cast, tctx, office):
    with pytest.raises(ValidationFailed) as error:
        _staff(cast, tctx, office, year=2024)
    assert "year" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        load_input(GenerateInputSchema, {"year": 2026, "site_ids": []})
    assert "site_ids" in error.value.errors
    _published(cast, tctx, office)
    with pytest.raises(Conflict):
        _staff(cast, tctx, office)


def test_regenerating_a_draft_remakes_only_the_coming_days(clock, cast, tctx, office):
    _staff(cast, tctx, office)
    clock.today = date(2026, 6, 20)
    view = _staff(cast, tctx, office, sites=[cast.room])
    # The days already past keep what they had; the coming ones are made afresh.
    assert [d.day.day.month for d in view.days] == list(range(1, 13))
    assert [len(d.sites) for d in view.days] == [2] * 6 + [1] * 6


def test_a_rule_without_dates_cannot_be_saved_and_a_year_without_coming_days_is_refused(
    clock, cast, tctx, office, world
):
    from lianxin.tenants import service as tenants

    admin = actor(world.users["township_admin"])
    with pytest.raises(ValidationFailed) as error:
        tenants.update_township_settings(admin, tctx, "reception_days", {"rule": "date_list"})
    assert "dates" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        tenants.update_township_settings(
            admin, tctx, "reception_days", {"rule": "date_list", "dates": "02-30"}
        )
    assert "02-30" in error.value.errors["dates"][0]
    tenants.update_township_settings(
        admin, tctx, "reception_days", {"rule": "date_list", "dates": "03-16"}
    )
    clock.today = date(2026, 4, 1)
    with pytest.raises(ValidationFailed) as error:
        _staff(cast, tctx, office)
    assert "year" in error.value.errors


def test_settings_change_the_pairing_rule(clock, cast, tctx, office, world):
    from lianxin.tenants import service as tenants

    view = _staff(cast, tctx, office)
    r = cast.reps
    day = view.days[0].day.id
    service.set_team(office, tctx, day, cast.room.id, [r["a"].id, r["b"].id, r["c"].id])
    problems = {s.site.id: s.problems for s in service.get_day(office, tctx, day).sites}
    assert problems[cast.room.id] == ["缺少基层领导干部代表"]
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(
        admin, tctx, "reception_days", {"require_cadre": False, "people_per_site": 3}
    )
    problems = {s.site.id: s.problems for s in service.get_day(office, tctx, day).sites}
    assert problems[cast.room.id] == []
    assert problems[cast.centre.id] == ["至少需要 3 名代表，现有 0 名"]


def test_a_representative_whose_qualification_ended_breaks_the_site(clock, cast, tctx, office):
    from lianxin.people import service as people

    view = _staff(cast, tctx, office)
    _good_teams(cast, tctx, office, view)
    people.end_qualification(
        office, tctx, cast.reps["a"].id, reason="transferred", on=date(2025, 11, 30)
    )
    problems = service.get_schedule(office, tctx, 2026).problems
    assert problems and all(s.site.id == cast.room.id for _d, s, _p in problems)
    with pytest.raises(Conflict):
        service.publish(office, tctx, 2026)


def test_a_team_change_that_breaks_a_published_schedule_is_refused_whole(clock, cast, tctx, office):
    view = _published(cast, tctx, office)
    first = view.days[0].day.id
    with pytest.raises(Conflict) as refused:
        service.set_team(office, tctx, first, cast.room.id, [cast.reps["a"].id], apply_to_rest=True)
    assert refused.value.code == "pairing_rule"
    after = service.get_schedule(office, tctx, 2026)
    assert after.problems == []  # nothing was changed on any day
    # A change that keeps the rule is taken on every later day.
    r = cast.reps
    service.set_team(
        office,
        tctx,
        view.days[3].day.id,
        cast.room.id,
        [r["cadre1"].id, r["c"].id, r["d"].id],
        apply_to_rest=True,
    )
    teams = [
        sorted(d.rep.name for d in s.on_duty)
        for day in service.get_schedule(office, tctx, 2026).days
        for s in day.sites
        if s.site.id == cast.room.id
    ]
    assert teams[:3] == [["张书记", "王芳"]] * 3
    assert teams[3:] == [["周明", "孙丽", "张书记"]] * 9


def test_one_person_one_site_a_day(clock, cast, tctx, office):
    view = _staff(cast, tctx, office)
    day = view.days[0].day.id
    r = cast.reps
    service.set_team(office, tctx, day, cast.room.id, [r["cadre1"].id, r["a"].id])
    with pytest.raises(Conflict) as clash:
        service.set_team(office, tctx, day, cast.centre.id, [r["cadre1"].id, r["b"].id])
    assert "镇接待室" in clash.value.message


def test_absence_and_substitute_keep_the_pairing_rule(clock, cast, tctx, office):
    view = _published(cast, tctx, office)
    r = cast.reps
    day = view.days[0].day
    cadre_duty = _duty_of(r["cadre1"], day.id)
    service.report_absence(office, tctx, cadre_duty.id, "出差")
    broken = service.get_day(office, tctx, day.id)
    assert [p for _s, p in broken.problems] == [
        "至少需要 2 名代表，现有 1 名",
        "缺少基层领导干部代表",
    ]
    # The only other cadre is on duty at the centre that day: nobody qualifies.
    assert service.substitute_candidates(office, tctx, cadre_duty.id) == []
    with pytest.raises(Conflict) as busy:
        service.substitute(office, tctx, cadre_duty.id, r["cadre2"].id)
    assert busy.value.code == "already_on_duty"
    with pytest.raises(Conflict) as no_cadre:
        service.substitute(office, tctx, cadre_duty.id, r["c"].id)
    assert no_cadre.value.code == "pairing_rule"
    # Move the second cadre out of the centre (a cadre substitute is then free), keeping the
    # centre's own cadre requirement: the centre breaks, so a published schedule refuses it.
    with pytest.raises(Conflict):
        service.set_team(office, tctx, day.id, cast.centre.id, [r["b"].id, r["c"].id])
    assert _duty_of(r["cadre2"], day.id).site_id == cast.centre.id


def test_substitute_from_the_list_and_the_audit(clock, cast, tctx, office, world):
    from lianxin.people import service as people

    view = _published(cast, tctx, office)
    third = people.create_representative(
        office,
        tctx,
        load_input(
            people.RepresentativeInputSchema,
            {
                "name": "钱书记",
                "gender": "男",
                "birth_date": "1970-01-01",
                "education": "大学本科",
                "category": "其他基层",
                "term": 13,
                "is_grassroots_cadre": True,
            },
        ),
    )
    day = view.days[0].day
    duty = _duty_of(cast.reps["cadre1"], day.id)
    with pytest.raises(Conflict):  # not reported absent yet
        service.substitute(office, tctx, duty.id, third.id)
    service.report_absence(office, tctx, duty.id, "住院")
    assert [c.name for c in service.substitute_candidates(office, tctx, duty.id)] == ["钱书记"]
    replacement = service.substitute(office, tctx, duty.id, third.id)
    assert replacement.substitute_for_id == duty.id
    assert service.get_day(office, tctx, day.id).problems == []
    with pytest.raises(Conflict):
        service.substitute(office, tctx, duty.id, cast.reps["d"].id)  # one substitute only
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "reception_day.substitute")
    )
    assert entry.before == {"representative": cast.reps["cadre1"].id}
    assert entry.after["representative"] == third.id
    # The public notice follows: the substitute is listed, the absent representative is not.
    clock.today = date(2026, 1, 12)
    (notice,) = service.public_notices(tctx)
    names = {d.rep.name for s in notice.sites for d in s.on_duty}
    assert "钱书记" in names and "张书记" not in names


def test_only_the_representative_or_the_office_reports_an_absence(clock, cast, tctx, office, world):
    from lianxin.auth.roles import Role
    from tests.factories import grant, make_user

    view = _published(cast, tctx, office)
    duty = _duty_of(cast.reps["a"], view.days[0].day.id)
    stranger = actor(world.users["representative"])
    with pytest.raises(PermissionDenied):
        service.report_absence(stranger, tctx, duty.id, "有事")
    user = make_user("wang.fang")
    grant(user, Role.REPRESENTATIVE, township=world.township)
    cast.reps["a"].user_id = user.id
    db.session.commit()
    service.report_absence(actor(user), tctx, duty.id, "家中有事")
    assert duty.status == DutyStatus.ABSENT
    with pytest.raises(Conflict):
        service.report_absence(actor(user), tctx, duty.id, "再报一次")
    mine = service.my_duties(actor(user), tctx)
    assert len(mine) == 12 and mine[0].duty.status == DutyStatus.ABSENT


def test_notice_shows_from_notice_days_before_and_only_when_published(clock, cast, tctx, office):
    view = _staff(cast, tctx, office)
    _good_teams(cast, tctx, office, view)
    clock.today = date(2026, 1, 9)  # 7 days before Friday 16 January
    assert service.public_notices(tctx) == []  # a draft is never on show
    clock.today = date(2025, 12, 1)
    service.publish(office, tctx, 2026)
    clock.today = date(2026, 1, 8)
    assert service.public_notices(tctx) == []
    clock.today = date(2026, 1, 9)
    (notice,) = service.public_notices(tctx)
    assert notice.day.day == date(2026, 1, 16)
    with pytest.raises(NotFound):
        service.public_day(tctx, view.days[1].day.id)  # February's is not on show yet
    clock.today = date(2026, 1, 17)
    assert service.public_notices(tctx) == []


@pytest.fixture
def held_outbox(monkeypatch):
    """Messages wait in the outbox (a busy or unreachable broker) until a test delivers them."""
    from lianxin.notify import tasks

    monkeypatch.setattr(tasks.deliver_outbox_message, "delay", lambda *a, **k: None)
    monkeypatch.setattr(tasks.deliver_outbox_batch, "delay", lambda *a, **k: None)


def _reminders():
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic == service.REMINDER_TOPIC)
        .order_by(OutboxMessage.id)
    ).all()


def test_reminders_go_out_reminder_days_before_once(clock, cast, tctx, office):
    _published(cast, tctx, office)
    clock.today = date(2026, 1, 8)
    assert service.run_daily(tctx) == {"notices": 0, "reminders": 0, "summaries": 0}
    clock.today = date(2026, 1, 12)  # the notice is out (7 days before), no reminder yet
    assert service.run_daily(tctx) == {"notices": 1, "reminders": 0, "summaries": 0}
    clock.today = date(2026, 1, 13)  # 3 days before
    assert service.run_daily(tctx) == {"notices": 0, "reminders": 4, "summaries": 0}
    assert service.run_daily(tctx) == {"notices": 0, "reminders": 0, "summaries": 0}
    assert {m.payload["day"] for m in _reminders()} == {"2026-01-16"}
    assert len(_reminders()) == 4


def test_a_moved_day_is_reminded_again_and_the_stale_reminder_is_dropped(
    clock, cast, tctx, office, held_outbox
):
    from lianxin.notify import service as notify
    from lianxin.notify.models import Notification

    view = _published(cast, tctx, office)
    clock.today = date(2026, 1, 13)
    service.run_daily(tctx)
    old = _reminders()
    day = view.days[0].day
    moved = service.move_day(
        office,
        tctx,
        day.id,
        MoveInput(
            date(2026, 1, 19),
            "与全镇大会冲突",
            short_notice_reason="全镇大会临时召开",  # 6 days ahead: short notice
        ),
    )
    assert moved.day.day == date(2026, 1, 19) and moved.day.rule_day == date(2026, 1, 16)
    clock.today = date(2026, 1, 16)
    assert service.run_daily(tctx)["reminders"] == 4
    fresh = _reminders()[len(old) :]
    assert {m.payload["day"] for m in fresh} == {"2026-01-19"}
    for message in old:
        assert notify.deliver(message.id) is True  # claimed, but nothing sent
    assert (
        db.session.scalar(
            select(Notification).where(Notification.outbox_id.in_([m.id for m in old]))
        )
        is None
    )
    for message in fresh:
        notify.deliver(message.id)
    sent = db.session.scalars(
        select(Notification).where(Notification.outbox_id.in_([m.id for m in fresh]))
    ).all()
    assert sent and all("2026-01-19" in n.title for n in sent)


def test_a_substituted_representatives_reminder_is_never_sent(
    clock, cast, tctx, office, world, held_outbox
):
    from lianxin.auth.roles import Role
    from lianxin.notify import service as notify
    from lianxin.notify.models import Notification
    from tests.factories import grant, make_user

    view = _published(cast, tctx, office)
    user = make_user("wang.fang")
    grant(user, Role.REPRESENTATIVE, township=world.township)
    cast.reps["a"].user_id = user.id
    db.session.commit()
    clock.today = date(2026, 1, 13)
    service.run_daily(tctx)
    duty = _duty_of(cast.reps["a"], view.days[0].day.id)
    (stale,) = [m for m in _reminders() if m.payload["duty_id"] == duty.id]
    service.report_absence(office, tctx, duty.id, "生病")
    service.substitute(office, tctx, duty.id, cast.reps["c"].id)
    service.run_daily(tctx)
    (fresh,) = [m for m in _reminders() if m.payload["representative_id"] == cast.reps["c"].id]
    notify.deliver(stale.id)
    notify.deliver(fresh.id)
    assert (
        db.session.scalar(
            select(Notification).where(
                Notification.user_id == user.id, Notification.title.like("接待日提醒%")
            )
        )
        is None
    )
    liaison = world.users["branch_liaison"]
    got = db.session.scalars(select(Notification).where(Notification.outbox_id == fresh.id)).all()
    assert [n.user_id for n in got] == [liaison.id]  # 孙丽 has no account; her liaison is told


def test_cases_on_the_day_and_the_summary(clock, cast, tctx, office):
    view = _published(cast, tctx, office)
    day = view.days[0].day
    r = cast.reps
    case = {"title": "路灯不亮", "body": "村口路灯坏了三个月", "raiser_phone": "13900139000"}
    with pytest.raises(Conflict):
        service.record_case(
            office,
            tctx,
            day.id,
            DayCaseInput(**case, site_id=cast.room.id, received_by_id=r["a"].id),
        )
    clock.today = date(2026, 1, 16)
    with pytest.raises(ValidationFailed):  # 赵强 is at the centre, not in the room
        service.record_case(
            office,
            tctx,
            day.id,
            DayCaseInput(**case, site_id=cast.room.id, received_by_id=r["b"].id),
        )
    made = service.record_case(
        office, tctx, day.id, DayCaseInput(**case, site_id=cast.room.id, received_by_id=r["a"].id)
    )
    assert made.case.channel == "reception_day" and made.case.source_id == day.id
    service.record_case(
        office,
        tctx,
        day.id,
        DayCaseInput(
            **{**case, "title": "河道垃圾"}, site_id=cast.centre.id, received_by_id=r["b"].id
        ),
    )
    service.set_people_received(office, tctx, day.id, cast.room.id, 5)
    service.set_people_received(office, tctx, day.id, cast.centre.id, 3)
    with pytest.raises(ValidationFailed):
        load_input(PeopleReceivedInputSchema, {"people_received": -1})
    assert service.run_daily(tctx)["summaries"] == 0  # not before the day is over
    clock.today = date(2026, 1, 17)
    assert service.run_daily(tctx)["summaries"] == 1
    assert service.run_daily(tctx)["summaries"] == 0
    db.session.refresh(day)
    assert day.summary["people_received"] == 8
    assert day.summary["cases"] == 2 and day.summary["by_state"] == {"registered": 2}
    assert [s["cases"] for s in day.summary["per_site"]] == [1, 1]
    report = service.year_report(office, tctx, 2026)
    assert report.totals["cases"] == 2 and report.totals["days"] == 1
