"""Check-in by QR code, as at the annual session: the office shows a code of a session on a
screen (from the roll's page), or prints the code of a day beforehand; an invited
representative, logged in, opens it on a phone and is present that day. Nothing of a code is
stored: it is a MAC of the township, the session and when it is good (`lianxin.modules.kit`).

Two modes, told apart by the code itself:
- SHOWN (the default): the code of a 5-minute window of the Asia/Shanghai day (`window_code`),
  good in that window and the next only (a scan at a window's edge still works), and on that
  day only; the page showing it refreshes itself at each window. A photo of it forwarded to a
  representative who stays home is too late within minutes (security review, session 27: the
  one code of the whole day checked one in from anywhere).
- PRINTED (asked for explicitly, `printed=True`; the roll's page offered a day's code before
  the day to print it): the day's code (`day_code`), good from 00:00 to 23:59 of that day, so a
  photo of it works all day; the page marks it so, and the audit entry (`printed_code`).

Either way the office sees each self check-in: the roll marks it "扫码签到" with its time and
the API's `by_scan` is true (the row is recorded by the representative's own account), and a
doubtful one is taken back (`undo_check_in`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules import kit
from lianxin.modules.trainings.errors import CheckInCodeExpired, TrainingRuleBroken
from lianxin.modules.trainings.models import (
    Answer,
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.attendance import (
    _check_day,
    _check_in_on,
    _insert_once,
    _invitation,
    default_day,
    rest_of_day,
)
from lianxin.modules.trainings.stages.common import (
    _audit,
    _read,
    _write,
    find_session,
    representative_of,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case
from lianxin.web import links

PURPOSE = "trainings.check_in"


@dataclass(frozen=True)
class CheckInCode:
    """A code of a session: what its QR code's link carries."""

    session_id: int
    day: date
    token: str  # `kit.window_code` (shown) or `kit.day_code` (printed)
    url: str  # the page the QR code opens (`views.scan`)
    printed: bool  # the day's code, good all day (to print), not one that turns
    valid_until: datetime  # refused from this instant on (aware, UTC)
    refresh_in: int | None  # seconds to the next window's code (None: printed)

    @property
    def until_days_end(self) -> bool:
        """Good to the end of its day (printed, or a shown code of the day's last windows): the
        page says "to 23:59:59", not the next day's 00:00 or 00:05."""
        return self.valid_until == kit.day_end(self.day)


def _url(township: Township, session: TrainingSession, token: str) -> str:
    return links.public_url(
        "trainings.scan", township_slug=township.slug, session_id=session.id, token=token
    )


def _issuing(actor: Actor, township: Township) -> None:
    """Who may be given a code: the township's office, not in a read-only context. A code is a
    credential (it checks one in), not a read: a county viewer drilling down, who reads the
    township as its office does, is refused one (security review, session 27)."""
    _write(actor, township)
    if kit.is_read_only():
        raise PermissionDenied(
            _("县级只读查看不能生成签到码：签到码可直接用于签到，请由乡镇联络站生成和打印。")
        )


@use_case
def check_in_code(
    actor: Actor,
    township: Township,
    session_id: int,
    day: date | None = None,
    *,
    printed: bool = False,
    today: date | None = None,
) -> CheckInCode:
    """The office's code (not in a read-only context: `_issuing`). Shown (the default): the
    code of the current window of today, a day of the session (`day`, when given, must be
    today); today and the window are of one reading of the clock. Printed: the code of `day`, a
    day of the session, good all that day (it may be printed before the day); when not given,
    today's, or that of the session's day nearest to today. Issuing a printed code is audited
    (who, the session, the day; never the code); a shown one, a new one every 5 minutes on a
    screen, is not."""
    _issuing(actor, township)
    session = find_session(township, session_id)
    at, now = kit.now_and_today(today)
    if printed:
        day = day or default_day(session, now)
        _check_day(session, day, session.ends_on)  # cancelled, or not one of its days: refused
        token = kit.day_code(PURPOSE, township.id, session.id, day)
        _audit(
            "training.print_code",
            actor,
            township,
            "training_session",
            session.id,
            day=day.isoformat(),
        )
        return CheckInCode(
            session.id, day, token, _url(township, session, token), True, kit.day_end(day), None
        )
    if day is not None and day != now:
        raise TrainingRuleBroken(
            _(
                "现场签到二维码只在当天显示（%(d)s 不是今天），每 %(n)s 分钟更新；"
                "提前准备请打印纸质签到码",
                n=kit.WINDOW_MINUTES,
                d=day.isoformat(),
            )
        )
    _check_day(session, now, now)  # cancelled, or today is not one of its days: refused
    window = kit.current_window(at, today=now)
    token = kit.window_code(PURPOSE, township.id, session.id, window)
    return CheckInCode(
        session.id,
        now,
        token,
        _url(township, session, token),
        False,
        kit.window_good_until(window),
        kit.window_seconds_left(at),
    )


def _read_code(
    township: Township, session: TrainingSession, token: str | None
) -> tuple[date, kit.Window | None]:
    """The day of a code of the session and, for a shown one, its window (printed: None)."""
    window = kit.window_of_code(PURPOSE, township.id, session.id, token)
    if window is not None:
        return window.day, window
    day = kit.day_of_code(PURPOSE, township.id, session.id, token)
    if day is None:
        raise NotFound(_("签到码无效，请扫描培训现场的签到二维码"))
    return day, None


@dataclass(frozen=True)
class Scan:
    """What a representative who opened a day's code is about to do (or has done)."""

    session: TrainingSession
    day: date
    representative: Representative
    invitation: TrainingInvitation
    done: TrainingCheckIn | None
    printed: bool  # by the day's printed code, not one shown on the screen


def scan(
    actor: Actor,
    township: Township,
    session_id: int,
    token: str | None,
    *,
    today: date | None = None,
) -> Scan:
    """The checks of a self check-in without writing (the page a scan opens shows their
    answer at once): a wrong code is not found; outside its day, a shown code after the window
    that follows its own, or for a cancelled session, the rule is broken; one who is not an
    invited representative of the township is refused."""
    _read(actor, township)
    session = find_session(township, session_id)
    day, window = _read_code(township, session, token)
    at, now = kit.now_and_today(today)  # the date and the window of one instant
    if session.cancelled:
        raise TrainingRuleBroken(_("该培训已取消，不能签到"))
    if day != now:
        raise TrainingRuleBroken(
            _(
                "这是 %(d)s 的签到码，只在当天有效（今天是 %(t)s）",
                d=day.isoformat(),
                t=now.isoformat(),
            )
        )
    if window is not None and not kit.window_accepts(window, kit.current_window(at, today=now)):
        raise CheckInCodeExpired(
            _(
                "签到码已过期：这是 %(t)s 显示的二维码，只在 %(n)s 分钟左右有效。"
                "请扫描培训现场屏幕上最新的签到二维码",
                t=f"{window.label[:2]}:{window.label[2:]}",
                n=2 * kit.WINDOW_MINUTES,
            )
        )
    _check_day(session, day, now)
    rep = representative_of(actor)
    if rep is None:
        raise PermissionDenied(_("只有本期培训的参训代表可以扫码签到"))
    try:
        invitation = _invitation(session, rep.id)
    except TrainingRuleBroken:
        raise PermissionDenied(
            _("您不在本期培训的参训名单中，不能签到；如有疑问请联系联络站")
        ) from None
    done = _check_in_on(session.id, rep.id, day)
    return Scan(session, day, rep, invitation, done, printed=window is None)


@use_case
def self_check_in(
    actor: Actor,
    township: Township,
    session_id: int,
    token: str | None,
    *,
    today: date | None = None,
) -> TrainingCheckIn:
    """The representative opened a code (shown or printed) and is present that day: the whole
    day, or the other half of a half-day leave. Once: a second scan, or one after the office
    checked them in, changes nothing and answers the check-in there is; so does the second of
    two taps at the same moment, which both found none (`_insert_once`). Recorded by the
    representative's own account: the roll and the API show it as checked in by scanning
    (`by_scan`); the audit entry tells a printed code (`printed_code`)."""
    found = scan(actor, township, session_id, token, today=today)
    day = found.day
    if found.done is not None:
        return found.done
    row = TrainingCheckIn(
        session_id=found.session.id,
        representative_id=found.representative.id,
        day=day,
        half=rest_of_day(found.invitation, day),
        checked_in_by_id=actor.user_id,
    )
    first = _insert_once(row)
    if first is not None:
        return first
    if found.invitation.answer == Answer.PENDING:
        found.invitation.answer = Answer.CONFIRMED
    db.session.flush()
    _audit(
        "training.self_check_in",
        actor,
        township,
        "training_session",
        found.session.id,
        representative=found.representative.id,
        day=day.isoformat(),
        half=row.half,
        printed_code=found.printed,
    )
    return row
