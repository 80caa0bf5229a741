"""Web sessions that end at logout.

Flask's session is a signed cookie: the signature makes it unforgeable, not revocable, so a
copy of the cookie taken before logout would still sign in after it. Each login therefore puts
a random session id in the cookie, and logout puts that id on a deny list until the cookie
would have expired anyway (PERMANENT_SESSION_LIFETIME). A signed-in cookie without an id (or
with a denied one) signs nobody in.

The deny list lives in the rate limiter's store: Redis in production, so every web worker
sees a logout at once; this process's memory in the embedded default (one process). Each
process also remembers the ids it denied itself, so a logout holds on that worker even while
Redis is unreachable; a Redis outage is logged and the check falls back to that memory for a
few seconds before it tries again, so requests never hang on it.

Two more things end a session without a logout. The cookie carries the user's credentials epoch
from sign-in; setting or changing the password, or switching the account off, raises the epoch,
so every other session of the user ends at its next request (the session that changed the
password is re-stamped). And the cookie carries the time of its last request, refreshed at most
once a minute (so that the cookie is not rewritten on every response): a session idle for
longer than SESSION_IDLE_HOURS signs nobody in.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any

from flask import current_app, session

log = logging.getLogger("lianxin.auth")

KEY = "_sid"
EPOCH = "_epoch"
SEEN = "_seen"
_SEEN_REFRESH = 60  # seconds between rewrites of the last-seen time
_PREFIX = "lianxin:logout:"
_RETRY_AFTER = 5.0  # seconds without asking Redis after it failed


class DenyList:
    def __init__(self, redis_url: str | None, ttl_seconds: int) -> None:
        self.ttl = ttl_seconds
        self._local: dict[str, float] = {}  # id → when the entry may be forgotten
        self._lock = threading.Lock()
        self._redis: Any = None
        self._down_until = 0.0
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(
                redis_url, socket_connect_timeout=0.5, socket_timeout=0.5
            )

    def _remote(self) -> Any:
        return (
            self._redis if self._redis is not None and time.monotonic() > self._down_until else None
        )

    def _failed(self, exc: Exception) -> None:
        self._down_until = time.monotonic() + _RETRY_AFTER
        log.warning("session deny list unreachable, using this process's memory: %s", exc)

    def deny(self, sid: str) -> None:
        now = time.time()
        with self._lock:
            self._local = {k: v for k, v in self._local.items() if v > now}
            self._local[sid] = now + self.ttl
        remote = self._remote()
        if remote is not None:
            try:
                remote.set(_PREFIX + sid, "1", ex=self.ttl)
            except Exception as exc:
                self._failed(exc)

    def denied(self, sid: str) -> bool:
        with self._lock:
            if self._local.get(sid, 0) > time.time():
                return True
        remote = self._remote()
        if remote is None:
            return False
        try:
            return bool(remote.exists(_PREFIX + sid))
        except Exception as exc:
            self._failed(exc)
            return False

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()


def init_app(app: Any) -> None:
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    app.extensions["lianxin.session_denylist"] = DenyList(
        uri if uri.startswith(("redis://", "rediss://")) else None,
        int(lifetime.total_seconds()),
    )


def _denylist() -> DenyList:
    return current_app.extensions["lianxin.session_denylist"]  # type: ignore[no-any-return]


def start(user: Any) -> None:
    """Call right after login_user(): this sign-in's own id, the user's credentials epoch and
    the time."""
    session[KEY] = secrets.token_urlsafe(24)
    session[SEEN] = int(time.time())
    restamp(user)


def restamp(user: Any) -> None:
    """This session survives the user's own password change: it carries the new epoch."""
    session[EPOCH] = user.credentials_epoch


def matches(user: Any) -> bool:
    """The session was signed in (or re-stamped) since the user's password was last set."""
    epoch = session.get(EPOCH)
    return isinstance(epoch, int) and epoch == user.credentials_epoch


def end() -> None:
    """Call at logout, before the session is cleared: this cookie never signs in again."""
    sid = session.get(KEY)
    if sid:
        _denylist().deny(str(sid))


def _fresh() -> bool:
    """Used within SESSION_IDLE_HOURS; refreshes the last-seen time at most once a minute."""
    seen = session.get(SEEN)
    if not isinstance(seen, int | float):
        return False
    now = time.time()
    if now - seen > float(current_app.config["SESSION_IDLE_HOURS"]) * 3600:
        return False
    if now - seen >= _SEEN_REFRESH:
        session[SEEN] = int(now)
    return True


def is_live() -> bool:
    """The session cookie of this request belongs to a sign-in that has neither logged out nor
    sat idle too long."""
    sid = session.get(KEY)
    return bool(sid) and _fresh() and not _denylist().denied(str(sid))
