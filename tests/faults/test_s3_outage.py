"""Fault drill 9: the S3 endpoint goes down in the middle of an upload.

moto's S3 server runs behind a proxy the test controls. The proxy goes down once part of the
upload's body has passed through it (every connection cut, new ones dropped): the request
answers a clear 503 in Chinese, no file row is written, no object and no unfinished multipart
upload is left in the bucket. Once the endpoint is back, the same upload succeeds. A small
file and one past boto3's multipart threshold are tried, on SQLite and PostgreSQL: the second
used to leave an unfinished multipart upload behind (its abort cannot reach a dead endpoint),
so uploads now go as one atomic PUT.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.storage.models import StoredFile
from tests.conftest import service_missing
from tests.faults.proxy import FlakyProxy
from tests.helpers import assert_error, bearer, login
from tests.storage.test_storage import _closed_port, aws_env  # noqa: F401 - a fixture

pytestmark = pytest.mark.s3

SMALL = b"%PDF-1.4\n" + os.urandom(600 * 1024) + b"\n%%EOF\n"
LARGE = b"%PDF-1.4\n" + os.urandom(9 * 1024 * 1024) + b"\n%%EOF\n"  # past boto3 multipart threshold


@pytest.fixture(scope="module")
def s3_port() -> Iterator[int]:
    """moto's S3 server as a process of its own (a cut connection is its business alone)."""
    port = _closed_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    service_missing("S3 (moto server)", f"moto_server did not start on {port}")
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(s3_port: int, aws_env: None) -> Iterator[Any]:  # noqa: F811
    import boto3

    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3_port}", region_name="us-east-1")
    client.bucket = f"lianxin-fault-{uuid.uuid4().hex[:12]}"  # type: ignore[attr-defined]
    client.create_bucket(Bucket=client.bucket)  # type: ignore[attr-defined]
    yield client
    client.close()


@pytest.fixture
def proxy(s3_port: int) -> Iterator[FlakyProxy]:
    flaky = FlakyProxy(s3_port)
    yield flaky
    flaky.close()


@pytest.fixture
def app_config(s3: Any, proxy: FlakyProxy) -> dict[str, Any]:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": proxy.url,
        "S3_BUCKET": s3.bucket,
        "S3_REGION": "us-east-1",
    }


@pytest.fixture
def storage_closed(app: Any) -> Iterator[None]:
    yield
    app.extensions["lianxin.storage"].close()


def _post(client: Any, url: str, data: bytes, name: str, **kwargs: Any) -> Any:
    """A multipart upload encoded in memory: for a body past 500 KiB werkzeug's test client
    would spool it to a temporary file it never closes (a test-only ResourceWarning)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs
    )


def _rows(world: Any) -> int:
    with tenant_context(world.township.id):
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(StoredFile)) or 0


def _bucket(s3: Any) -> tuple[list[str], list[str]]:
    objects = [o["Key"] for o in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", [])]
    pending = [u["Key"] for u in s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", [])]
    return objects, pending


@pytest.mark.parametrize("data", [SMALL, LARGE], ids=["600KiB", "9MiB"])
def test_endpoint_down_mid_upload_then_back(
    app,
    client,
    world,
    s3,
    proxy,
    storage_closed,
    data,
):
    slug, admin = world.township.slug, world.users["township_admin"]
    proxy.cut_after(256 * 1024)  # down once the first 256 KiB of the body are through
    response = _post(
        client, f"/api/v1/t/{slug}/files/", data, "会议纪要.pdf", headers=bearer(admin)
    )
    body = assert_error(response, 503, "storage_unavailable")
    assert "文件存储暂时不可用" in body["message"]
    assert proxy.cuts == 1
    assert _rows(world) == 0
    assert _bucket(s3) == ([], [])  # no object, no unfinished multipart upload

    # While it stays down, the page says so too and still writes nothing.
    login(client, admin)
    page = _post(client, f"/t/{slug}/files/", SMALL, "照片.pdf")
    assert "文件存储暂时不可用" in page.get_data(as_text=True)
    assert _rows(world) == 0

    proxy.up()
    retry = _post(client, f"/api/v1/t/{slug}/files/", data, "会议纪要.pdf", headers=bearer(admin))
    assert retry.status_code == 201, retry.get_data(as_text=True)[:300]
    assert _rows(world) == 1
    objects, pending = _bucket(s3)
    assert len(objects) == 1 and pending == []
    stored = s3.get_object(Bucket=s3.bucket, Key=objects[0])
    with stored["Body"] as content:
        assert content.read() == data
