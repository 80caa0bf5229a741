"""The login rate limit per client address, which counts failed attempts only, and the 429 answer.

Guessing passwords across many accounts from one address is slowed by LOGIN_RATE_LIMIT, but a
successful sign-in is not a guess: eleven representatives signing in from one meeting hall's
Wi-Fi must all get in. The limit is therefore checked before each attempt and charged after it,
only when the view marked the attempt as failed (flask-limiter's `deduct_when`).

Any 429 of the site says, in Chinese, how long to wait, and sends `Retry-After`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, jsonify, make_response
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from lianxin.api.base import error_body, is_api_request
from lianxin.extensions import limiter

_FAILED = "lianxin_login_failed"
SCOPE = "login"


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def failed() -> None:
    """Mark this request as a failed attempt: it counts against the address."""
    setattr(g, _FAILED, True)


def _charge(_response: Any) -> bool:
    return bool(g.get(_FAILED))


def failures_limited(
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The decorator of a login-like route: LOGIN_RATE_LIMIT failures per address, shared by
    every such route (the login page, API token creation, set-up links), so that a guesser gets
    no more tries by switching doors. Attempts are requests by `methods`; the view calls
    `failed()` on a failure."""
    return limiter.shared_limit(
        _login_limit, scope=SCOPE, methods=list(methods), deduct_when=_charge
    )


def seconds_to_wait() -> int:
    """Until the breached limit of this request lets the address try again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def wait_text(seconds: int) -> str:
    if seconds < 120:
        return _("%(n)d 秒", n=seconds)
    return _("%(n)d 分钟", n=math.ceil(seconds / 60))


def _rate_limited(_exc: RateLimitExceeded) -> Any:
    from lianxin.web.errors import render_error_page

    wait = seconds_to_wait()
    message = _("尝试过于频繁，请在 %(wait)s后再试。", wait=wait_text(wait))
    if is_api_request():
        response = jsonify(error_body(429, message))
    else:
        response = make_response(render_error_page(429, message))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def init_app(app: Flask) -> None:
    # Registered for the exception class, which carries code 429: it takes precedence over the
    # API's catch-all HTTPException handler for pages and JSON alike.
    app.register_error_handler(RateLimitExceeded, _rate_limited)
