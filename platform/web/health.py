"""Readiness of the services the app needs, for /readyz and for a clear start-up error."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask
from sqlalchemy import text

from lianxin.db import db


def _database(app: Flask) -> dict[str, Any]:
    try:
        with app.app_context(), db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__ + ": " + str(exc).splitlines()[0][:200]}


def _broker(app: Flask) -> dict[str, Any]:
    if app.config["CELERY_EAGER"]:
        return {"ok": True, "mode": "eager"}
    try:
        import redis

        client = redis.Redis.from_url(
            app.config["BROKER_URL"], socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__ + ": " + str(exc)[:200]}


def readiness(app: Flask) -> dict[str, dict[str, Any]]:
    return {"database": _database(app), "broker": _broker(app)}


def exit_unless_ready(app: Flask) -> None:
    """At start-up: one clear line per unreachable service and exit 1, not a traceback."""
    failed = {name: c for name, c in readiness(app).items() if not c["ok"]}
    if failed:
        for name, check in failed.items():
            target = app.config["DATABASE_URL"] if name == "database" else app.config["BROKER_URL"]
            print(
                f"lianxin: cannot reach the {name} at {_redact(target)}: {check['error']}",
                file=sys.stderr,
            )
        raise SystemExit(1)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]
