"""Logs an operator can read, and that keep no secret: one configuration for the web app, gunicorn
and the Celery worker (infra/README.md, "Logs").

- `configure_logging(config)`: one handler on the root logger, on stderr, JSON lines
  (python-json-logger) or plain text (`LIANXIN_LOG_FORMAT`, json by default outside the embedded
  default), at `LIANXIN_LOG_LEVEL`. create_app calls it (not under TESTING: pytest's caplog owns
  the handlers there), gunicorn takes the same dictionary as `logconfig_dict`
  (infra/gunicorn.conf.py) and the Celery worker through its `setup_logging` signal.
- Every record says when (ISO 8601 with its zone), its level, logger and message, and what is
  known of where it comes from: `request_id` (nginx's `X-Request-ID` when well-formed, else made
  here, and sent back as the response's `X-Request-ID`), `township` (slug), `township_id`,
  `county`, `user_id`; in a worker `task` and `task_id`.
- `scrub()` removes secrets from every record before it is written: one-time tokens (set-up
  links, evaluation links and codes, check-in links, tracking codes, API tokens), passwords,
  `Authorization` values, passwords in URLs — in the message, its arguments, extra fields and
  tracebacks. gunicorn's access log (`GunicornLogger`) is scrubbed the same way, and so is what
  Sentry is sent (`init_sentry`, only when `LIANXIN_SENTRY_DSN` is set).
"""

from __future__ import annotations

import logging
import logging.config
import os
import re
import sys
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import IO, Any

from gunicorn.glogging import Logger as _GunicornLogger
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

FORMATS = ("json", "text")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDACTED = "[redacted]"

# --- what a secret looks like ----------------------------------------------------------------

# Paths whose last segment is a one-time token: /setup/<token> (account set-up links),
# /p/<t>/evaluations/answer/<token> (a rater's link), /t/<t>/annual-sessions/<id>/checkin/<token>.
_PATH_TOKEN = re.compile(r"(/(?:setup|answer|checkin)/)[^/\s?#\"'<>]+")
# Query parameters that carry a secret: ?code= (public evaluation codes), tokens, signatures of
# pre-signed S3 URLs.
_QUERY_SECRET = re.compile(
    r"([?&;](?:code|token|access_token|secret|password|passwd|key|sig|signature"
    r"|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s\"'<>]*",
    re.IGNORECASE,
)
# Tokens by their shape: `setup_…` (set-up links), `lx_…` (personal API tokens).
_TOKEN = re.compile(r"\b((?:setup|lx)_)[A-Za-z0-9_-]{16,}")
# A public case's tracking code as issued: XXXX-XXXX-XXXX-XXXX (casework.stages.common).
_TRACKING_CODE = re.compile(r"\b[2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){3}\b")
# `Authorization: Bearer …`, `Bearer …` alone.
_AUTHORIZATION = re.compile(
    r"(authorization[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic|token)\s+)?[^\s\"',;}]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE)
# password=…, "secret": "…", api_key: … (the name may be part of a longer one: csrf_token).
_KEY_VALUE = re.compile(
    r"([\"']?[\w-]*(?:password|passwd|secret|token|api_?key|credential)[\"']?\s*[:=]\s*)"
    r"(?:\"[^\"]*\"|'[^']*'|[^\s\"',;&}\]]+)",
    re.IGNORECASE,
)
# scheme://user:password@host
_URL_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@", re.IGNORECASE)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_URL_PASSWORD, rf"\1{REDACTED}@"),
    (_AUTHORIZATION, rf"\1{REDACTED}"),
    (_BEARER, rf"\1 {REDACTED}"),
    (_PATH_TOKEN, rf"\1{REDACTED}"),
    (_QUERY_SECRET, rf"\1{REDACTED}"),
    (_TOKEN, rf"\1{REDACTED}"),
    (_TRACKING_CODE, REDACTED),
    (_KEY_VALUE, rf"\1{REDACTED}"),
)

# Field names whose value is a secret whatever it looks like (extra fields, Sentry's headers).
_SECRET_KEY = re.compile(
    r"password|passwd|secret|token|authorization|cookie|api_?key|credential|dsn"
    r"|^code$|tracking_code|signature",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    """`text` without the secrets it may contain (see the patterns above)."""
    if not text:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def scrub_path(raw: str) -> str:
    """A request line, path or URL with its tokens and secret query values replaced."""
    return scrub(raw)


def scrub_query(query: str) -> str:
    """A query string without its leading '?' (gunicorn's `q`), its secret values replaced."""
    return scrub("?" + query)[1:] if query else query


def is_secret_key(name: Any) -> bool:
    return isinstance(name, str) and bool(_SECRET_KEY.search(name))


def scrub_value(value: Any, key: Any = None, _depth: int = 0) -> Any:
    """A copy of `value` (str, mapping, list …) with every secret replaced: values under a
    secret's name entirely, strings by `scrub`."""
    if key is not None and is_secret_key(key) and value not in (None, "", b""):
        return REDACTED
    if _depth > 12:
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {k: scrub_value(v, k, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(v, None, _depth + 1) for v in value)
    return value


# --- records: context and scrubbing ----------------------------------------------------------

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
CONTEXT_FIELDS = ("request_id", "township", "township_id", "county", "user_id", "task", "task_id")

REQUEST_ID_HEADER = "X-Request-ID"
ENVIRON_KEY = "lianxin.request_id"
# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else is replaced.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def request_id() -> str | None:
    """This request's id: the proxy's `X-Request-ID` if well-formed, else a new one (kept in the
    WSGI environ, which gunicorn's access log reads too). None outside a request."""
    from flask import has_request_context, request

    if not has_request_context():
        return None
    environ = request.environ
    found = environ.get(ENVIRON_KEY)
    if found is None:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        found = sent if _WELL_FORMED_ID.fullmatch(sent) else uuid.uuid4().hex
        environ[ENVIRON_KEY] = found
    return str(found)


def _loaded(obj: Any, name: str) -> Any:
    """An attribute already loaded on `obj`, never a database round trip from a log call."""
    if obj is None:
        return None
    return getattr(obj, "__dict__", {}).get(name)


def _request_context() -> dict[str, Any]:
    from flask import g, has_request_context

    if not has_request_context():
        return {}
    found: dict[str, Any] = {"request_id": request_id()}
    township = g.get("township")
    if township is not None:
        found["township"] = _loaded(township, "slug")
        found["township_id"] = _loaded(township, "id")
    county = g.get("county")
    if county is not None:
        found["county"] = _loaded(county, "slug")
    user = g.get("lianxin_user")
    if user is not None:
        found["user_id"] = _loaded(user, "id")
    else:
        actor = g.get("lianxin_actor")
        if actor is not None:
            found["user_id"] = getattr(actor, "user_id", None)
        else:
            login_user = g.get("_login_user")  # flask-login's user, once loaded
            if login_user is not None and getattr(login_user, "is_authenticated", False):
                found["user_id"] = _loaded(login_user, "id")
    return found


def _worker_context() -> dict[str, Any]:
    found: dict[str, Any] = {}
    # Only modules already imported are asked: a log line imports nothing.
    tenancy = sys.modules.get("lianxin.db.tenancy")
    if tenancy is not None:
        found["township_id"] = tenancy.current_tenant_id()
    if "celery" in sys.modules:
        from celery import current_task

        if current_task:
            found["task"] = current_task.name
            found["task_id"] = current_task.request.id
    return found


class ContextFilter(logging.Filter):
    """Adds what is known of the record's request or task (never overwrites a given field)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_lianxin_context", False):
            return True
        record._lianxin_context = True
        try:
            found = _request_context() or _worker_context()
        except Exception:  # a log call must never fail because its context could not be read
            found = {}
        for name, value in found.items():
            if value is not None and name not in record.__dict__:
                setattr(record, name, value)
        return True


class ScrubFilter(logging.Filter):
    """Replaces secrets in the message (formatted with its arguments), the extra fields and a
    traceback already formatted. Formatters here scrub the tracebacks they format."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_lianxin_scrubbed", False):
            return True
        record._lianxin_scrubbed = True
        if isinstance(record.msg, Mapping) and not record.args:
            record.msg = scrub_value(record.msg)
        else:
            try:
                message = record.getMessage()
            except Exception:  # logging reports the bad call itself
                return True
            record.msg, record.args = scrub(message), None
        for name, value in list(record.__dict__.items()):
            if name in _STANDARD or name.startswith("_") or name in CONTEXT_FIELDS:
                continue
            record.__dict__[name] = scrub_value(value, name)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


# --- formatters ------------------------------------------------------------------------------


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, then the context and extras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "taskName"],
            json_ensure_ascii=False,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)

    def formatException(self, ei: Any) -> str:
        return scrub(logging.Formatter.formatException(self, ei))

    def formatStack(self, stack_info: str) -> str:
        return scrub(logging.Formatter.formatStack(self, stack_info))


class TextFormatter(logging.Formatter):
    """`2026-05-04T10:00:00.123+08:00 INFO lianxin.web [req t=slug u=5]: message`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(_lianxin_ctx)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return (
            datetime.fromtimestamp(record.created, tz=UTC)
            .astimezone()
            .isoformat(timespec="milliseconds")
        )

    def format(self, record: logging.LogRecord) -> str:
        parts = [str(record.__dict__["request_id"])] if "request_id" in record.__dict__ else []
        for name, label in (("township", "t="), ("county", "c="), ("user_id", "u="), ("task", "")):
            if name in record.__dict__:
                parts.append(f"{label}{record.__dict__[name]}")
        record._lianxin_ctx = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)

    def formatException(self, ei: Any) -> str:
        return scrub(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return scrub(super().formatStack(stack_info))


# --- settings and configuration --------------------------------------------------------------


def log_settings(env: Mapping[str, str], embedded: bool) -> dict[str, str]:
    """LOG_FORMAT and LOG_LEVEL from LIANXIN_LOG_FORMAT / LIANXIN_LOG_LEVEL (for config.py)."""
    fmt = (env.get("LIANXIN_LOG_FORMAT") or ("text" if embedded else "json")).strip().lower()
    if fmt not in FORMATS:
        raise RuntimeError(f"LIANXIN_LOG_FORMAT={fmt!r}: must be json or text")
    level = (env.get("LIANXIN_LOG_LEVEL") or "INFO").strip().upper()
    if level not in LEVELS:
        raise RuntimeError(f"LIANXIN_LOG_LEVEL={level!r}: must be one of {', '.join(LEVELS)}")
    return {"LOG_FORMAT": fmt, "LOG_LEVEL": level}


def settings_from_environ(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The log settings of a process that has no app yet (gunicorn's master, Celery's signal);
    embedded as config.py decides it: no LIANXIN_DATABASE_URL, or a SQLite one."""
    env = os.environ if env is None else env
    url = env.get("LIANXIN_DATABASE_URL") or "sqlite://"
    return log_settings(env, url.startswith("sqlite"))


def logging_config(
    fmt: str = "json", level: str = "INFO", stream: IO[str] | None = None
) -> dict[str, Any]:
    """The `logging.config.dictConfig` dictionary for every Lianxin process.

    Root and `lianxin` at `level`; gunicorn's error log through the root handler (its level stays
    gunicorn's `loglevel`), gunicorn's access log on stdout in the same format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: json or text")
    formatter = {"()": JsonFormatter if fmt == "json" else TextFormatter}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}, "scrub": {"()": ScrubFilter}},
        "formatters": {"lianxin": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": stream if stream is not None else "ext://sys.stderr",
                "formatter": "lianxin",
                "filters": ["context", "scrub"],
            },
            "access": {
                "class": "logging.StreamHandler",
                "stream": stream if stream is not None else "ext://sys.stdout",
                "formatter": "lianxin",
                "filters": ["scrub"],
            },
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            "lianxin": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
            # One line per plugin whenever the migration scripts are read (/readyz, once).
            "alembic.runtime.plugins": {"level": "WARNING"},
        },
    }


def _settings_of(source: Any) -> Mapping[str, Any]:
    if source is None:
        return settings_from_environ()
    config = getattr(source, "config", source)  # a Flask app or a mapping
    return {"LOG_FORMAT": config.get("LOG_FORMAT", "json"), "LOG_LEVEL": config.get("LOG_LEVEL")}


def configure_logging(source: Any = None, *, stream: IO[str] | None = None) -> None:
    """Install the handlers: `source` is a Flask app, its config, or None (the environment)."""
    settings = _settings_of(source)
    level = str(settings.get("LOG_LEVEL") or "INFO").upper()
    logging.config.dictConfig(logging_config(str(settings["LOG_FORMAT"]), level, stream))
    # Python's warnings (a library's DeprecationWarning at start-up …) as records of the
    # `py.warnings` logger, formatted and scrubbed like the rest, not bare lines on stderr.
    logging.captureWarnings(True)
    # Flask puts a bare stderr handler on the app's logger (`lianxin`) when nothing handles its
    # records yet: lines twice, one of them unformatted and unscrubbed.
    from flask.logging import default_handler

    logging.getLogger("lianxin").removeHandler(default_handler)


def gunicorn_logconfig(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`logconfig_dict` for infra/gunicorn.conf.py (LIANXIN_LOG_FORMAT / LIANXIN_LOG_LEVEL)."""
    settings = settings_from_environ(env)
    return logging_config(settings["LOG_FORMAT"], settings["LOG_LEVEL"])


# --- gunicorn's access log -------------------------------------------------------------------


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with the request line, path, query and referrer scrubbed, credentials
    and cookies never available to `access_log_format`, and the request's fields as JSON
    fields (`logger_class` in infra/gunicorn.conf.py)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = scrub_path(atoms[name])
        if isinstance(atoms.get("q"), str):
            atoms["q"] = scrub_query(atoms["q"])
        for name in list(atoms):  # {authorization}i, {cookie}i, {set-cookie}o, {http_cookie}e …
            if name.startswith("{") and is_secret_key(name):
                atoms[name] = "-"
        return atoms

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig_dict or self.cfg.logconfig):
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        status = str(atoms["s"])
        fields = {
            "method": environ.get("REQUEST_METHOD"),
            "path": atoms["U"] + (f"?{atoms['q']}" if atoms["q"] else ""),
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": environ.get(ENVIRON_KEY)
            or (atoms["{x-request-id}o"] if atoms["{x-request-id}o"] != "-" else None),
        }
        try:
            self.access_log.info(self.cfg.access_log_format, atoms, extra=fields)
        except Exception:
            self.exception("access log")


# --- the web app, the worker, Sentry ---------------------------------------------------------


def init_app(app: Any) -> None:
    """Request ids on every request and response; handlers unless under TESTING (set
    LOG_CONFIGURE to have them anyway); the `lianxin` level; Celery's logging; Sentry."""

    @app.after_request
    def _send_request_id(response: Any) -> Any:
        found = request_id()
        if found is not None:
            response.headers[REQUEST_ID_HEADER] = found
        return response

    if not app.config.get("TESTING") or app.config.get("LOG_CONFIGURE"):
        configure_logging(app)
    logging.getLogger("lianxin").setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    _connect_celery()
    if app.config.get("SENTRY_DSN"):
        init_sentry(app.config)


def _celery_setup_logging(**_kwargs: Any) -> None:
    """Celery's `setup_logging` signal: with a receiver, the worker and beat leave logging to
    us (the same handlers as the web app) instead of installing their own."""
    configure_logging(None)


def _connect_celery() -> None:
    from celery.signals import setup_logging

    setup_logging.connect(_celery_setup_logging, weak=False, dispatch_uid="lianxin.logs")


def sentry_before_send(event: Any, hint: Any) -> Any:
    """What Sentry is sent, with the same secrets removed as from the logs."""
    return scrub_value(event)


def sentry_before_breadcrumb(crumb: Any, hint: Any) -> Any:
    return scrub_value(crumb)


def _no_personal_data() -> dict[str, Any]:
    """`send_default_pii=False` and no local variables, in the SDK's own terms: releases from
    2.76 deprecate `send_default_pii` for `data_collection`, which says the same per kind."""
    from sentry_sdk.consts import DEFAULT_OPTIONS

    if "data_collection" not in DEFAULT_OPTIONS:
        return {"send_default_pii": False, "include_local_variables": False}
    hidden = ["forwarded", "-ip", "remote-", "via", "-user", "cookie", "code"]
    return {
        "data_collection": {
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist", "terms": hidden}},
            "http_bodies": [],
            "url_query_params": {"mode": "denylist", "terms": hidden},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        }
    }


def init_sentry(config: Mapping[str, Any], **options: Any) -> bool:
    """Error tracking, when SENTRY_DSN is set: unhandled exceptions of requests and tasks and
    ERROR log records become events; INFO records become their breadcrumbs. No personal data:
    no user, no IP address, no cookie, no request body, no local variables, and everything
    scrubbed (`sentry_before_send`)."""
    dsn = config.get("SENTRY_DSN")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=config.get("SENTRY_ENVIRONMENT") or "production",
        **_no_personal_data(),
        max_request_body_size="never",
        before_send=sentry_before_send,
        before_breadcrumb=sentry_before_breadcrumb,
        auto_enabling_integrations=False,
        integrations=[
            FlaskIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        **options,
    )
    return True
