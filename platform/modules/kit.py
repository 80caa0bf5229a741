"""What every module's service had a copy of: its settings in a township, today's date, the
actor's own representative record, the township's term, and the township's audit entry.

Kept out of `lianxin.usecases` (the transaction and input kit, which the tenants and accounts
services use too): these read the tenants' settings and the Shanghai calendar.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import current_scope
from lianxin.errors import NotFound
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township


def module_settings(township_id: int, key: str) -> dict[str, Any]:
    """A module's effective settings in a township (module → county → township layers)."""
    return tenants.effective_settings(township_id, key)


def today(given: date | None = None) -> date:
    """The Asia/Shanghai date (or `given`, for tests and replays). Looks the clock up at each
    call, so a test that stops `deadlines.shanghai_today` stops it here too."""
    return given or deadlines.shanghai_today()


def now() -> datetime:
    """The current instant (aware, UTC). Looked up at each call, so a test stops the clock of
    the day's windows by replacing `kit.now` (the date's: `deadlines.shanghai_today`)."""
    return datetime.now(UTC)


def now_and_today(given: date | None = None) -> tuple[datetime, date]:
    """One reading of the clock: the instant (aware, UTC) and its Asia/Shanghai date (or
    `given`, as `today` takes it). The date and the time of day of a window are taken from the
    same instant: read apart, midnight passing between the two readings paired the day before
    with 00:00."""
    at = now()
    return at, given or deadlines.shanghai_today(at)


def is_read_only() -> bool:
    """Whether the township is open read-only in this request (a county drilling down, a job
    that only reads): what issues a credential (a check-in code) is refused there too, though
    it writes no row."""
    scope = current_scope()
    return scope is not None and scope.read_only


# --- a check-in QR code: one that turns every few minutes, or one good all day (printed) --------

WINDOW_MINUTES = 5
_WINDOW_LABEL = re.compile(r"^([01][0-9]|2[0-3])([0-5][0-9])$")


@dataclass(frozen=True)
class Window:
    """A short period of an Asia/Shanghai day: `start` minutes after its 00:00 (a multiple of
    `WINDOW_MINUTES`). The code shown on a screen is this window's (`window_code`)."""

    day: date
    start: int

    @property
    def label(self) -> str:
        """`0915`: the Shanghai time it begins, as the code carries it."""
        return f"{self.start // 60:02d}{self.start % 60:02d}"

    @property
    def begins_at(self) -> datetime:
        """Its first instant (aware, UTC)."""
        midnight = datetime.combine(self.day, time(0), tzinfo=deadlines.SHANGHAI)
        return (midnight + timedelta(minutes=self.start)).astimezone(UTC)


def current_window(at: datetime | None = None, *, today: date | None = None) -> Window:
    """The window of `at` (now when not given): the Shanghai date (`today`, when given, as
    `kit.today` takes it) and the Shanghai time of day rounded down to the window."""
    at = at or now()
    local = at.astimezone(deadlines.SHANGHAI)
    minutes = local.hour * 60 + local.minute
    return Window(today or deadlines.shanghai_today(at), minutes - minutes % WINDOW_MINUTES)


def day_end(day: date) -> datetime:
    """The first instant of the next Asia/Shanghai day (aware, UTC): a code of `day` is
    refused from it on."""
    return Window(day + timedelta(days=1), 0).begins_at


def window_good_until(window: Window) -> datetime:
    """The instant a code of `window` is refused from (aware, UTC): the end of the window
    after it (`window_accepts`), or the day's end for the day's last window, a code being
    good on its day only."""
    return min(window.begins_at + timedelta(minutes=2 * WINDOW_MINUTES), day_end(window.day))


def window_seconds_left(at: datetime | None = None) -> int:
    """Seconds from `at` (now) to the next window (1 … 60 × `WINDOW_MINUTES`)."""
    local = (at or now()).astimezone(deadlines.SHANGHAI)
    return WINDOW_MINUTES * 60 - ((local.minute % WINDOW_MINUTES) * 60 + local.second)


def window_accepts(code: Window, current: Window) -> bool:
    """Whether a code of window `code` is still good in window `current`: it is the current
    window or the one before it (a scan at a window's edge), on the same day only."""
    return code.day == current.day and 0 <= current.start - code.start <= WINDOW_MINUTES


def _mac(kind: str, message: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"{kind}|{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def window_code(purpose: str, township_id: int, object_id: int, window: Window) -> str:
    """The code of a link good for one object in one window of an Asia/Shanghai day (the
    check-in QR code a training's office shows): the day, the window and a MAC of the app's
    SECRET_KEY over what it is for, so nothing is stored (`2026-05-21.0915.` and 22
    characters). Whether the window is still good is the caller's (`window_accepts`)."""
    message = f"{purpose}|{township_id}|{object_id}|{window.day.isoformat()}|{window.label}"
    return f"{window.day.isoformat()}.{window.label}.{_mac('lianxin.window_code', message)}"


def window_of_code(
    purpose: str, township_id: int, object_id: int, code: str | None
) -> Window | None:
    """The window a `window_code` is of, or None when it is not one of this object's codes."""
    head, _dot, rest = str(code or "").partition(".")
    label = rest.partition(".")[0]
    found = _WINDOW_LABEL.match(label)
    try:
        day = date.fromisoformat(head)
    except ValueError:
        return None
    if found is None or int(found.group(2)) % WINDOW_MINUTES:
        return None
    window = Window(day, int(found.group(1)) * 60 + int(found.group(2)))
    expected = window_code(purpose, township_id, object_id, window)
    return window if token_matches(code, expected) else None


def day_code(purpose: str, township_id: int, object_id: int, day: date) -> str:
    """The code of a link good for one object all one Asia/Shanghai day: the PRINTED check-in
    code of a training day, a mode of its own (a photo of it works all day; the code on a
    screen is a `window_code`). The day and a MAC of the app's SECRET_KEY over what it is for,
    so nothing is stored, and another day's, another object's or another township's code is
    another string (`2026-05-21.` and 22 characters)."""
    message = f"{purpose}|{township_id}|{object_id}|{day.isoformat()}"
    return f"{day.isoformat()}.{_mac('lianxin.day_code', message)}"


def day_of_code(purpose: str, township_id: int, object_id: int, code: str | None) -> date | None:
    """The day a `day_code` is good for, or None when it is not one of this object's codes."""
    head = str(code or "").partition(".")[0]
    try:
        day = date.fromisoformat(head)
    except ValueError:
        return None
    expected = day_code(purpose, township_id, object_id, day)
    return day if token_matches(code, expected) else None


def token_matches(given: str | None, expected: str) -> bool:
    """A code from a URL or a body against the right one, in constant time. Compared as UTF-8
    bytes: `compare_digest` refuses str with non-ASCII characters (a 500)."""
    return hmac.compare_digest(str(given or "").encode(), expected.encode())


# --- what the modules' stages share about people and the record ---------------------------------


def is_office(actor: Actor, township: Township) -> bool:
    """Whether the actor works in the township's liaison office (staff or admin)."""
    return permissions.can_work_in_office(actor, township.id)


def representative_of(actor: Actor) -> Representative | None:
    """The actor's own representative record in the request's township (tenant context)."""
    if actor.user_id is None:
        return None
    return db.session.scalar(select(Representative).where(Representative.user_id == actor.user_id))


def find_representative(township: Township, rep_id: int) -> Representative:
    """A representative of this township (another township's id: 404)."""
    rep = db.session.get(Representative, (township.id, int(rep_id)))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


def current_term() -> int | None:
    """The township's current term: the newest 届 among the representatives in office."""
    return db.session.scalar(
        select(func.max(Representative.term)).where(Representative.status == RepStatus.IN_OFFICE)
    )


def record(
    action: str,
    actor: Actor | None,
    township: Township,
    target_type: str,
    target_id: int,
    **after: Any,
) -> None:
    """An audit entry of the township, the fields given as what the object is now."""
    audit.record(
        action,
        actor=actor,
        tenant_id=township.id,
        target_type=target_type,
        target_id=target_id,
        after=after or None,
    )
