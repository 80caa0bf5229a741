"""Issue 19: the public notice can always be given (a published day moved, or a schedule
published, fewer than `notice_days` ahead is refused, or accepted with a recorded reason and
flagged on the public page), a representative whose qualification ended is no longer reminded
and the office is told to find a substitute, and a year whose official holidays are not known
is published only with an explicit confirmation. Dates are the Asia/Shanghai date, also just
after midnight when UTC is still on the day before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lianxin import work_calendar
from lianxin.audit.models import AuditEntry
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import GenerateInput, MoveInput, MoveInputSchema
from lianxin.modules.reception_days.models import (
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
)
from lianxin.notify import channels as notify_channels
from lianxin.notify.models import Notification, OutboxMessage
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor, grant, make_user
from tests.helpers import assert_error, bearer, login

SHANGHAI = ZoneInfo("Asia/Shanghai")
REAL_SHANGHAI_TODAY = deadlines.shanghai_today
DEC_1 = date(2025, 12, 1)
JAN_16 = date(2026, 1, 16)  # a Friday: the first reception day of 2026


@pytest.fixture
def wall_clock(monkeypatch):
    """`wall_clock("2026-01-09 00:30")` stops the platform's clock at that Shanghai time (the
    real `shanghai_today`, not a patched date): just after midnight UTC is still the day before."""
    real = datetime
    state: dict[str, datetime] = {}

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            instant = state.get("now") or real.now(UTC)
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(deadlines, "shanghai_today", REAL_SHANGHAI_TODAY)
    monkeypatch.setattr(deadlines, "datetime", Frozen)

    def stop(text: str) -> datetime:
        state["now"] = real.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)
        return state["now"]

    return stop


def _staffed(cast, tctx, office, today: date = DEC_1):
    """The 2026 schedule generated on `today`, every site well staffed (a draft)."""
    view = service.generate(
        office, tctx, GenerateInput(2026, [cast.room.id, cast.centre.id]), today=today
    )
    first = view.days[0].day.id
    r = cast.reps
    for site, team in (
        (cast.room, [r["cadre1"].id, r["a"].id]),
        (cast.centre, [r["cadre2"].id, r["b"].id]),
    ):
        service.set_team(office, tctx, first, site.id, team, apply_to_rest=True, today=today)
    return service.get_schedule(office, tctx, 2026)


def _published(cast, tctx, office):
    view = _staffed(cast, tctx, office)
    service.publish(office, tctx, 2026, today=DEC_1)
    return view


def _day(tctx, day_id: int) -> ReceptionDay:
    return db.session.get(ReceptionDay, (tctx.id, day_id))


# --- 1. notice: moving a published day ---------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "too_close", "in_time"),
    [
        # 23:30 on 8 January: 7 days to the 15th (in time), 6 to the 14th.
        ("2026-01-08 23:30", date(2026, 1, 14), date(2026, 1, 15)),
        # 00:30 on 9 January (still the 8th in UTC): the 15th is now only 6 days ahead.
        ("2026-01-09 00:30", date(2026, 1, 15), date(2026, 1, 16)),
    ],
)
def test_a_published_day_moves_no_closer_than_the_notice_days(
    cast, tctx, office, wall_clock, wall, too_close, in_time
):
    view = _published(cast, tctx, office)
    day_id = view.days[0].day.id
    # First put the day on the 20th, far ahead (as the office did in December).
    service.move_day(
        office, tctx, day_id, MoveInput(date(2026, 1, 20), "与全镇大会冲突"), today=DEC_1
    )
    wall_clock(wall)
    with pytest.raises(Conflict) as refused:
        service.move_day(office, tctx, day_id, MoveInput(too_close, "临时有会"))
    assert refused.value.code == "short_notice"
    assert "short_notice_reason" in refused.value.errors
    db.session.rollback()
    assert _day(tctx, day_id).day == date(2026, 1, 20)
    moved = service.move_day(office, tctx, day_id, MoveInput(in_time, "临时有会"))
    assert moved.day.day == in_time and moved.day.short_notice_reason is None


def test_a_short_notice_move_with_a_reason_is_taken_flagged_and_audited(
    cast, tctx, office, world, client, clock
):
    view = _published(cast, tctx, office)
    day_id = view.days[0].day.id
    clock.today = date(2026, 1, 12)  # 4 days before the 16th
    with pytest.raises(Conflict):
        service.move_day(office, tctx, day_id, MoveInput(date(2026, 1, 15), "镇党委会"))
    db.session.rollback()
    with pytest.raises(ValidationFailed) as bad:  # a reason is a reason, not a blank
        load_input(
            MoveInputSchema,
            {"day": "2026-01-15", "reason": "镇党委会", "short_notice_reason": "   "},
        )
    assert "short_notice_reason" in bad.value.errors
    db.session.rollback()
    moved = service.move_day(
        office,
        tctx,
        day_id,
        MoveInput(date(2026, 1, 15), "镇党委会", short_notice_reason="县委巡察进驻"),
    )
    assert moved.day.short_notice_reason == "县委巡察进驻"
    assert moved.day.short_notice_days == 7
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "reception_day.move")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.after["short_notice_reason"] == "县委巡察进驻"
    page = client.get(f"/p/{world.township.slug}/reception_days/").get_data(as_text=True)
    assert "临时调整（不足7天公告）" in page
    poster = client.get(f"/p/{world.township.slug}/reception_days/{day_id}/poster")
    assert "临时调整（不足7天公告）" in poster.get_data(as_text=True)


def test_the_notice_days_setting_moves_the_boundary(cast, tctx, office, world, clock):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "reception_days", {"notice_days": 3})
    view = _published(cast, tctx, office)
    day_id = view.days[0].day.id
    clock.today = date(2026, 1, 12)
    with pytest.raises(Conflict):  # 2 days
        service.move_day(office, tctx, day_id, MoveInput(date(2026, 1, 14), "镇党委会"))
    db.session.rollback()
    moved = service.move_day(office, tctx, day_id, MoveInput(date(2026, 1, 15), "镇党委会"))
    assert moved.day.day == date(2026, 1, 15)


def test_a_draft_day_moves_freely(cast, tctx, office, clock):
    view = _staffed(cast, tctx, office)
    clock.today = date(2026, 1, 12)
    moved = service.move_day(
        office, tctx, view.days[0].day.id, MoveInput(date(2026, 1, 13), "草稿调整")
    )
    assert moved.day.day == date(2026, 1, 13)


# --- 1. notice: publishing a schedule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "refused"),
    [
        ("2026-01-09 23:30", False),  # 7 days before the 16th
        ("2026-01-10 00:30", True),  # 6 days (still the 9th in UTC)
    ],
)
def test_a_schedule_is_published_at_least_notice_days_before_its_first_day(
    cast, tctx, office, wall_clock, wall, refused
):
    _staffed(cast, tctx, office, today=date(2026, 1, 9))
    wall_clock(wall)
    if refused:
        with pytest.raises(Conflict) as error:
            service.publish(office, tctx, 2026)
        assert error.value.code == "short_notice"
        db.session.rollback()
        assert db.session.scalar(select(Schedule.status)) == ScheduleStatus.DRAFT
    else:
        assert service.publish(office, tctx, 2026).status == ScheduleStatus.PUBLISHED


def test_a_late_schedule_with_a_reason_flags_only_the_days_inside_the_notice(
    cast, tctx, office, world, client, clock
):
    view = _staffed(cast, tctx, office, today=date(2026, 1, 9))
    clock.today = date(2026, 1, 12)
    published = service.publish(office, tctx, 2026, short_notice_reason="年初换届，安排推迟")
    assert published.status == ScheduleStatus.PUBLISHED
    days = {d.day.day: _day(tctx, d.day.id) for d in view.days}
    assert days[JAN_16].short_notice_reason == "年初换届，安排推迟"
    assert [d for d, row in days.items() if row.short_notice_reason] == [JAN_16]
    page = client.get(f"/p/{world.township.slug}/reception_days/").get_data(as_text=True)
    assert "临时调整（不足7天公告）" in page


def test_publish_short_notice_through_the_api_and_the_page(
    cast, tctx, office, world, client, clock
):
    _staffed(cast, tctx, office, today=date(2026, 1, 9))
    clock.today = date(2026, 1, 12)
    url = f"/api/v1/t/{world.township.slug}/reception_days/schedules/2026/publish"
    staff = bearer(world.users["township_staff"])
    body = assert_error(client.post(url, headers=staff), 409, "short_notice")
    assert "short_notice_reason" in body["errors"]
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/reception_days"
    page = client.get(f"{base}/2026").get_data(as_text=True)
    assert 'name="short_notice_reason"' in page
    refused = client.post(f"{base}/2026/publish", data={})
    assert refused.status_code == 422
    assert "不足" in refused.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Schedule.status)) == ScheduleStatus.DRAFT
    done = client.post(f"{base}/2026/publish", data={"short_notice_reason": "年初换届"})
    assert done.status_code == 302
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.scalar(select(Schedule.status)) == ScheduleStatus.PUBLISHED


def test_move_short_notice_through_the_api(cast, tctx, office, world, client, clock):
    view = _published(cast, tctx, office)
    day_id = view.days[0].day.id
    clock.today = date(2026, 1, 12)
    staff = bearer(world.users["township_staff"])
    move = f"/api/v1/t/{world.township.slug}/reception_days/days/{day_id}/move"
    assert_error(
        client.post(move, headers=staff, json={"day": "2026-01-15", "reason": "会"}),
        409,
        "short_notice",
    )
    moved = client.post(
        move,
        headers=staff,
        json={"day": "2026-01-15", "reason": "会", "short_notice_reason": "上级检查"},
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["short_notice_reason"] == "上级检查"


# --- 2. a representative whose qualification ended -----------------------------------------------


@pytest.fixture
def sms(monkeypatch):
    sent: list[tuple[str, str]] = []

    class Recorder:
        def send(self, phone: str, text: str) -> None:
            sent.append((phone, text))

    monkeypatch.setattr(notify_channels, "sms_channel", lambda: Recorder())
    return sent


@pytest.fixture
def held_outbox(monkeypatch):
    from lianxin.notify import tasks

    monkeypatch.setattr(tasks.deliver_outbox_message, "delay", lambda *a, **k: None)
    monkeypatch.setattr(tasks.deliver_outbox_batch, "delay", lambda *a, **k: None)


def _deliver_all():
    from lianxin.notify import service as notify

    for message_id in db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.delivered_at.is_(None))
    ).all():
        notify.deliver(message_id)


def _linked(world, rep, username):
    from lianxin.auth.roles import Role

    user = make_user(username)
    grant(user, Role.REPRESENTATIVE, township=world.township)
    rep.user_id = user.id
    db.session.commit()
    return user


def test_an_ended_representative_is_not_reminded_and_the_office_finds_a_substitute(
    cast, tctx, office, world, clock, sms, held_outbox
):
    view = _published(cast, tctx, office)
    r = cast.reps
    user = _linked(world, r["a"], "wang.fang")
    people.end_qualification(office, tctx, r["a"].id, reason="deceased", on=date(2025, 12, 2))
    clock.today = date(2026, 1, 13)  # 3 days before the 16th: the reminder sweep
    done = service.run_daily(tctx)
    assert done["reminders"] == 3  # the cadre, and the centre's two; not 王芳
    reminded = {m.payload["representative_id"] for m in _reminders()}
    assert r["a"].id not in reminded
    office_notes = [
        m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "notify"))
        if "需安排替补" in m.payload["title"]
    ]
    assert len(office_notes) == 1 and "王芳" in office_notes[0].payload["title"]
    staff_id = world.users["township_staff"].id
    assert staff_id in office_notes[0].payload["user_ids"]
    assert world.users["branch_liaison"].id not in office_notes[0].payload["user_ids"]
    service.run_daily(tctx)  # again: told once
    assert (
        len(
            [
                m
                for m in db.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.topic == "notify")
                )
                if "需安排替补" in m.payload["title"]
            ]
        )
        == 1
    )
    _deliver_all()
    assert not any("王芳" in text for _phone, text in sms)
    liaison = world.users["branch_liaison"].id
    told = db.session.scalars(
        select(Notification).where(Notification.title.like("接待日提醒%"))
    ).all()
    assert told and not any("王芳" in n.body for n in told)
    assert user.id not in {n.user_id for n in told}
    assert liaison in {n.user_id for n in told}  # still told of the others
    # The duty shows that a substitute is needed; the office puts one on without an absence.
    first = view.days[0].day.id
    room = next(s for s in service.get_day(office, tctx, first).sites if s.site.id == cast.room.id)
    ended = next(d for d in room.duties if d.rep.id == r["a"].id)
    assert room.needs_substitute(ended)
    replacement = service.substitute(office, tctx, ended.duty.id, r["c"].id)
    assert replacement.substitute_for_id == ended.duty.id
    after = service.get_day(office, tctx, first)
    assert after.problems == []
    row = db.session.get(Duty, (tctx.id, ended.duty.id))
    assert row.status == DutyStatus.ABSENT and "资格已终止" in row.absence_reason


def test_a_reminder_queued_before_the_qualification_ended_is_not_delivered(
    cast, tctx, office, world, clock, sms, held_outbox
):
    _published(cast, tctx, office)
    r = cast.reps
    user = _linked(world, r["a"], "wang.fang")
    clock.today = date(2026, 1, 13)
    assert service.run_daily(tctx)["reminders"] == 4
    people.end_qualification(office, tctx, r["a"].id, reason="deceased", on=date(2025, 12, 2))
    _deliver_all()
    assert not any("王芳" in text for _phone, text in sms)
    assert not db.session.scalars(
        select(Notification).where(Notification.body.like("%王芳%"))
    ).all()
    assert user.id not in set(db.session.scalars(select(Notification.user_id)))


def test_the_day_page_and_the_api_show_the_substitute_is_needed(
    cast, tctx, office, world, client, clock
):
    view = _published(cast, tctx, office)
    people.end_qualification(
        office, tctx, cast.reps["a"].id, reason="deceased", on=date(2025, 12, 2)
    )
    first = view.days[0].day.id
    duty_id = db.session.scalar(
        select(Duty.id).where(Duty.day_id == first, Duty.representative_id == cast.reps["a"].id)
    )
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/reception_days/days/{first}")
    text = page.get_data(as_text=True)
    assert "需安排替补" in text and f'id="substitute-{duty_id}"' in text
    staff = bearer(world.users["township_staff"])
    day = client.get(
        f"/api/v1/t/{world.township.slug}/reception_days/days/{first}", headers=staff
    ).get_json()
    duty = next(d for s in day["sites"] for d in s["duties"] if d["id"] == duty_id)
    assert duty["needs_substitute"] is True and duty["in_office"] is False


def _reminders():
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic == service.REMINDER_TOPIC)
        .order_by(OutboxMessage.id)
    ).all()


# --- 4. a year whose official calendar is not known --------------------------------------------


@pytest.fixture
def estimated_2026(monkeypatch):
    monkeypatch.setattr(work_calendar, "is_official", lambda year: year < 2026)


def test_publishing_an_estimated_year_needs_an_explicit_confirmation(
    cast, tctx, office, estimated_2026
):
    _staffed(cast, tctx, office)
    assert not service.get_schedule(office, tctx, 2026).calendar_known
    with pytest.raises(Conflict) as refused:
        service.publish(office, tctx, 2026, today=DEC_1)
    assert refused.value.code == "calendar_estimated"
    db.session.rollback()
    assert db.session.scalar(select(Schedule.status)) == ScheduleStatus.DRAFT
    done = service.publish(office, tctx, 2026, today=DEC_1, confirm_estimated_calendar=True)
    assert done.status == ScheduleStatus.PUBLISHED
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "reception_day.schedule_publish")
    )
    assert entry.after["calendar_estimated"] is True


def test_an_official_year_needs_no_confirmation(cast, tctx, office):
    _staffed(cast, tctx, office)
    assert service.publish(office, tctx, 2026, today=DEC_1).status == ScheduleStatus.PUBLISHED


def test_the_confirmation_through_the_api_and_the_page(
    cast, tctx, office, world, client, clock, estimated_2026
):
    _staffed(cast, tctx, office)
    url = f"/api/v1/t/{world.township.slug}/reception_days/schedules/2026/publish"
    staff = bearer(world.users["township_staff"])
    body = assert_error(client.post(url, headers=staff), 409, "calendar_estimated")
    assert "confirm_estimated_calendar" in body["errors"]
    assert_error(
        client.post(url, headers=staff, json={"confirm_estimated_calendar": False}),
        409,
        "calendar_estimated",
    )
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/reception_days"
    page = client.get(f"{base}/2026").get_data(as_text=True)
    assert "该年度国家节假日尚未公布，日期按周一至周五预估，确认发布" in page
    assert 'id="calendar-unknown"' in page
    refused = client.post(f"{base}/2026/publish", data={})
    assert refused.status_code == 422
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Schedule.status)) == ScheduleStatus.DRAFT
    done = client.post(f"{base}/2026/publish", data={"confirm_estimated_calendar": "1"})
    assert done.status_code == 302
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.scalar(select(Schedule.status)) == ScheduleStatus.PUBLISHED


def test_the_api_confirmation_publishes(cast, tctx, office, world, client, clock, estimated_2026):
    _staffed(cast, tctx, office)
    url = f"/api/v1/t/{world.township.slug}/reception_days/schedules/2026/publish"
    staff = bearer(world.users["township_staff"])
    done = client.post(url, headers=staff, json={"confirm_estimated_calendar": True})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "published"
    assert done.get_json()["calendar_known"] is False
