"""Check-in by the day's QR code, as at the annual session: the office shows a code for one day
of a session (on the roll's page, or prints it beforehand); an invited representative, logged
in, opens it on a phone and is present that day. The code is good for that session on that
Asia/Shanghai day only (from 00:00 to 23:59), and nothing of it is stored: it is the day and a
MAC of the township, the session and the day (`lianxin.modules.kit.day_code`).

The code is the same all day, so a forwarded photo of it checks one in from anywhere; as at the
annual session it is kept, and the office sees each such check-in instead: the roll marks it
"扫码签到" with its time and the API's `by_scan` is true (the row is recorded by the
representative's own account), and a doubtful one is taken back (`undo_check_in`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules.kit import day_code, day_of_code
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.errors import TrainingRuleBroken
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
    """The code of one day of a session: what its QR code's link carries."""

    session_id: int
    day: date
    token: str  # the day and its MAC (`lianxin.modules.kit.day_code`)
    url: str  # the page the QR code opens (`views.scan`)


def _token(township: Township, session: TrainingSession, day: date) -> str:
    return day_code(PURPOSE, township.id, session.id, day)


def check_in_code(
    actor: Actor, township: Township, session_id: int, day: date | None = None
) -> CheckInCode:
    """The office's code for `day`, a day of the session (it may be printed before the day);
    when not given, today's, or that of the session's day nearest to today."""
    _write(actor, township)
    session = find_session(township, session_id)
    day = day or default_day(session)
    _check_day(session, day, session.ends_on)  # cancelled, or not one of its days: refused
    token = _token(township, session, day)
    url = links.public_url(
        "trainings.scan",
        township_slug=township.slug,
        session_id=session.id,
        token=token,
    )
    return CheckInCode(session.id, day, token, url)


@dataclass(frozen=True)
class Scan:
    """What a representative who opened a day's code is about to do (or has done)."""

    session: TrainingSession
    day: date
    representative: Representative
    invitation: TrainingInvitation
    done: TrainingCheckIn | None


def scan(
    actor: Actor,
    township: Township,
    session_id: int,
    token: str | None,
    *,
    today: date | None = None,
) -> Scan:
    """The checks of a self check-in without writing (the page a scan opens shows their
    answer at once): a wrong code is not found; outside its day, or for a cancelled session,
    the rule is broken; one who is not an invited representative of the township is refused."""
    _read(actor, township)
    session = find_session(township, session_id)
    day = day_of_code(PURPOSE, township.id, session.id, token)
    if day is None:
        raise NotFound(_("签到码无效，请扫描培训现场的签到二维码"))
    now = kit_today(today)
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
    return Scan(session, day, rep, invitation, _check_in_on(session.id, rep.id, day))


@use_case
def self_check_in(
    actor: Actor,
    township: Township,
    session_id: int,
    token: str | None,
    *,
    today: date | None = None,
) -> TrainingCheckIn:
    """The representative opened the day's code and is present that day: the whole day, or the
    other half of a half-day leave. Once: a second scan, or one after the office checked them
    in, changes nothing and answers the check-in there is; so does the second of two taps at
    the same moment, which both found none (`_insert_once`). Recorded by the representative's
    own account: the roll and the API show it as checked in by scanning (`by_scan`)."""
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
    )
    return row
