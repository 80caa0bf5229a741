"""/readyz says ready only when uploads can work and the schema is the code's: the file store is
there (S3: the bucket answers; local: the folder is writable) and the database is at the Alembic
head. Before this, /readyz said ok while every upload failed with NoSuchBucket."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from lianxin.web.health import MIGRATIONS
from tests.storage.test_storage import (  # noqa: F401 - fixtures, used by name
    aws_env,
    close_storage,
    s3_endpoint,
)


def _checks(client: Any) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    body = response.get_json()
    return response.status_code, body["checks"]


@pytest.mark.s3
class TestMissingBucket:
    @pytest.fixture
    def app_config(self, aws_env: None, s3_endpoint: str) -> dict[str, Any]:  # noqa: F811
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_BUCKET": f"lianxin-missing-{uuid.uuid4().hex[:8]}",
            "S3_REGION": "us-east-1",
        }

    def test_missing_bucket_is_not_ready_then_ready_once_made(
        self,
        app: Any,
        client: Any,
        s3_endpoint: str,  # noqa: F811
        close_storage: None,  # noqa: F811
    ) -> None:
        status, checks = _checks(client)
        assert status == 503
        assert checks["database"]["ok"] and checks["migrations"]["ok"]
        storage = checks["storage"]
        assert not storage["ok"]
        assert app.config["S3_BUCKET"] in storage["error"]
        assert "NoSuchBucket" in storage["error"] or "404" in storage["error"]
        assert client.get("/healthz").status_code == 200

        import boto3

        s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
        s3.create_bucket(Bucket=app.config["S3_BUCKET"])
        try:
            status, checks = _checks(client)
            assert status == 200, checks
            assert checks["storage"] == {"ok": True, "backend": "s3"}
        finally:
            s3.delete_bucket(Bucket=app.config["S3_BUCKET"])
            s3.close()


def test_local_store_is_created_and_must_be_writable(app: Any, client: Any) -> None:
    root = Path(app.config["STORAGE_LOCAL_ROOT"])
    status, checks = _checks(client)
    assert status == 200, checks
    assert checks["storage"] == {"ok": True, "backend": "local"}
    assert root.is_dir()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"STORAGE_LOCAL_ROOT": "/proc/lianxin-cannot-exist/files"}])
def test_unwritable_local_store_is_not_ready(app: Any, client: Any) -> None:
    status, checks = _checks(client)
    assert status == 503
    assert not checks["storage"]["ok"]
    assert "/proc/lianxin-cannot-exist/files" in checks["storage"]["error"]


def _previous_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    return previous


@pytest.mark.sqlite_only
def test_database_behind_the_migration_head_is_not_ready(app: Any, client: Any) -> None:
    status, checks = _checks(client)
    assert status == 200 and checks["migrations"]["ok"], checks

    # The test's own copy of the migrated database, stamped one revision back (what a
    # deployment looks like when the new code is started before `lianxin db upgrade`).
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    previous = _previous_revision()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (previous,))
    status, checks = _checks(client)
    assert status == 503
    assert checks["database"]["ok"]
    migrations = checks["migrations"]
    assert not migrations["ok"]
    assert previous in migrations["error"] and "lianxin db upgrade" in migrations["error"]


@pytest.mark.sqlite_only
def test_database_never_migrated_is_not_ready(app: Any, client: Any) -> None:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE alembic_version")
    status, checks = _checks(client)
    assert status == 503
    assert not checks["migrations"]["ok"]
    assert "not migrated" in checks["migrations"]["error"]


def test_ready_database_is_at_head_for_the_app_role(app: Any, client: Any) -> None:
    """On PostgreSQL the app role reads alembic_version (SELECT only, granted by env.py)."""
    status, checks = _checks(client)
    assert status == 200, checks
    assert checks["migrations"]["ok"]
