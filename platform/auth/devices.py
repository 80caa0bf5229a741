"""Known devices: a browser that signed in to an account before may pass that account's back-off.

Failed guesses make an account's next attempts wait (lianxin.auth.service.authenticate), which
would let anyone keep its owner out by guessing. A successful login therefore leaves a signed,
long-lived cookie naming the accounts that signed in on this browser; the right password from
such a browser is accepted even while the account waits. The cookie is signed with the app's
secret (so it cannot name an account that never signed in here) and proves nothing by itself:
the password is still required.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "lx_device"
MAX_AGE_DAYS = 180
MAX_ACCOUNTS = 8  # a shared office computer remembers its last few accounts
_SALT = "lianxin.known-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def known_user_ids() -> tuple[int, ...]:
    """The accounts that signed in on this browser before, newest first (none for a missing,
    forged or expired cookie)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return ()
    try:
        ids = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 86400)
    except BadSignature:  # an expired signature is one too
        return ()
    if not isinstance(ids, list):
        return ()
    return tuple(i for i in ids if isinstance(i, int) and not isinstance(i, bool))


def remember(response: Any, user_id: int, known: Iterable[int] = ()) -> None:
    """Add the account that just signed in to this browser's cookie (newest first)."""
    ids = [user_id, *(i for i in known if i != user_id)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(ids),
        max_age=MAX_AGE_DAYS * 86400,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
