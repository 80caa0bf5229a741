"""Issue 24: training attendance taken "as at the annual session" — the office shows a QR code,
an invited representative opens it on a phone and is present that day. Once (again is harmless);
one not invited, not a representative or of another township is refused; an audit entry is
written.

Security review (session 27): a code good all day was good from home once photographed and
forwarded. The code the office SHOWS turns every 5 minutes (Asia/Shanghai clock): one shown in
window W is accepted in W and W+1 (a scan at the edge still works), refused in W+2 with a clear
Chinese message (a 409 `check_in_code_expired` in the API), and only on its day (23:59 the day
before and 00:00 of the next day refused). The code printed before the day (the day's code) is
kept as a separate, marked mode: good that whole day, as before."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules import kit
from lianxin.modules.trainings import service
from lianxin.modules.trainings.inputs import AnswerInput, SessionInput
from lianxin.modules.trainings.models import Answer, Half, TrainingCheckIn
from lianxin.modules.trainings.stages import check_in_code
from tests.factories import actor, make_represented
from tests.helpers import assert_error, bearer, login
from tests.modules.trainings.conftest import TODAY

DAY1, DAY2 = TODAY + timedelta(days=1), TODAY + timedelta(days=2)  # 2026-05-21, 2026-05-22
REAL_TODAY = deadlines.shanghai_today
PAGES = "/t/jia-zhen/trainings"
API = "/api/v1/t/jia-zhen/trainings"


def _at(monkeypatch, utc: datetime) -> None:
    """The real Asia/Shanghai date and time at a fixed UTC instant (Shanghai is UTC+8, no DST)."""
    monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: REAL_TODAY(utc))
    monkeypatch.setattr(kit, "now", lambda: utc)


def _shanghai(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    """hh:mm:ss of `day` in Asia/Shanghai, as the UTC instant."""
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=deadlines.SHANGHAI).astimezone(
        UTC
    )


def _two_days(office, township, reps):
    """A session on DAY1 and DAY2 for reps[0..3] (reps[4] and reps[5] are not invited)."""
    return service.schedule_session(
        office,
        township,
        SessionInput(
            title="学习代表法",
            kind="study",
            starts_on=DAY1,
            ends_on=DAY2,
            place="镇党校",
            audience="named",
            representative_ids=[r.id for r in reps[:4]],
        ),
    )


def world_app_secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _checked(session, rep_id: int) -> list[TrainingCheckIn]:
    return list(
        db.session.scalars(
            select(TrainingCheckIn).where(
                TrainingCheckIn.session_id == session.id,
                TrainingCheckIn.representative_id == rep_id,
            )
        )
    )


def test_the_shown_code_is_good_in_its_window_and_the_next_only(
    world, clock, office, people, tctx, monkeypatch
):
    reps, users = people
    s = _two_days(office, tctx, reps)
    _at(monkeypatch, _shanghai(DAY1, 9, 2))  # window W: 09:00–09:05
    code = service.check_in_code(office, tctx, s.id)
    assert (code.day, code.printed) == (DAY1, False)
    assert code.token.startswith("2026-05-21.0900.")
    assert code.url.endswith(f"/t/jia-zhen/trainings/{s.id}/checkin/{code.token}")
    assert code.valid_until == _shanghai(DAY1, 9, 10)  # refused from W+2 on
    assert code.refresh_in == 180  # the page shows the next one at 09:05
    # In W: accepted.
    assert service.self_check_in(actor(users[0]), tctx, s.id, code.token).day == DAY1
    # In W+1, to its last second (a scan at the window's edge): accepted.
    _at(monkeypatch, _shanghai(DAY1, 9, 9, 59))
    assert service.self_check_in(actor(users[1]), tctx, s.id, code.token).day == DAY1
    # In W+2: refused, with why, and nothing recorded.
    _at(monkeypatch, _shanghai(DAY1, 9, 10))
    with pytest.raises(service.CheckInCodeExpired) as late:
        service.self_check_in(actor(users[2]), tctx, s.id, code.token)
    assert late.value.code == "check_in_code_expired" and late.value.status == 409
    assert "已过期" in late.value.message and "09:00" in late.value.message
    assert _checked(s, reps[2].id) == []
    # Much later the same day: still refused; the code shown now is another and works.
    _at(monkeypatch, _shanghai(DAY1, 15, 31))
    with pytest.raises(service.CheckInCodeExpired):
        service.self_check_in(actor(users[2]), tctx, s.id, code.token)
    fresh = service.check_in_code(office, tctx, s.id)
    assert fresh.token.startswith("2026-05-21.1530.") and fresh.token != code.token
    assert service.self_check_in(actor(users[2]), tctx, s.id, fresh.token).day == DAY1
    # A code of a window not begun yet (a clock ahead, a forged label) is refused too.
    ahead = kit.window_code(check_in_code.PURPOSE, tctx.id, s.id, kit.Window(DAY1, 15 * 60 + 40))
    with pytest.raises(service.CheckInCodeExpired):
        service.self_check_in(actor(users[3]), tctx, s.id, ahead)


def test_the_shown_code_holds_the_shanghai_day_bounds(
    world, clock, office, people, tctx, monkeypatch
):
    reps, users = people
    s = _two_days(office, tctx, reps)
    # 23:59 the day before: no code of the session is shown yet, and DAY1's first is refused.
    _at(monkeypatch, _shanghai(TODAY, 23, 59))
    with pytest.raises(service.TrainingRuleBroken):
        service.check_in_code(office, tctx, s.id)
    with pytest.raises(service.TrainingRuleBroken):  # no shown code of a day before the day
        service.check_in_code(office, tctx, s.id, DAY1)
    first = kit.window_code(check_in_code.PURPOSE, tctx.id, s.id, kit.Window(DAY1, 0))
    with pytest.raises(service.TrainingRuleBroken) as early:
        service.self_check_in(actor(users[0]), tctx, s.id, first)
    assert "只在当天有效" in early.value.message and "2026-05-21" in early.value.message
    # 00:00 of the day: the first window's code is shown and accepted.
    _at(monkeypatch, _shanghai(DAY1, 0, 0))
    assert service.check_in_code(office, tctx, s.id).token == first
    assert service.self_check_in(actor(users[0]), tctx, s.id, first).day == DAY1
    # 23:59 of the day: the last window's code is accepted.
    _at(monkeypatch, _shanghai(DAY1, 23, 59))
    last = service.check_in_code(office, tctx, s.id)
    assert last.token.startswith("2026-05-21.2355.")
    assert service.self_check_in(actor(users[1]), tctx, s.id, last.token).day == DAY1
    # 00:00 of the next day — the next window — though the next day is one of the session's.
    _at(monkeypatch, _shanghai(DAY2, 0, 0))
    with pytest.raises(service.TrainingRuleBroken) as next_day:
        service.self_check_in(actor(users[2]), tctx, s.id, last.token)
    assert "只在当天有效" in next_day.value.message
    assert _checked(s, reps[2].id) == []
    # That day has codes of its own.
    day2 = service.check_in_code(office, tctx, s.id)
    assert day2.day == DAY2 and day2.token.startswith("2026-05-22.0000.")
    assert service.self_check_in(actor(users[2]), tctx, s.id, day2.token).day == DAY2


def test_the_printed_code_is_a_separate_mode_good_all_its_day(
    world, clock, office, people, tctx, monkeypatch
):
    """The office prints a day's code before the day (a marked mode of its own): it is good
    from 00:00 to 23:59 of that day, as all codes were before; a self check-in by it is
    recorded as one by the printed code."""
    reps, users = people
    s = _two_days(office, tctx, reps)
    _at(monkeypatch, _shanghai(TODAY, 10, 0))  # the day before
    code = service.check_in_code(office, tctx, s.id, DAY1, printed=True)
    assert (code.day, code.printed, code.refresh_in) == (DAY1, True, None)
    assert code.token.startswith("2026-05-21.") and code.token.count(".") == 1
    # The same string as before codes turned: a code printed before the change still works.
    key = str(world_app_secret()).encode()
    message = f"lianxin.day_code|trainings.check_in|{tctx.id}|{s.id}|2026-05-21".encode()
    mac = base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:16])
    assert code.token == "2026-05-21." + mac.decode().rstrip("=")
    assert code.valid_until == _shanghai(DAY2, 0, 0)
    _at(monkeypatch, _shanghai(TODAY, 23, 59))
    with pytest.raises(service.TrainingRuleBroken) as early:
        service.self_check_in(actor(users[0]), tctx, s.id, code.token)
    assert "只在当天有效" in early.value.message
    _at(monkeypatch, _shanghai(DAY1, 0, 0))
    assert service.self_check_in(actor(users[0]), tctx, s.id, code.token).day == DAY1
    _at(monkeypatch, _shanghai(DAY1, 23, 59))
    assert service.self_check_in(actor(users[1]), tctx, s.id, code.token).day == DAY1
    _at(monkeypatch, _shanghai(DAY2, 0, 0))
    with pytest.raises(service.TrainingRuleBroken):
        service.self_check_in(actor(users[2]), tctx, s.id, code.token)
    assert _checked(s, reps[2].id) == []
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "training.self_check_in")
    ).all()
    assert [e.after["printed_code"] for e in entries] == [True, True]
    with pytest.raises(service.TrainingRuleBroken):  # not one of its days
        service.check_in_code(office, tctx, s.id, TODAY, printed=True)


def test_the_code_is_that_sessions_and_that_townships(
    world, clock, office, people, tctx, monkeypatch
):
    reps, users = people
    s = _two_days(office, tctx, reps)
    other = _two_days(office, tctx, reps)
    _at(monkeypatch, _shanghai(DAY1, 9, 2))
    shown = service.check_in_code(office, tctx, s.id).token
    printed = service.check_in_code(office, tctx, s.id, DAY1, printed=True).token
    day2 = service.check_in_code(office, tctx, s.id, DAY2, printed=True).token
    rep = actor(users[0])
    mac = shown.rsplit(".", 1)[1]
    forged = (
        "2026-05-21." + day2.partition(".")[2],  # the next day's MAC under today's date
        "2026-05-21.0905." + mac,  # the window's MAC under the next window
        "2026-05-21.0900." + printed.partition(".")[2],  # the printed MAC as a window's
        "2026-05-21." + mac,  # the window's MAC as the printed code's
        "2026-05-21.0902." + mac,  # not a window's start
        "2026-05-21.2400." + mac,
    )
    for session_id, token in (
        (other.id, shown),  # another session's
        (other.id, printed),
        *((s.id, f) for f in forged),
        (s.id, ""),
        (s.id, "not-a-code"),
        (s.id, "签到码"),  # not ASCII: refused, not a 500
    ):
        with pytest.raises(NotFound):
            service.self_check_in(rep, tctx, session_id, token)
    with pytest.raises(service.TrainingRuleBroken):  # the next day's code, today
        service.self_check_in(rep, tctx, s.id, day2)
    # Ids are per township: the same session id in another township has other codes.
    window = kit.Window(DAY1, 9 * 60)
    foreign = kit.window_code(check_in_code.PURPOSE, world.other.id, s.id, window)
    assert foreign != shown
    assert kit.window_of_code(check_in_code.PURPOSE, tctx.id, s.id, foreign) is None
    assert kit.window_of_code(check_in_code.PURPOSE, tctx.id, s.id, shown) == window
    foreign_day = kit.day_code(check_in_code.PURPOSE, world.other.id, s.id, DAY1)
    assert foreign_day != printed
    assert kit.day_of_code(check_in_code.PURPOSE, tctx.id, s.id, foreign_day) is None
    for token in (foreign, foreign_day):
        with pytest.raises(NotFound):
            service.self_check_in(rep, tctx, s.id, token)
    assert _checked(s, reps[0].id) == [] and _checked(other, reps[0].id) == []
    with pytest.raises(PermissionDenied):  # the office's code only
        service.check_in_code(rep, tctx, s.id)
    with pytest.raises(PermissionDenied):
        service.check_in_code(rep, tctx, s.id, DAY1, printed=True)
    service.cancel_session(office, tctx, s.id, "场地临时有变")
    with pytest.raises(service.TrainingRuleBroken):
        service.check_in_code(office, tctx, s.id)
    with pytest.raises(service.TrainingRuleBroken):
        service.check_in_code(office, tctx, s.id, DAY1, printed=True)
    for token in (shown, printed):
        with pytest.raises(service.TrainingRuleBroken) as cancelled:
            service.self_check_in(rep, tctx, s.id, token)
        assert "已取消" in cancelled.value.message


def test_once_again_harmless_and_audited(world, clock, office, people, tctx):
    reps, users = people
    s = _two_days(office, tctx, reps)
    clock.today = DAY1
    token = service.check_in_code(office, tctx, s.id, DAY1).token
    first = service.self_check_in(actor(users[0]), tctx, s.id, token)
    again = service.self_check_in(actor(users[0]), tctx, s.id, token)
    assert again.id == first.id and len(_checked(s, reps[0].id)) == 1
    invitation = service.my_invitation(actor(users[0]), tctx, s)
    assert invitation.answer == Answer.CONFIRMED  # it was pending: being there confirms it
    entries = list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "training.self_check_in"))
    )
    assert len(entries) == 1  # the second scan changed nothing
    assert (entries[0].target_type, entries[0].target_id) == ("training_session", str(s.id))
    assert entries[0].actor_user_id == users[0].id
    assert entries[0].after == {
        "representative": reps[0].id,
        "day": "2026-05-21",
        "half": "full",
        "printed_code": False,
    }
    # Checked in by the office for the morning: the scan keeps what the office recorded.
    service.check_in(office, tctx, s.id, reps[1].id, half=Half.MORNING)
    kept = service.self_check_in(actor(users[1]), tctx, s.id, token)
    assert kept.half == Half.MORNING and kept.checked_in_by_id == office.user_id


def test_a_half_day_leave_checks_in_the_other_half(world, clock, office, people, tctx):
    reps, users = people
    s = _two_days(office, tctx, reps)
    service.answer_invitation(
        actor(users[3]),
        tctx,
        service.my_invitation(actor(users[3]), tctx, s).id,
        AnswerInput("leave", reason="上午看病", leave_day=DAY1, leave_half=Half.MORNING),
    )
    clock.today = DAY1
    token = service.check_in_code(office, tctx, s.id, DAY1).token
    assert service.self_check_in(actor(users[3]), tctx, s.id, token).half == Half.AFTERNOON


def test_not_invited_not_a_representative_or_another_townships(world, clock, office, people, tctx):
    reps, users = people
    s = _two_days(office, tctx, reps)
    clock.today = DAY1
    token = service.check_in_code(office, tctx, s.id, DAY1).token
    with pytest.raises(PermissionDenied) as uninvited:
        service.self_check_in(actor(users[4]), tctx, s.id, token)
    assert "不在本期培训的参训名单中" in uninvited.value.message
    with pytest.raises(PermissionDenied) as staff:  # the office has no representative record
        service.self_check_in(office, tctx, s.id, token)
    assert "参训代表" in staff.value.message
    _far_reps, far_users = make_represented(world.other, 1, "tr.far")
    with tenant_context(world.township.id), pytest.raises(NotFound):
        service.self_check_in(actor(far_users[0]), tctx, s.id, token)
    assert _checked(s, reps[4].id) == []
    assert (
        db.session.scalar(select(TrainingCheckIn.id).where(TrainingCheckIn.session_id == s.id))
        is None
    )


def _the_other_tap_stores_first(monkeypatch) -> list[TrainingCheckIn]:
    """A double tap: two requests at once both find no check-in (`scan`), then the other one's
    row is stored before this one inserts its own. The rows the other tap stored are listed."""
    real = check_in_code.scan
    stored: list[TrainingCheckIn] = []

    def racing(actor, township, session_id, token, **kwargs):
        found = real(actor, township, session_id, token, **kwargs)
        if found.done is None:
            other = TrainingCheckIn(
                session_id=found.session.id,
                representative_id=found.representative.id,
                day=found.day,
                half=Half.FULL,
                checked_in_by_id=actor.user_id,
            )
            db.session.add(other)
            db.session.flush()
            stored.append(other)
        return found  # read before the other tap's row: done is None

    monkeypatch.setattr(check_in_code, "scan", racing)
    return stored


def test_a_double_tap_at_the_same_moment_answers_the_first(
    world, clock, office, people, tctx, monkeypatch
):
    """Security review: the second of two simultaneous taps met the unique key (tenant,
    session, representative, day) and was a 500; it is a repeat, as a later tap is."""
    reps, users = people
    s = _two_days(office, tctx, reps)
    clock.today = DAY1
    token = service.check_in_code(office, tctx, s.id, DAY1).token
    other = _the_other_tap_stores_first(monkeypatch)
    row = service.self_check_in(actor(users[0]), tctx, s.id, token)
    assert len(other) == 1 and row.id == other[0].id
    assert [c.id for c in _checked(s, reps[0].id)] == [other[0].id]
    # This tap changed nothing: no second audit entry (the other tap writes its own).
    assert (
        db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "training.self_check_in")
        )
        is None
    )
    # The transaction goes on: the next representative checks in in the same one.
    monkeypatch.setattr(check_in_code, "scan", service.scan)  # no other tap any more
    assert service.self_check_in(actor(users[1]), tctx, s.id, token).representative_id == (
        reps[1].id
    )


def test_the_offices_double_tap_answers_the_first(world, clock, office, people, tctx, monkeypatch):
    """The office's tap has the same race (two taps, or its tap while the representative
    scans): the second answers the first's check-in."""
    from lianxin.modules.trainings.stages import attendance

    reps, _users = people
    s = _two_days(office, tctx, reps)
    clock.today = DAY1
    first = service.check_in(office, tctx, s.id, reps[0].id)
    real = attendance._check_in_on
    calls = []

    def stale(*args):  # the second tap's look-up ran before the first tap's row was stored
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(attendance, "_check_in_on", stale)
    again = service.check_in(office, tctx, s.id, reps[0].id, half=Half.MORNING)
    assert again.id == first.id and again.half == Half.MORNING  # as a later tap corrects it
    assert len(_checked(s, reps[0].id)) == 1


def _roll_row(office, township, session, rep_id: int):
    rows, _total, _checked_count = service.roll(office, township, session.id, DAY1)
    return next(r for r in rows if r.representative.id == rep_id)


def test_the_roll_tells_a_scan_from_the_offices_tap(world, clock, office, people, tctx):
    """Security review: the day's code is one string for the whole day, so a forwarded photo
    checks one in from home. The office sees who checked themselves in, and when."""
    reps, users = people
    s = _two_days(office, tctx, reps)
    clock.today = DAY1
    token = service.check_in_code(office, tctx, s.id, DAY1).token
    scanned = service.self_check_in(actor(users[0]), tctx, s.id, token)
    tapped = service.check_in(office, tctx, s.id, reps[1].id)
    assert service.scanned_ids([scanned, tapped]) == {scanned.id}
    assert service.scanned_ids([]) == set()
    assert _roll_row(office, tctx, s, reps[0].id).scanned_at == scanned.checked_in_at
    assert _roll_row(office, tctx, s, reps[1].id).scanned_at is None
    assert _roll_row(office, tctx, s, reps[2].id).scanned_at is None  # not checked in
    # A doubtful scan is taken back; checked in again by the office, it is the office's.
    service.undo_check_in(office, tctx, s.id, reps[0].id, DAY1)
    assert _roll_row(office, tctx, s, reps[0].id).checked_in is False
    service.check_in(office, tctx, s.id, reps[0].id)
    assert _roll_row(office, tctx, s, reps[0].id).scanned_at is None


# --- the pages -----------------------------------------------------------------------------------


def _code_url(
    world, office_user, session_id: int, day: date | None = None, *, printed: bool = False
) -> str:
    with tenant_context(world.township.id):
        return service.check_in_code(
            actor(office_user), world.township, session_id, day, printed=printed
        ).url


def _path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1]


def test_the_office_shows_the_turning_code_and_a_representative_checks_in(
    world, clock, people, client, monkeypatch
):
    reps, users = people
    with tenant_context(world.township.id):
        s = _two_days(actor(world.users["township_staff"]), world.township, reps)
        session_id = s.id
    _at(monkeypatch, _shanghai(DAY1, 9, 2))
    login(client, world.users["township_staff"])
    roll = client.get(f"{PAGES}/{session_id}/attendance?day={DAY1.isoformat()}")
    text = roll.get_data(as_text=True)
    assert roll.status_code == 200 and 'id="show-code"' in text and 'id="print-code"' in text
    assert f"{PAGES}/{session_id}/checkin-code" in text
    page = client.get(f"{PAGES}/{session_id}/checkin-code")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="qr"' in text and "<svg" in text
    # It shows the next code by itself at 09:05 (no script: the CSP allows none inline).
    assert '<meta http-equiv="refresh" content="181">' in text
    assert "每 5 分钟更新" in text and 'id="printed-code"' not in text
    url = _code_url(world, world.users["township_staff"], session_id)
    assert url in text and "/checkin/2026-05-21.0900." in url
    path = _path(url)
    _at(monkeypatch, _shanghai(DAY2, 9, 2))  # the next day: the first day's roll shows no code
    page = client.get(f"{PAGES}/{session_id}/attendance?day={DAY1.isoformat()}")
    assert 'id="show-code"' not in page.get_data(as_text=True)
    assert 'id="print-code"' not in page.get_data(as_text=True)
    client.post("/logout")

    login(client, users[0])
    refused = client.get(f"/{path}")  # the first day's code on the second day
    assert refused.status_code == 409
    assert "只在当天有效" in refused.get_data(as_text=True)
    _at(monkeypatch, _shanghai(DAY1, 9, 10))  # W+2: a forwarded photo, too late
    for late in (client.get(f"/{path}"), client.post(f"/{path}")):
        assert late.status_code == 409 and 'id="refused"' in late.get_data(as_text=True)
        assert "签到码已过期" in late.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert _checked(s, reps[0].id) == []
    _at(monkeypatch, _shanghai(DAY1, 9, 7))  # W+1
    shown = client.get(f"/{path}")
    assert shown.status_code == 200 and "确认签到" in shown.get_data(as_text=True)
    done = client.post(f"/{path}")
    assert done.status_code == 200 and "签到成功" in done.get_data(as_text=True)
    assert 'id="checked-in"' in done.get_data(as_text=True)
    again = client.post(f"/{path}")  # a second tap
    assert again.status_code == 200 and 'id="checked-in"' in again.get_data(as_text=True)
    opened = client.get(f"/{path}")  # opened again: already checked in
    assert 'id="checked-in"' in opened.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert len(_checked(s, reps[0].id)) == 1
    assert client.get(f"/{path[:-3]}xyz").status_code == 404  # a wrong code
    assert client.get(f"/{path.replace('2026-05-21', '2026-05-22')}").status_code == 404
    assert client.get(f"/{path.replace('.0900.', '.0905.')}").status_code == 404
    client.post("/logout")

    login(client, users[4])  # not invited
    uninvited = client.post(f"/{path}")
    assert uninvited.status_code == 403
    assert "不在本期培训的参训名单中" in uninvited.get_data(as_text=True)
    client.post("/logout")
    _far_reps, far_users = make_represented(world.other, 1, "tr.far")
    login(client, far_users[0])  # another township's representative: it is not found there
    foreign = client.post(f"/{path}")
    assert foreign.status_code == 404 and "未找到" in foreign.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert _checked(s, reps[4].id) == []


def test_the_office_prints_a_days_code_before_the_day(world, clock, people, client, monkeypatch):
    reps, users = people
    staff = world.users["township_staff"]
    with tenant_context(world.township.id):
        session_id = _two_days(actor(staff), world.township, reps).id
    _at(monkeypatch, _shanghai(TODAY, 10, 0))  # the day before
    login(client, staff)
    roll = client.get(f"{PAGES}/{session_id}/attendance?day={DAY1.isoformat()}")
    text = roll.get_data(as_text=True)
    assert 'id="print-code"' in text and 'id="show-code"' not in text
    # No code that turns before the day: back to the roll, with why.
    early = client.get(f"{PAGES}/{session_id}/checkin-code?day={DAY1.isoformat()}")
    assert early.status_code == 302 and "/attendance" in early.headers["Location"]
    page = client.get(f"{PAGES}/{session_id}/checkin-code?day={DAY1.isoformat()}&printed=1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="printed-code"' in text and "<svg" in text
    assert "http-equiv" not in text  # a printed code does not turn
    assert "2026-05-21 全天有效" in text and "转发" in text  # marked as what it is
    url = _code_url(world, staff, session_id, DAY1, printed=True)
    assert url in text and url.split("/checkin/", 1)[1].count(".") == 1
    client.post("/logout")
    login(client, users[0])
    _at(monkeypatch, _shanghai(DAY1, 16, 0))
    done = client.post(f"/{_path(url)}")
    assert done.status_code == 200 and "签到成功" in done.get_data(as_text=True)
    client.post("/logout")
    login(client, users[1])
    _at(monkeypatch, _shanghai(DAY2, 0, 0))
    late = client.post(f"/{_path(url)}")
    assert late.status_code == 409 and "只在当天有效" in late.get_data(as_text=True)


def test_a_double_tap_on_the_phone_is_a_repeat_not_a_500(world, clock, people, client, monkeypatch):
    reps, users = people
    with tenant_context(world.township.id):
        s = _two_days(actor(world.users["township_staff"]), world.township, reps)
        session_id = s.id
    clock.today = DAY1
    url = _code_url(world, world.users["township_staff"], session_id, DAY1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    login(client, users[0])
    other = _the_other_tap_stores_first(monkeypatch)
    second = client.post(f"/{path}")
    assert second.status_code == 200, second.get_data(as_text=True)[:800]
    assert 'id="checked-in"' in second.get_data(as_text=True)
    assert "您已签到（2026-05-21）" in second.get_data(as_text=True)
    assert len(other) == 1
    with tenant_context(world.township.id):
        assert len(_checked(s, reps[0].id)) == 1


def test_the_roll_marks_a_scan_with_its_shanghai_time(world, clock, people, client):
    reps, users = people
    staff = world.users["township_staff"]
    with tenant_context(world.township.id):
        s = _two_days(actor(staff), world.township, reps)
        session_id = s.id
    clock.today = DAY1
    url = _code_url(world, staff, session_id, DAY1)
    login(client, users[0])
    assert client.post(f"/{url.split('://', 1)[1].split('/', 1)[1]}").status_code == 200
    client.post("/logout")
    with tenant_context(world.township.id):
        service.check_in(actor(staff), world.township, session_id, reps[1].id)
        row = _checked(s, reps[0].id)[0]
        row.checked_in_at = datetime(2026, 5, 21, 0, 58, tzinfo=UTC)  # 08:58 in Shanghai
        db.session.commit()
    login(client, staff)
    page = client.get(f"{PAGES}/{session_id}/attendance?day={DAY1.isoformat()}")
    text = page.get_data(as_text=True)
    scanned = text.split(f'id="rep-{reps[0].id}"', 1)[1].split("</li>", 1)[0]
    tapped = text.split(f'id="rep-{reps[1].id}"', 1)[1].split("</li>", 1)[0]
    assert 'class="tr-scanned"' in scanned and "扫码签到 08:58" in scanned
    assert "撤销" in scanned  # the office takes a doubtful one back from here
    assert "已签到" in tapped and "扫码签到" not in tapped and "tr-scanned" not in tapped


def test_not_logged_in_the_code_asks_for_the_login_first(world, clock, people, client):
    reps, _users = people
    with tenant_context(world.township.id):
        s = _two_days(actor(world.users["township_staff"]), world.township, reps)
        session_id = s.id
    url = _code_url(world, world.users["township_staff"], session_id, DAY1, printed=True)
    response = client.get(f"/{_path(url)}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the API -------------------------------------------------------------------------------------


def test_the_api_code_and_self_check_in(world, clock, people, client):
    reps, users = people
    rep_ids = [r.id for r in reps]  # read now: no township context outside the requests
    staff = bearer(world.users["township_staff"])
    with tenant_context(world.township.id):
        session_id = _two_days(actor(world.users["township_staff"]), world.township, reps).id
    printed = f"{API}/sessions/{session_id}/check-in-code?day={DAY1.isoformat()}&printed=true"
    got = client.get(printed, headers=staff)  # the day before, to print
    assert got.status_code == 200, got.get_json()
    code = got.get_json()
    assert code["day"] == "2026-05-21" and code["token"] in code["url"]
    assert code["printed"] is True and code["refresh_in"] is None
    nearest = client.get(f"{API}/sessions/{session_id}/check-in-code?printed=true", headers=staff)
    assert nearest.get_json() == code  # no day: the session's day nearest to today
    # The code that turns is only shown on a day of the session.
    assert_error(
        client.get(f"{API}/sessions/{session_id}/check-in-code", headers=staff),
        409,
        "training_rule",
    )
    assert_error(client.get(printed, headers=bearer(users[0])), 403)
    assert_error(
        client.get(f"{API}/sessions/{session_id}/check-in-code", headers=bearer(users[0])), 403
    )
    body = {"token": code["token"]}
    url = f"{API}/sessions/{session_id}/self-check-in"
    early = client.post(url, json=body, headers=bearer(users[0]))  # today is the day before
    assert_error(early, 409, "training_rule")
    clock.today = DAY1
    made = client.post(url, json=body, headers=bearer(users[0]))
    assert made.status_code == 200, made.get_json()
    assert made.get_json()["representative_id"] == rep_ids[0]
    assert made.get_json()["by_scan"] is True
    again = client.post(url, json=body, headers=bearer(users[0]))
    assert again.status_code == 200 and again.get_json()["id"] == made.get_json()["id"]
    assert again.get_json()["by_scan"] is True
    tapped = client.post(
        f"{API}/sessions/{session_id}/check-ins",
        json={"representative_id": rep_ids[1], "day": DAY1.isoformat()},
        headers=staff,
    )
    assert tapped.status_code == 201 and tapped.get_json()["by_scan"] is False
    listed = client.get(f"{API}/sessions/{session_id}/check-ins", headers=staff)
    assert listed.status_code == 200
    assert {c["representative_id"]: c["by_scan"] for c in listed.get_json()} == {
        rep_ids[0]: True,
        rep_ids[1]: False,
    }
    # The office's tap for one who already scanned keeps it a scan.
    kept = client.post(
        f"{API}/sessions/{session_id}/check-ins",
        json={"representative_id": rep_ids[0], "day": DAY1.isoformat()},
        headers=staff,
    )
    assert kept.status_code == 201 and kept.get_json()["by_scan"] is True
    assert_error(client.post(url, json=body, headers=bearer(users[4])), 403)
    assert_error(client.post(url, json={**body, "token": "x" * 22}, headers=bearer(users[1])), 404)
    assert_error(client.post(url, json={"day": "2026-05-21"}, headers=bearer(users[1])), 422)


def test_the_api_shows_the_turning_code_and_refuses_it_late(
    world, clock, people, client, monkeypatch
):
    reps, users = people
    staff = bearer(world.users["township_staff"])
    with tenant_context(world.township.id):
        session_id = _two_days(actor(world.users["township_staff"]), world.township, reps).id
    _at(monkeypatch, _shanghai(DAY1, 9, 2))
    got = client.get(f"{API}/sessions/{session_id}/check-in-code", headers=staff)
    assert got.status_code == 200, got.get_json()
    code = got.get_json()
    assert code["printed"] is False and code["refresh_in"] == 180
    assert code["token"].startswith("2026-05-21.0900.") and code["token"] in code["url"]
    assert code["valid_until"].startswith("2026-05-21T01:10:00")  # 09:10 in Shanghai
    url = f"{API}/sessions/{session_id}/self-check-in"
    _at(monkeypatch, _shanghai(DAY1, 9, 9, 59))
    made = client.post(url, json={"token": code["token"]}, headers=bearer(users[0]))
    assert made.status_code == 200 and made.get_json()["by_scan"] is True
    _at(monkeypatch, _shanghai(DAY1, 9, 10))
    late = assert_error(
        client.post(url, json={"token": code["token"]}, headers=bearer(users[1])),
        409,
        "check_in_code_expired",
    )
    assert "签到码已过期" in late["message"]


# --- review (session 27): issuing a code is not a read; one clock reading; the day's last window --


def _issued() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "training.print_code")
            .order_by(AuditEntry.id)
        )
    )


def test_a_county_drilling_down_is_given_no_code(world, clock, people, client, monkeypatch):
    """A county viewer drilling down reads the township as its office does (a read-only grant
    of staff): the roll, yes; a check-in code, shown or printed, no — it is a credential, not a
    read. Refused with why (403), no link offered, nothing audited."""
    reps, _users = people
    with tenant_context(world.township.id):
        session_id = _two_days(actor(world.users["township_staff"]), world.township, reps).id
        codes = (
            kit.day_code(check_in_code.PURPOSE, world.township.id, session_id, DAY1),
            kit.day_code(check_in_code.PURPOSE, world.township.id, session_id, DAY2),
            kit.window_code(
                check_in_code.PURPOSE, world.township.id, session_id, kit.Window(DAY1, 9 * 60)
            ),
        )
    _at(monkeypatch, _shanghai(DAY1, 9, 2))  # a day of the session: either code could be issued
    login(client, world.users["county_viewer"])
    entered = client.post(f"/c/{world.county.slug}/comparison/drill/{world.township.id}")
    assert entered.status_code == 302
    for query in (
        "",
        f"?day={DAY1.isoformat()}",
        "?printed=1",
        f"?day={DAY1.isoformat()}&printed=1",
        f"?day={DAY2.isoformat()}&printed=true",
    ):
        page = client.get(f"{PAGES}/{session_id}/checkin-code{query}")
        text = page.get_data(as_text=True)
        assert page.status_code == 403, query
        assert "不能生成签到码" in text
        assert "<svg" not in text and not any(code in text for code in codes)
    roll = client.get(f"{PAGES}/{session_id}/attendance?day={DAY1.isoformat()}")
    assert roll.status_code == 200  # reading the roll stays open
    assert 'id="show-code"' not in roll.get_data(as_text=True)
    assert 'id="print-code"' not in roll.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert _issued() == []


def test_a_read_only_scope_issues_no_code_and_the_api_says_why(
    world, clock, office, people, client, monkeypatch
):
    """Whatever opened it read-only (the drill-down, a job), a township's read-only context
    issues no code: the service refuses (PermissionDenied), the API answers a structured 403."""
    reps, _users = people
    with tenant_context(world.township.id):
        session_id = _two_days(office, world.township, reps).id
    _at(monkeypatch, _shanghai(DAY1, 9, 2))
    with tenant_context(world.township.id, read_only=True):
        for day, printed in ((None, False), (DAY1, False), (None, True), (DAY2, True)):
            with pytest.raises(PermissionDenied) as refused:
                service.check_in_code(office, world.township, session_id, day, printed=printed)
            assert refused.value.status == 403 and "只读" in refused.value.message
    from lianxin.web import scope

    real = scope.enter_tenant
    monkeypatch.setattr(
        scope, "enter_tenant", lambda tid, read_only=False: real(tid, read_only=True)
    )
    staff = bearer(world.users["township_staff"])
    for query in ("", "?printed=true", f"?day={DAY2.isoformat()}&printed=true"):
        body = assert_error(
            client.get(f"{API}/sessions/{session_id}/check-in-code{query}", headers=staff),
            403,
            "permission_denied",
        )
        assert "只读" in body["message"] and "token" not in body
    with tenant_context(world.township.id):
        assert _issued() == []


def test_a_printed_code_is_audited_without_the_code(
    world, clock, office, people, tctx, monkeypatch
):
    """Issuing the day's code (good all day) leaves an entry: who, the session, the day; never
    the code. The code shown on a screen (a new one every 5 minutes) does not."""
    reps, _users = people
    s = _two_days(office, tctx, reps)
    _at(monkeypatch, _shanghai(TODAY, 10, 0))  # the day before: printed for DAY1 and DAY2
    one = service.check_in_code(office, tctx, s.id, DAY1, printed=True)
    two = service.check_in_code(office, tctx, s.id, DAY2, printed=True)
    with pytest.raises(service.TrainingRuleBroken):  # not one of its days: nothing issued
        service.check_in_code(office, tctx, s.id, TODAY, printed=True)
    _at(monkeypatch, _shanghai(DAY1, 9, 2))
    shown = service.check_in_code(office, tctx, s.id)
    entries = _issued()
    assert [
        (e.tenant_id, e.actor_user_id, e.target_type, e.target_id, e.after["day"]) for e in entries
    ] == [
        (tctx.id, office.user_id, "training_session", str(s.id), "2026-05-21"),
        (tctx.id, office.user_id, "training_session", str(s.id), "2026-05-22"),
    ]
    written = repr([(e.before, e.after) for e in entries])
    for token in (one.token, two.token, shown.token):
        assert token.rsplit(".", 1)[1] not in written and token not in written
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("training.%code%"))
    ).all() == ["training.print_code", "training.print_code"]


def _clock_read_twice(monkeypatch, *instants: datetime) -> None:
    """A clock that moves between readings: each reading of the date or of the time (when not
    given an instant) is the next of `instants`, then the last again."""
    left = list(instants)

    def read() -> datetime:
        return left.pop(0) if len(left) > 1 else left[0]

    monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: REAL_TODAY(now or read()))
    monkeypatch.setattr(kit, "now", read)


def test_the_date_and_the_window_are_of_one_instant_at_midnight(
    world, clock, office, people, tctx, monkeypatch
):
    """Midnight passing between reading the date and reading the time once paired the day
    before with 00:00: the office was shown that day's 00:00 code (long refused), and a 00:00
    code a day old was accepted at 23:59:59."""
    reps, users = people
    s = _two_days(office, tctx, reps)
    before = _shanghai(DAY1, 23, 59, 59) + timedelta(microseconds=999_000)
    _clock_read_twice(monkeypatch, before, _shanghai(DAY2, 0, 0))
    code = service.check_in_code(office, tctx, s.id)
    assert code.day == DAY1 and code.token.startswith("2026-05-21.2355.")
    assert code.valid_until > before and code.refresh_in == 1
    old = kit.window_code(check_in_code.PURPOSE, tctx.id, s.id, kit.Window(DAY1, 0))
    _clock_read_twice(monkeypatch, before, _shanghai(DAY2, 0, 0))
    with pytest.raises(service.CheckInCodeExpired):  # 00:00 of DAY1: a day old
        service.self_check_in(actor(users[0]), tctx, s.id, old)
    assert _checked(s, reps[0].id) == []
    _clock_read_twice(monkeypatch, before, _shanghai(DAY2, 0, 0))
    assert service.self_check_in(actor(users[0]), tctx, s.id, code.token).day == DAY1


def test_the_days_last_windows_say_the_days_end(world, clock, people, client, monkeypatch):
    """23:50 and 23:55 (Asia/Shanghai): a code is refused from 00:00, the day being over; the
    page and the API say so (not "until 00:05")."""
    reps, users = people
    staff = world.users["township_staff"]
    with tenant_context(world.township.id):
        session_id = _two_days(actor(staff), world.township, reps).id
    login(client, staff)
    for hh, mm in ((23, 52), (23, 55), (23, 57), (23, 59)):
        _at(monkeypatch, _shanghai(DAY1, hh, mm))
        page = client.get(f"{PAGES}/{session_id}/checkin-code")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "有效至当天 23:59:59" in text, (hh, mm)
        assert "00:05" not in text and "00:00 之前" not in text
        got = client.get(f"{API}/sessions/{session_id}/check-in-code", headers=bearer(staff))
        assert got.get_json()["valid_until"].startswith("2026-05-21T16:00:00")  # DAY2 00:00
    _at(monkeypatch, _shanghai(DAY1, 23, 45))  # an earlier window: its own end, as before
    text = client.get(f"{PAGES}/{session_id}/checkin-code").get_data(as_text=True)
    assert "23:55 之前有效" in text and "23:59:59" not in text
    _at(monkeypatch, _shanghai(DAY1, 23, 56))
    with tenant_context(world.township.id):
        last = service.check_in_code(actor(staff), world.township, session_id)
        assert last.valid_until == _shanghai(DAY2, 0, 0)
        _at(monkeypatch, _shanghai(DAY1, 23, 59, 59))  # what the page says: still good
        assert service.self_check_in(actor(users[0]), world.township, session_id, last.token)
        _at(monkeypatch, _shanghai(DAY2, 0, 0))  # from valid_until on: refused
        with pytest.raises(service.TrainingRuleBroken):
            service.self_check_in(actor(users[1]), world.township, session_id, last.token)
