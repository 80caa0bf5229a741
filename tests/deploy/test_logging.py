"""Logs an operator can read: JSON lines with time, level, logger, the request id (nginx's
X-Request-ID, or one made and sent back), township and user; no secret in any line, nor in
gunicorn's access log, nor in what Sentry is sent. One worker per core by default."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import runpy
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lianxin import logs
from tests.helpers import login

ROOT = Path(__file__).resolve().parent.parent.parent
SETUP_TOKEN = "setup_" + "Q" * 20 + "abcdefghijk-_0123456789"
API_TOKEN = "lx_" + "Z" * 43
PASSWORD = "Hunter2-correct-horse"
TRACKING = "7K3M-QRST-29XZ-HJKP"
EVAL_CODE = "Xy12_abCD-9q"
SECRETS = (SETUP_TOKEN, API_TOKEN, PASSWORD, TRACKING, EVAL_CODE, "db-pass-123")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the process's handlers: put pytest's back afterwards."""
    names = ("", "lianxin", "gunicorn.error", "gunicorn.access")
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level) for n in names}
    propagate = {n: logging.getLogger(n).propagate for n in names}
    try:
        yield
    finally:
        for name, (handlers, level) in saved.items():
            logger = logging.getLogger(name)
            for handler in list(logger.handlers):
                if handler not in handlers:
                    logger.removeHandler(handler)
                    handler.close()
            for handler in handlers:
                if handler not in logger.handlers:
                    logger.addHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate[name]
        logging.captureWarnings(False)  # configure_logging turns it on


def json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into: {text}"


# --- a request under the JSON configuration ---------------------------------------------------


@pytest.mark.parametrize("app_config", [{"LOG_FORMAT": "json"}])
def test_request_line_has_request_id_township_and_user(app, world, restore_logging):
    probe = logging.getLogger("lianxin.probe")

    def log_probe() -> str:
        probe.info("probe ran %s", "here", extra={"password": PASSWORD, "rows": 3})
        return "ok"

    # A township page of the test's own, before the app's first request.
    app.add_url_rule("/t/<township_slug>/log-probe", "log_probe", log_probe)
    client = app.test_client()
    user = world.users["township_admin"]
    login(client, user)
    buffer = io.StringIO()
    logs.configure_logging(app, stream=buffer)

    sent = "0123456789abcdef0123456789abcdef"  # what nginx's $request_id looks like
    response = client.get(f"/t/{world.township.slug}/log-probe", headers={"X-Request-ID": sent})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == sent

    (line,) = [r for r in json_lines(buffer) if r["logger"] == "lianxin.probe"]
    assert line["message"] == "probe ran here"
    assert line["level"] == "INFO"
    assert line["request_id"] == sent
    assert line["township"] == world.township.slug
    assert line["township_id"] == world.township.id
    assert line["user_id"] == user.id
    assert line["rows"] == 3 and line["password"] == logs.REDACTED
    stamp = datetime.fromisoformat(line["time"])
    assert stamp.utcoffset() is not None  # ISO 8601 with its zone

    # A malformed id is replaced by one of our own, sent back too.
    response = client.get(f"/t/{world.township.slug}/log-probe", headers={"X-Request-ID": "a b"})
    made = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert json_lines(buffer)[-1]["request_id"] == made


def test_every_response_carries_a_request_id(app, client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first != second and re.fullmatch(r"[0-9a-f]{32}", first)


def test_tests_keep_their_handlers(app, caplog):
    """Under TESTING create_app installs no handler: caplog still sees `lianxin` records."""
    root = logging.getLogger()
    assert not any(isinstance(h.formatter, logs.JsonFormatter) for h in root.handlers)
    logging.getLogger("lianxin.web").warning("seen by caplog")
    assert "seen by caplog" in caplog.text


# --- secrets ----------------------------------------------------------------------------------


def _log_secrets(log: logging.Logger) -> None:
    log.info("set-up link for user 5: https://lianxin.example.org/setup/%s", SETUP_TOKEN)
    log.info("login attempt password=%s user=%s", PASSWORD, "wang")
    log.info('payload {"password": "%s", "username": "wang"}', PASSWORD)
    log.warning("API call with Authorization: Bearer %s refused", API_TOKEN)
    log.info("token %s used", API_TOKEN)
    log.info("tracking code %s looked up", TRACKING)
    log.info("GET /p/jia-zhen/evaluations/3/public?code=%s&x=1", EVAL_CODE)
    log.info("rater link /p/jia-zhen/evaluations/answer/%s", EVAL_CODE)
    log.info("db at postgresql+psycopg://lianxin_app:%s@db/lianxin", "db-pass-123")
    log.info("form", extra={"form": {"username": "wang", "password": PASSWORD}})
    log.info("headers", extra={"headers": {"Authorization": f"Bearer {API_TOKEN}"}})
    try:
        raise ValueError(f"cannot open /setup/{SETUP_TOKEN} with password={PASSWORD}")
    except ValueError:
        log.exception("failed")


def test_python_warnings_are_json_lines_too(restore_logging):
    """A library's warning at start-up (apispec, a DeprecationWarning) is a log record like any
    other, not a bare two-line text on stderr that breaks `jq` on the journal."""
    import warnings

    buffer = io.StringIO()
    logging.captureWarnings(False)  # an earlier test's configure_logging left it on
    logs.configure_logging({"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}, stream=buffer)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn(f"cannot open /setup/{SETUP_TOKEN}", UserWarning, stacklevel=1)
    finally:
        logging.captureWarnings(False)
    (record,) = json_lines(buffer)
    assert record["logger"] == "py.warnings" and record["level"] == "WARNING"
    assert "UserWarning" in record["message"]
    assert_clean(buffer.getvalue())


def test_warnings_while_the_app_is_built_are_json_lines(
    tmp_path, restore_logging, capsys, monkeypatch
):
    """The handlers are installed before the modules register (where apispec warns about a
    schema name), so even the app's first lines on stderr are JSON."""
    import warnings

    from lianxin import app as app_module
    from tests.conftest import base_config

    real = app_module.load_core

    def warning_load_core() -> Any:
        warnings.warn("a library warns while the modules register", UserWarning, stacklevel=1)
        return real()

    monkeypatch.setattr(app_module, "load_core", warning_load_core)
    logging.captureWarnings(False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        app_module.create_app(
            {
                **base_config(tmp_path, f"sqlite:///{tmp_path / 'warn.db'}"),
                "LOG_CONFIGURE": True,
                "LOG_FORMAT": "json",
            },
            modules=(),
        )
    err = capsys.readouterr().err
    records = [json.loads(line) for line in err.splitlines() if line.strip()]  # all JSON
    assert any(
        r["logger"] == "py.warnings" and "while the modules register" in r["message"]
        for r in records
    ), err


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_secrets_are_scrubbed(fmt, restore_logging):
    buffer = io.StringIO()
    logs.configure_logging({"LOG_FORMAT": fmt, "LOG_LEVEL": "INFO"}, stream=buffer)
    _log_secrets(logging.getLogger("lianxin.test"))
    text = buffer.getvalue()
    assert_clean(text)
    assert text.count(logs.REDACTED) >= 12
    assert "https://lianxin.example.org/setup/[redacted]" in text
    assert "user=wang" in text  # the rest of the line stays readable
    assert "Traceback" in text and "ValueError" in text
    if fmt == "json":
        records = json_lines(buffer)
        assert len(records) == 12
        assert records[-1]["exc_info"].startswith("Traceback")
        assert records[9]["form"] == {"username": "wang", "password": logs.REDACTED}
    else:
        assert not text.lstrip().startswith("{")


def test_scrub_leaves_ordinary_text_alone():
    for text in (
        "outbox 17 delivered",
        "/t/jia-zhen/cases/12?page=2",
        "2026-05-04T10:00:00+08:00",
        "password changed",
        "reception-day reminder 4 is stale",
    ):
        assert logs.scrub(text) == text


# --- gunicorn: access log, logconfig_dict, defaults ---------------------------------------------


def test_access_path_scrubbing_strips_tokens():
    assert logs.scrub_path(f"/setup/{SETUP_TOKEN}") == "/setup/[redacted]"
    assert (
        logs.scrub_path(f"GET /p/t/evaluations/3/public?code={EVAL_CODE}&page=2 HTTP/1.1")
        == "GET /p/t/evaluations/3/public?code=[redacted]&page=2 HTTP/1.1"
    )
    assert logs.scrub_path(f"/t/jia-zhen/annual-sessions/4/checkin/{EVAL_CODE}") == (
        "/t/jia-zhen/annual-sessions/4/checkin/[redacted]"
    )
    assert logs.scrub_query(f"code={EVAL_CODE}&x=1") == "code=[redacted]&x=1"
    assert logs.scrub_path("/t/jia-zhen/cases/?q=wang") == "/t/jia-zhen/cases/?q=wang"


def _gunicorn_config(env: dict[str, str]) -> dict[str, Any]:
    saved = dict(os.environ)
    try:
        for name in [n for n in os.environ if n.startswith("LIANXIN_")]:
            del os.environ[name]
        os.environ.update(env)
        return runpy.run_path(str(ROOT / "infra" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_gunicorn_access_log_is_json_without_secrets(restore_logging, capsys):
    from gunicorn.config import Config

    settings = _gunicorn_config({"LIANXIN_DATABASE_URL": "postgresql+psycopg://app@db/lianxin"})
    assert settings["logger_class"] == "lianxin.logs.GunicornLogger"
    cfg = Config()
    for name in ("logconfig_dict", "accesslog", "errorlog", "access_log_format", "loglevel"):
        cfg.set(name, settings[name])
    logger = logs.GunicornLogger(cfg)

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/setup/{SETUP_TOKEN}?code={EVAL_CODE}",
        "PATH_INFO": f"/setup/{SETUP_TOKEN}",
        "QUERY_STRING": f"code={EVAL_CODE}",
        "SERVER_PROTOCOL": "HTTP/1.0",
        "HTTP_REFERER": f"https://lianxin.example.org/setup/{SETUP_TOKEN}",
        "HTTP_AUTHORIZATION": f"Bearer {API_TOKEN}",
        "REMOTE_ADDR": "127.0.0.1",
        logs.ENVIRON_KEY: "0123456789abcdef0123456789abcdef",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {API_TOKEN}")])
    response = SimpleNamespace(
        status="302 FOUND", sent=0, headers=[("Location", "/setup"), ("Set-Cookie", "s=1")]
    )
    logger.access(response, request, environ, timedelta(milliseconds=12))
    out = capsys.readouterr().out
    assert_clean(out)
    (line,) = [json.loads(x) for x in out.splitlines() if x.strip()]
    assert line["logger"] == "gunicorn.access"
    assert line["path"] == "/setup/[redacted]?code=[redacted]"
    assert line["status"] == 302 and line["method"] == "GET"
    assert line["request_id"] == "0123456789abcdef0123456789abcdef"
    assert line["message"].startswith('"GET /setup/[redacted]?code=[redacted] HTTP/1.0" 302')
    assert "time" in line and "level" in line


def test_gunicorn_defaults_one_worker_per_core():
    settings = _gunicorn_config({})
    assert settings["workers"] == len(os.sched_getaffinity(0))
    assert settings["threads"] == 4
    assert settings["worker_class"] == "gthread"
    assert "one per CPU core" in settings["__doc__"]
    tuned = _gunicorn_config({"LIANXIN_WEB_WORKERS": "3", "LIANXIN_WEB_THREADS": "8"})
    assert (tuned["workers"], tuned["threads"]) == (3, 8)


def test_log_format_follows_the_deployment(restore_logging):
    embedded = logs.settings_from_environ({})
    assert embedded == {"LOG_FORMAT": "text", "LOG_LEVEL": "INFO"}
    production = logs.settings_from_environ({"LIANXIN_DATABASE_URL": "postgresql://x/y"})
    assert production["LOG_FORMAT"] == "json"
    chosen = logs.settings_from_environ(
        {"LIANXIN_LOG_FORMAT": "text", "LIANXIN_LOG_LEVEL": "warning"}
    )
    assert chosen == {"LOG_FORMAT": "text", "LOG_LEVEL": "WARNING"}
    with pytest.raises(RuntimeError, match="LIANXIN_LOG_FORMAT"):
        logs.settings_from_environ({"LIANXIN_LOG_FORMAT": "xml"})
    with pytest.raises(RuntimeError, match="LIANXIN_LOG_LEVEL"):
        logs.settings_from_environ({"LIANXIN_LOG_LEVEL": "loud"})


def test_celery_worker_takes_the_same_configuration(app, restore_logging, monkeypatch):
    """With a `setup_logging` receiver Celery installs no handler of its own."""
    from celery.signals import setup_logging

    monkeypatch.setenv("LIANXIN_LOG_FORMAT", "json")
    receivers = setup_logging.send(sender=None, loglevel=logging.INFO, logfile=None)
    assert receivers, "no setup_logging receiver: Celery would configure logging itself"
    root = logging.getLogger()
    assert any(isinstance(h.formatter, logs.JsonFormatter) for h in root.handlers)


# --- Sentry -----------------------------------------------------------------------------------


@pytest.fixture
def sentry_events(monkeypatch) -> Iterator[list[Any]]:
    """Sentry with a transport that keeps the envelopes (nothing leaves the process)."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    captured: list[Any] = []

    class Keep(Transport):
        def capture_envelope(self, envelope: Any) -> None:
            captured.append(envelope)

    real_init = sentry_sdk.init
    monkeypatch.setattr(
        sentry_sdk, "init", lambda *a, **kw: real_init(*a, **kw, transport=Keep(kw))
    )
    try:
        yield captured
    finally:
        client = sentry_sdk.get_client()
        client.close()
        sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.parametrize(
    "app_config",
    [{"SENTRY_DSN": "https://public@sentry.invalid/1", "PROPAGATE_EXCEPTIONS": False}],
)
def test_sentry_event_has_no_password_or_token(sentry_events, app, restore_logging):
    import sentry_sdk

    assert sentry_sdk.get_client().is_active()

    def boom() -> str:
        password = PASSWORD  # noqa: F841 - a local variable Sentry must not send
        logging.getLogger("lianxin.probe").info("opening /setup/%s", SETUP_TOKEN)
        raise RuntimeError(f"link /setup/{SETUP_TOKEN} failed, password={PASSWORD}")

    app.add_url_rule("/boom", "boom", boom)
    client = app.test_client()
    response = client.get(
        f"/boom?code={EVAL_CODE}",
        headers={"Authorization": f"Bearer {API_TOKEN}", "Cookie": f"session={PASSWORD}"},
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    assert sentry_events, "Sentry captured nothing"
    sent = "".join(
        item.get_bytes().decode("utf-8", "replace")
        for envelope in sentry_events
        for item in envelope.items
    )
    assert "RuntimeError" in sent and "/setup/[redacted]" in sent
    assert_clean(sent)
