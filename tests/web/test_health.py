"""/healthz says the process lives; /readyz says the database and broker answer; start-up errors
are one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def test_healthz_and_readyz(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["database"]["ok"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config", [{"CELERY_EAGER": False, "BROKER_URL": "redis://127.0.0.1:1/0"}]
)
def test_readyz_reports_an_unreachable_broker(app, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and not body["checks"]["broker"]["ok"]
    assert client.get("/healthz").status_code == 200


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lianxin", "serve", "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_unreachable_database_at_start_is_one_line(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lianxin"), "serve", "--port", "5999"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "LIANXIN_INSTANCE_PATH": str(tmp_path),
            "LIANXIN_SECRET_KEY": "k",
            "LIANXIN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
            "LIANXIN_PUBLIC_BASE_URL": "https://lianxin.example.org",
        },
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("lianxin: cannot reach the database")
    assert "Traceback" not in result.stderr


def test_unreachable_broker_at_start_is_one_line(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lianxin"), "serve", "--port", "5999"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "LIANXIN_INSTANCE_PATH": str(tmp_path),
            "LIANXIN_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "LIANXIN_BROKER_URL": "redis://127.0.0.1:1/0",
        },
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("lianxin: cannot reach the broker")
    assert "Traceback" not in result.stderr
