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


def start() -> None:
    """Call right after login_user(): this sign-in's own id."""
    session[KEY] = secrets.token_urlsafe(24)


def end() -> None:
    """Call at logout, before the session is cleared: this cookie never signs in again."""
    sid = session.get(KEY)
    if sid:
        _denylist().deny(str(sid))


def is_live() -> bool:
    """The session cookie of this request belongs to a sign-in that has not logged out."""
    sid = session.get(KEY)
    return bool(sid) and not _denylist().denied(str(sid))
