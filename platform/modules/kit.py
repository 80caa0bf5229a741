"""What every module's service had a copy of: its settings in a township, today's date, the
actor's own representative record, the township's term, and the township's audit entry.

Kept out of `lianxin.usecases` (the transaction and input kit, which the tenants and accounts
services use too): these read the tenants' settings and the Shanghai calendar.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.db import db
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


# --- a link that works one day (a check-in QR code) ----------------------------------------------


def day_code(purpose: str, township_id: int, object_id: int, day: date) -> str:
    """The code of a link good for one object on one Asia/Shanghai day (the check-in QR code of
    a training day): the day and a MAC of the app's SECRET_KEY over what it is for, so nothing
    is stored, and another day's, another object's or another township's code is another
    string (`2026-05-21.` and 22 characters)."""
    message = f"{purpose}|{township_id}|{object_id}|{day.isoformat()}".encode()
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, b"lianxin.day_code|" + message, hashlib.sha256).digest()
    return f"{day.isoformat()}.{base64.urlsafe_b64encode(digest[:16]).decode().rstrip('=')}"


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
