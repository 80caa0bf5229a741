"""Readiness of the services the app needs, for /readyz and for a clear start-up error.

/readyz is polled (by a load balancer, a deploy script, monitoring), so every check is one cheap
round trip: `SELECT 1`, one row of `alembic_version`, a broker PING, one S3 HEAD of the bucket
(or, for the local store, a folder's mode bits). The migration head is read from the scripts
once per process.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text

from lianxin.db import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "db" / "migrations"


def _error(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return type(exc).__name__ + ": " + (lines[0][:200] if lines else "")


def _database(app: Flask) -> dict[str, Any]:
    try:
        with app.app_context(), db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}


@functools.cache
def _scripts() -> tuple[frozenset[str], frozenset[str]]:
    """(head revisions, every known revision) of the migration scripts shipped with this code."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    known = frozenset(r.revision for r in script.walk_revisions())
    return frozenset(script.get_heads()), known


def migration_heads() -> frozenset[str]:
    return _scripts()[0]


def _migrations(app: Flask) -> dict[str, Any]:
    """The database's `alembic_version` names exactly the scripts' head(s): code started before
    `lianxin db upgrade` (or a database restored from an older backup) is not ready."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    heads, known = _scripts()
    try:
        with app.app_context(), db.engine.connect() as conn:
            current = frozenset(
                conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except (OperationalError, ProgrammingError) as exc:
        if "alembic_version" in str(exc):
            return {"ok": False, "error": "database not migrated: run `lianxin db upgrade`"}
        return {"ok": False, "error": _error(exc)}
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}
    if current == heads:
        return {"ok": True, "revision": ",".join(sorted(current))}
    at, expected = ",".join(sorted(current)) or "none", ",".join(sorted(heads))
    if current - known:
        return {
            "ok": False,
            "error": f"database at revision {at}, unknown to this code (expects {expected}): "
            "the database was migrated by newer code",
        }
    return {
        "ok": False,
        "error": f"database at revision {at}, code expects {expected}: run `lianxin db upgrade`",
    }


def _storage(app: Flask) -> dict[str, Any]:
    """The file store takes writes: S3, the bucket answers a HEAD with the app's credentials;
    local, the folder exists (made if missing, as the first upload would) and is writable."""
    from lianxin.storage.backends import LocalStorage, S3Storage

    backend = app.extensions.get("lianxin.storage")
    if isinstance(backend, S3Storage):
        try:
            backend.client.head_bucket(Bucket=backend.bucket)
        except Exception as exc:
            return {"ok": False, "backend": "s3", "error": _s3_error(backend.bucket, exc)}
        return {"ok": True, "backend": "s3"}
    if isinstance(backend, LocalStorage):
        root: Path = backend.root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return {"ok": False, "backend": "local", "error": f"{root}: {_error(exc)}"}
        if not os.access(root, os.W_OK | os.X_OK):
            return {"ok": False, "backend": "local", "error": f"{root}: not writable"}
        return {"ok": True, "backend": "local"}
    return {"ok": False, "error": f"no file store configured ({type(backend).__name__})"}


def _s3_error(bucket: str, exc: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in {"404", "NoSuchBucket", "NotFound"}:
            return f"bucket {bucket!r} does not exist (NoSuchBucket): create it"
        if code in {"403", "AccessDenied", "Forbidden"}:
            return f"bucket {bucket!r}: access denied to these credentials ({code})"
        return f"bucket {bucket!r}: {code or _error(exc)}"
    return f"bucket {bucket!r}: {_error(exc)}"


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


def reachable(app: Flask) -> dict[str, dict[str, Any]]:
    """Can the process talk to its database and broker at all (what start-up insists on)."""
    return {"database": _database(app), "broker": _broker(app)}


def readiness(app: Flask) -> dict[str, dict[str, Any]]:
    """Should this process get traffic: reachable, the schema at head, the file store there."""
    checks = reachable(app)
    if checks["database"]["ok"]:
        checks["migrations"] = _migrations(app)
    else:
        checks["migrations"] = {"ok": False, "error": "database unreachable"}
    checks["storage"] = _storage(app)
    return checks


def exit_unless_ready(app: Flask) -> None:
    """At start-up: one clear line per unreachable service and exit 1, not a traceback.

    Only reachability: a schema behind the code or a missing bucket keep /readyz at 503 (the
    process starts, answers /healthz and says what is wrong) rather than stop it.
    """
    failed = {name: c for name, c in reachable(app).items() if not c["ok"]}
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
