"""Settings from the environment (12-factor), with the embedded defaults when none are set.

Embedded default: a SQLite file, files in a local folder, Celery eager. Production sets
LIANXIN_DATABASE_URL (PostgreSQL, as the application role), LIANXIN_BROKER_URL (Redis),
LIANXIN_STORAGE=s3 and LIANXIN_PUBLIC_BASE_URL (required outside the embedded default).
Every variable is listed in README.md and infra/env.example.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TRUE = {"1", "true", "yes", "on"}


def _bool(value: str | None, default: bool) -> bool:
    return default if value is None or value == "" else value.strip().lower() in TRUE


PLACEHOLDER = "CHANGE-ME"  # infra/env.example's values an operator must replace


def _not_a_placeholder(name: str, value: str, embedded: bool) -> str:
    """Outside the embedded default, refuse a value still holding env.example's placeholder
    (a published secret key would let anyone forge sessions and tokens)."""
    if not embedded and PLACEHOLDER in value:
        raise RuntimeError(
            f"{name} still holds the placeholder {PLACEHOLDER} of infra/env.example: replace it "
            "(infra/README.md, First deployment, step 4)"
        )
    return value


def _secret_key(env: Mapping[str, str], instance: Path, embedded: bool) -> str:
    if env.get("LIANXIN_SECRET_KEY"):
        return _not_a_placeholder("LIANXIN_SECRET_KEY", env["LIANXIN_SECRET_KEY"], embedded)
    if not embedded:
        raise RuntimeError("LIANXIN_SECRET_KEY must be set outside the embedded default")
    # Embedded: keep one random key per instance folder so sessions survive restarts.
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _public_base_url(env: Mapping[str, str], embedded: bool) -> str:
    """The site's public address, e.g. https://lianxin.example.org ('' in the embedded default,
    where each link takes the address of the request that builds it)."""
    raw = (env.get("LIANXIN_PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if not raw:
        if not embedded:
            raise RuntimeError(
                "LIANXIN_PUBLIC_BASE_URL must be set outside the embedded default: the public "
                "address of the site (e.g. https://lianxin.example.org), which set-up links, "
                "QR codes and the links in messages name"
            )
        return ""
    _not_a_placeholder("LIANXIN_PUBLIC_BASE_URL", raw, embedded)
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError(
            f"LIANXIN_PUBLIC_BASE_URL={raw!r} is not an http(s) address such as "
            "https://lianxin.example.org"
        )
    return raw


def _json_setting(env: Mapping[str, str], name: str) -> dict[str, Any]:
    """A JSON object given inline or as the path of a .json file (empty: {})."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return {}
    if not raw.startswith("{"):
        try:
            raw = Path(raw).read_text(encoding="utf-8")
        except OSError as exc:
            raise RuntimeError(f"{name}: neither a JSON object nor a readable file") from exc
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name}: not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise RuntimeError(f"{name}: must be a JSON object of message kind -> template")
    return value


DB_POOLERS = ("", "pgbouncer")


def _db_pooler(env: Mapping[str, str]) -> str:
    pooler = (env.get("LIANXIN_DB_POOLER") or "").strip().lower()
    if pooler in {"none", "no"}:
        pooler = ""
    if pooler not in DB_POOLERS:
        raise RuntimeError("LIANXIN_DB_POOLER must be empty (no pooler) or pgbouncer")
    return pooler


SMS_PROVIDERS = ("log", "aliyun", "tencent")


def _mail_and_messages(env: Mapping[str, str]) -> dict[str, Any]:
    """Email (SMTP, STARTTLS or SMTPS), SMS through a provider's templates, WeCom (企业微信).

    An SMS provider is refused at start-up without its keys, sign name and template map: a
    gateway that cannot send would only fill the delivery report with failures.
    """
    smtp_ssl = _bool(env.get("LIANXIN_SMTP_SSL"), False)
    starttls = _bool(env.get("LIANXIN_SMTP_STARTTLS"), False)
    if smtp_ssl and starttls:
        raise RuntimeError("LIANXIN_SMTP_SSL and LIANXIN_SMTP_STARTTLS exclude each other")
    mail_from = env.get("LIANXIN_MAIL_FROM", "lianxin@localhost")
    sms = env.get("LIANXIN_SMS_CHANNEL") or "log"
    if sms not in SMS_PROVIDERS:
        raise RuntimeError(f"LIANXIN_SMS_CHANNEL must be one of {', '.join(SMS_PROVIDERS)}")
    settings: dict[str, Any] = {
        "SMTP_HOST": env.get("LIANXIN_SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("LIANXIN_SMTP_PORT") or (465 if smtp_ssl else 25)),
        "SMTP_USER": env.get("LIANXIN_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("LIANXIN_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": starttls,
        "SMTP_SSL": smtp_ssl,
        "MAIL_FROM": mail_from,
        # The right-hand side of Message-ID headers (default: the domain of MAIL_FROM).
        "MAIL_DOMAIN": env.get("LIANXIN_MAIL_DOMAIN") or "",
        "SMS_CHANNEL": sms,
        "SMS_KEY_ID": env.get("LIANXIN_SMS_KEY_ID", ""),
        "SMS_KEY_SECRET": env.get("LIANXIN_SMS_KEY_SECRET", ""),
        "SMS_SIGN_NAME": env.get("LIANXIN_SMS_SIGN_NAME", ""),
        "SMS_SDK_APP_ID": env.get("LIANXIN_SMS_SDK_APP_ID", ""),
        "SMS_REGION": env.get("LIANXIN_SMS_REGION", ""),
        "SMS_ENDPOINT": env.get("LIANXIN_SMS_ENDPOINT", ""),
        # Message kind -> {"code": template code/id, "params": [names] or {variable: name}}.
        "SMS_TEMPLATES": _json_setting(env, "LIANXIN_SMS_TEMPLATES"),
        "WECOM_CORP_ID": env.get("LIANXIN_WECOM_CORP_ID", ""),
        "WECOM_SECRET": env.get("LIANXIN_WECOM_SECRET", ""),
        "WECOM_AGENT_ID": env.get("LIANXIN_WECOM_AGENT_ID", ""),
        "WECOM_API_BASE": env.get("LIANXIN_WECOM_API_BASE", "https://qyapi.weixin.qq.com"),
    }
    from lianxin.notify.channels import parse_templates

    try:
        parse_templates(settings["SMS_TEMPLATES"])
    except (ValueError, TypeError) as exc:
        raise RuntimeError(f"LIANXIN_SMS_TEMPLATES: {exc}") from exc
    if sms != "log":
        needed = ["SMS_KEY_ID", "SMS_KEY_SECRET", "SMS_SIGN_NAME", "SMS_TEMPLATES"]
        if sms == "tencent":
            needed.append("SMS_SDK_APP_ID")
        missing = [f"LIANXIN_{name}" for name in needed if not settings[name]]
        if missing:
            raise RuntimeError(f"LIANXIN_SMS_CHANNEL={sms} needs {', '.join(missing)}")
    return settings


def _log_settings(env: Mapping[str, str], embedded: bool) -> dict[str, str]:
    from lianxin.logs import log_settings

    return log_settings(env, embedded)


def from_environ(env: Mapping[str, str] | None = None, *, instance_path: str) -> dict[str, Any]:
    env = os.environ if env is None else env
    instance = Path(env.get("LIANXIN_INSTANCE_PATH") or instance_path)
    database_url = env.get("LIANXIN_DATABASE_URL") or f"sqlite:///{instance / 'lianxin.db'}"
    broker_url = env.get("LIANXIN_BROKER_URL") or ""
    embedded = database_url.startswith("sqlite")
    return {
        "INSTANCE_DIR": str(instance),
        "EMBEDDED": embedded,
        "SECRET_KEY": _secret_key(env, instance, embedded),
        # The master key of sealed anonymous answers (lianxin.db.anonymous): a file of 32+ random
        # bytes kept off the database server; unset, it is derived from SECRET_KEY.
        "ANONYMITY_KEY_FILE": env.get("LIANXIN_ANONYMITY_KEY_FILE") or None,
        # The audit key (lianxin.audit.keys): signs audit entries and checkpoints; a file of 32+
        # random bytes kept off the database server; unset, it is derived from SECRET_KEY.
        "AUDIT_KEY_FILE": env.get("LIANXIN_AUDIT_KEY_FILE") or None,
        "DATABASE_URL": database_url,
        # Connections per process (PostgreSQL): pool_size kept open, max_overflow more at peaks.
        "DATABASE_POOL_SIZE": int(env.get("LIANXIN_DATABASE_POOL_SIZE", 10)),
        "DATABASE_MAX_OVERFLOW": int(env.get("LIANXIN_DATABASE_MAX_OVERFLOW", 10)),
        # What stands between the app and PostgreSQL: "" (nothing) or "pgbouncer" (transaction
        # pooling; psycopg's automatic prepared statements are then off: lianxin.db.core).
        "DB_POOLER": _db_pooler(env),
        # Migrations run as the owner role; the app connects as a role that owns nothing.
        "MIGRATION_DATABASE_URL": env.get("LIANXIN_MIGRATION_DATABASE_URL") or database_url,
        "APP_DB_ROLE": env.get("LIANXIN_APP_DB_ROLE", "lianxin_app"),
        "BROKER_URL": broker_url,
        "CELERY_EAGER": not broker_url,
        # Redelivery of a task whose worker died: after this many seconds unacknowledged (above
        # the longest task: the time limit is 3/4 of it), found by a sweep every
        # interval × throttle seconds (kombu's Redis transport).
        "CELERY_VISIBILITY_TIMEOUT": int(env.get("LIANXIN_CELERY_VISIBILITY_TIMEOUT", 3600)),
        "CELERY_RESTORE_INTERVAL": int(env.get("LIANXIN_CELERY_RESTORE_INTERVAL", 10)),
        "CELERY_RESTORE_THROTTLE": int(env.get("LIANXIN_CELERY_RESTORE_THROTTLE", 10)),
        "RATELIMIT_STORAGE_URI": env.get("LIANXIN_RATELIMIT_STORAGE_URI")
        or (broker_url if broker_url.startswith("redis") else "memory://"),
        "STORAGE_BACKEND": env.get("LIANXIN_STORAGE", "local"),
        "STORAGE_LOCAL_ROOT": env.get("LIANXIN_STORAGE_ROOT") or str(instance / "files"),
        "S3_BUCKET": env.get("LIANXIN_S3_BUCKET", "lianxin"),
        "S3_ENDPOINT_URL": env.get("LIANXIN_S3_ENDPOINT_URL") or None,
        "S3_REGION": env.get("LIANXIN_S3_REGION", "us-east-1"),
        "MAX_UPLOAD_BYTES": int(env.get("LIANXIN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        "MAX_CONTENT_LENGTH": int(env.get("LIANXIN_MAX_REQUEST_BYTES", 25 * 1024 * 1024)),
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        **_mail_and_messages(env),
        # The address links name (set-up links, QR codes, messages): `lianxin.web.links`.
        "PUBLIC_BASE_URL": _public_base_url(env, embedded),
        "SESSION_COOKIE_SECURE": _bool(env.get("LIANXIN_SECURE_COOKIES"), not embedded),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("LIANXIN_SECURE_COOKIES"), not embedded),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # After this many failed logins in a row an account's next attempts wait 1 s, 2 s, 4 s …
        # (at most LOGIN_LOCK_MINUTES), except the right password from a device it signed in on.
        "LOGIN_MAX_FAILURES": int(env.get("LIANXIN_LOGIN_MAX_FAILURES", 5)),
        "LOGIN_LOCK_MINUTES": int(env.get("LIANXIN_LOGIN_LOCK_MINUTES", 15)),
        # Failed logins (and set-up link look-ups) per client address; successes do not count.
        "LOGIN_RATE_LIMIT": env.get("LIANXIN_LOGIN_RATE_LIMIT", "10 per minute"),
        # A signed-in page session ends after this many hours without a request.
        "SESSION_IDLE_HOURS": float(env.get("LIANXIN_SESSION_IDLE_HOURS", 8)),
        # Days a new personal API token is valid.
        "API_TOKEN_DAYS": int(env.get("LIANXIN_API_TOKEN_DAYS", 90)),
        # Proxies in front of the app whose X-Forwarded-For/-Proto are believed: 0 (default)
        # believes none; 1 behind the nginx of infra/ (the last address it appends is the client).
        "TRUSTED_PROXIES": int(env.get("LIANXIN_TRUSTED_PROXIES", 0)),
        # Public case pages, per IP: submitting, and looking up or rating by tracking code.
        "PUBLIC_SUBMIT_RATE_LIMIT": env.get(
            "LIANXIN_PUBLIC_SUBMIT_RATE_LIMIT", "5 per minute; 30 per day"
        ),
        "PUBLIC_TRACK_RATE_LIMIT": env.get("LIANXIN_PUBLIC_TRACK_RATE_LIMIT", "10 per minute"),
        "SETUP_LINK_HOURS": int(env.get("LIANXIN_SETUP_LINK_HOURS", 72)),
        "OUTBOX_MAX_ATTEMPTS": int(env.get("LIANXIN_OUTBOX_MAX_ATTEMPTS", 8)),
        # Roster imports larger than this run as a Celery task with a progress bar.
        "IMPORT_ASYNC_ROWS": int(env.get("LIANXIN_IMPORT_ASYNC_ROWS", 500)),
        "IMPORT_PROGRESS_EVERY": int(env.get("LIANXIN_IMPORT_PROGRESS_EVERY", 200)),
        "IMPORT_MAX_ROWS": int(env.get("LIANXIN_IMPORT_MAX_ROWS", 20000)),
        # An .xlsx is a zip: what it unpacks to is capped too, before it is parsed (zip bombs).
        "IMPORT_MAX_UNPACKED_BYTES": int(
            env.get("LIANXIN_IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
        ),
        # Logs (lianxin.logs): JSON lines (default outside the embedded default) or text, and
        # the level of the root and `lianxin` loggers.
        **_log_settings(env, embedded),
        # Error tracking (Sentry or a compatible service), off unless a DSN is set.
        "SENTRY_DSN": (env.get("LIANXIN_SENTRY_DSN") or "").strip(),
        "SENTRY_ENVIRONMENT": env.get("LIANXIN_SENTRY_ENVIRONMENT") or "production",
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "API_TITLE": "连心 Lianxin API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        # Served from the npm-installed swagger-ui-dist, never from a CDN.
        "OPENAPI_SWAGGER_UI_URL": "/vendor/swagger-ui-dist/",
        "VENDOR_ROOT": env.get("LIANXIN_VENDOR_ROOT")
        or str(Path(__file__).resolve().parent.parent / "node_modules"),
        "API_SPEC_OPTIONS": {
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer", "description": "个人 API 令牌"}
                }
            },
            "security": [{"bearer": []}],
        },
    }
