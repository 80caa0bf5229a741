"""Files: stored under the township's prefix, checked by content and size, never served across
townships — on the local folder and on S3 (an in-process moto server spoken to over HTTP)."""

from __future__ import annotations

import io
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.storage.models import StoredFile
from tests.conftest import service_missing
from tests.helpers import assert_error, bearer, login

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"%" + bytes(range(256)) + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
EXE = b"MZ\x90\x00" + bytes(300)  # a Windows executable's header
NOISE = b"\x13\x37" + b"\xab" * 500  # no known type at all


def api_url(slug: str, file_id: int | None = None) -> str:
    return f"/api/v1/t/{slug}/files/" + ("" if file_id is None else str(file_id))


def page_url(slug: str, file_id: int | None = None) -> str:
    return f"/t/{slug}/files/" + ("" if file_id is None else str(file_id))


def api_upload(client: Any, user: Any, slug: str, data: bytes, name: str) -> Any:
    return client.post(
        api_url(slug),
        headers=bearer(user),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), name)},
    )


def all_files(world: Any) -> list[StoredFile]:
    """Every township's file rows, read township by township (RLS hides the rest on PostgreSQL)."""
    return [f for t in (world.township, world.other, world.far) for f in files_of(t)]


def files_of(township: Any) -> list[StoredFile]:
    with tenant_context(township.id):
        db.session.rollback()
        return list(db.session.scalars(select(StoredFile).order_by(StoredFile.id)))


def stored_objects(app: Any) -> list[Path]:
    root = Path(app.config["STORAGE_LOCAL_ROOT"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- local folder ---------------------------------------------------------------------------------


def test_api_upload_and_download_round_trip(app, client, world):
    admin = world.users["township_admin"]
    response = api_upload(client, admin, "jia-zhen", PDF, "会议纪要.pdf")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["filename"] == "会议纪要.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)

    (record,) = files_of(world.township)
    assert record.id == body["id"]
    assert record.storage_key.startswith(f"t/{world.township.id}/attachment/")
    on_disk = Path(app.config["STORAGE_LOCAL_ROOT"]) / record.storage_key
    assert on_disk.read_bytes() == PDF
    assert stored_objects(app) == [on_disk.resolve()]

    download = client.get(api_url("jia-zhen", record.id), headers=bearer(admin))
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_page_upload_and_download_round_trip(app, client, world):
    staff = world.users["township_staff"]
    login(client, staff)
    response = client.post(
        page_url("jia-zhen"),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PNG), "走访照片.png")},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    (record,) = files_of(world.township)
    assert record.storage_key.startswith(f"t/{world.township.id}/")
    assert record.content_type == "image/png"
    assert record.uploaded_by_id == staff.id
    listing = client.get(page_url("jia-zhen"))
    assert listing.status_code == 200
    assert "走访照片.png" in listing.get_data(as_text=True)

    download = client.get(page_url("jia-zhen", record.id))
    assert download.status_code == 200
    assert download.data == PNG
    assert "attachment" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "name, data", [("setup.exe", EXE), ("报告.pdf", EXE), ("报告.pdf", NOISE), ("名单.csv", NOISE)]
)
def test_wrong_type_is_refused_by_content(app, client, world, name, data):
    response = api_upload(client, world.users["township_admin"], "jia-zhen", data, name)
    body = assert_error(response, 422, "validation_error")
    assert list(body["errors"]) == ["file"]
    assert all_files(world) == []
    assert stored_objects(app) == []


@pytest.mark.parametrize("encoding, prefix", [("utf-8", b""), ("gb18030", b"#")])
def test_chinese_text_cut_inside_a_character_is_still_text(app, client, world, encoding, prefix):
    """The type check reads the first 8 KiB: a Chinese CSV cut there mid-character is still CSV."""
    data = prefix + ("代表姓名,联系电话,所在村组\n" * 1000).encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data[:8192].decode(encoding)
    response = api_upload(client, world.users["township_admin"], "jia-zhen", data, "名单.csv")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["content_type"] == "text/csv"
    download = client.get(
        api_url("jia-zhen", response.get_json()["id"]),
        headers=bearer(world.users["township_admin"]),
    )
    assert download.data == data


def test_wrong_type_on_the_page_is_refused_with_a_message(app, client, world):
    login(client, world.users["township_admin"])
    response = client.post(
        page_url("jia-zhen"),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(EXE), "通知.pdf")},
    )
    assert response.status_code == 200
    assert "不支持的文件类型" in response.get_data(as_text=True)
    assert all_files(world) == []
    assert stored_objects(app) == []


def test_empty_upload_is_refused(app, client, world):
    response = api_upload(client, world.users["township_admin"], "jia-zhen", b"", "空.txt")
    body = assert_error(response, 422, "validation_error")
    assert list(body["errors"]) == ["file"]
    assert all_files(world) == []


class TestTooLarge:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"MAX_UPLOAD_BYTES": 1024, "MAX_CONTENT_LENGTH": 64 * 1024}

    def test_oversize_file_is_refused_before_anything_is_written(self, app, client, world):
        big = PDF + bytes(2048)
        response = api_upload(client, world.users["township_admin"], "jia-zhen", big, "大.pdf")
        body = assert_error(response, 413, "file_too_large")
        assert list(body["errors"]) == ["file"]
        assert all_files(world) == []
        assert stored_objects(app) == []

    def test_a_file_at_the_limit_is_accepted(self, app, client, world):
        exact = PDF + b" " * (1024 - len(PDF))
        response = api_upload(client, world.users["township_admin"], "jia-zhen", exact, "刚好.pdf")
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.get_json()["size"] == 1024

    def test_oversize_request_is_refused_as_json(self, app, client, world):
        huge = PDF + bytes(128 * 1024)
        response = api_upload(client, world.users["township_admin"], "jia-zhen", huge, "巨.pdf")
        assert_error(response, 413)
        assert all_files(world) == []
        assert stored_objects(app) == []

    def test_oversize_on_the_page_is_refused_with_a_message(self, app, client, world):
        login(client, world.users["township_admin"])
        response = client.post(
            page_url("jia-zhen"),
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(PDF + bytes(2048)), "大.pdf")},
        )
        assert response.status_code == 200
        assert "文件超过大小上限" in response.get_data(as_text=True)
        assert all_files(world) == []
        assert stored_objects(app) == []


def test_another_townships_file_is_not_found(app, client, world):
    ours, theirs = world.users["township_admin"], world.users["other_admin"]
    mine = api_upload(client, ours, "jia-zhen", PDF, "我们的.pdf").get_json()
    other = api_upload(client, theirs, "yi-zhen", PNG, "他们的.png").get_json()
    assert mine["id"] != other["id"]

    # Another township's file id through our township's URL: API and page.
    assert_error(client.get(api_url("jia-zhen", other["id"]), headers=bearer(ours)), 404)
    login(client, ours)
    assert client.get(page_url("jia-zhen", other["id"])).status_code == 404
    # Our own file still works through the same URLs.
    assert client.get(page_url("jia-zhen", mine["id"])).data == PDF
    listing = client.get(page_url("jia-zhen")).get_data(as_text=True)
    assert "我们的.pdf" in listing
    assert "他们的.png" not in listing

    # A user of township A asking with township B's slug: 404, as if B did not exist.
    assert_error(client.get(api_url("yi-zhen", other["id"]), headers=bearer(ours)), 404)
    assert client.get(page_url("yi-zhen", other["id"])).status_code == 404
    assert client.get(page_url("yi-zhen")).status_code == 404
    refused = api_upload(client, ours, "yi-zhen", PDF, "越界.pdf")
    assert_error(refused, 404)
    assert len(all_files(world)) == 2

    # The owner still gets its file.
    response = client.get(api_url("yi-zhen", other["id"]), headers=bearer(theirs))
    assert response.status_code == 200
    assert response.data == PNG


def test_the_index_and_the_upload_are_the_offices(app, client, world):
    """The files page and the API list are the office's; so is uploading a file that belongs to
    nothing (each owner's own upload path takes its files)."""
    staff, rep = world.users["township_staff"], world.users["representative"]
    made = api_upload(client, staff, "jia-zhen", PDF, "会议纪要.pdf")
    assert made.status_code == 201
    listed = client.get(api_url("jia-zhen"), headers=bearer(staff))
    assert [f["filename"] for f in listed.get_json()] == ["会议纪要.pdf"]

    assert_error(client.get(api_url("jia-zhen"), headers=bearer(rep)), 403, "permission_denied")
    assert_error(api_upload(client, rep, "jia-zhen", PNG, "a.png"), 403, "permission_denied")
    assert_error(client.get(api_url("jia-zhen", made.get_json()["id"]), headers=bearer(rep)), 404)
    login(client, rep)
    assert client.get(page_url("jia-zhen")).status_code == 403
    page = client.post(
        page_url("jia-zhen"),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PNG), "a.png")},
    )
    assert page.status_code == 403
    assert [f.filename for f in files_of(world.township)] == ["会议纪要.pdf"]


def test_anonymous_requests_are_refused(app, client, world):
    assert_error(
        client.post(
            api_url("jia-zhen"),
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(PDF), "a.pdf")},
        ),
        401,
    )
    assert client.get(page_url("jia-zhen")).status_code == 302  # to the login page
    assert all_files(world) == []


# --- S3 through boto3, against moto's server on 127.0.0.1 -----------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3 endpoint started by the test: moto's server mode in a thread, over real HTTP."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # pragma: no cover - moto[server] is a dev dependency
        service_missing("S3 (moto server)", f"moto[server] not importable: {exc}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
        host, port = server.get_host_and_port()
    except Exception as exc:
        service_missing("S3 (moto server)", f"could not start: {type(exc).__name__}: {exc}")
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials from the environment only: never a developer's ~/.aws."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def s3(s3_endpoint: str, aws_env: None) -> Iterator[Any]:
    """A boto3 client of our own on the endpoint, and a fresh bucket for the test."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    bucket = f"lianxin-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.bucket = bucket  # type: ignore[attr-defined]
    try:
        yield client
    finally:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        for item in listed:
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)
        client.close()


@pytest.fixture
def close_storage(app: Any) -> Iterator[None]:
    """The app's boto3 client holds pooled connections: close them with the test."""
    yield
    app.extensions["lianxin.storage"].close()


@pytest.mark.s3
class TestS3:
    @pytest.fixture
    def app_config(self, s3: Any, s3_endpoint: str) -> dict[str, Any]:
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_BUCKET": s3.bucket,
            "S3_REGION": "us-east-1",
        }

    def test_round_trip_under_the_tenant_prefix(self, app, client, world, s3, close_storage):
        admin = world.users["township_admin"]
        response = api_upload(client, admin, "jia-zhen", PDF, "议案.pdf")
        assert response.status_code == 201, response.get_data(as_text=True)
        file_id = response.get_json()["id"]
        (record,) = files_of(world.township)

        listed = s3.list_objects_v2(Bucket=s3.bucket)["Contents"]
        assert [o["Key"] for o in listed] == [record.storage_key]
        assert record.storage_key.startswith(f"t/{world.township.id}/attachment/")
        direct = s3.get_object(Bucket=s3.bucket, Key=record.storage_key)
        with direct["Body"] as body:
            assert body.read() == PDF
        assert direct["ContentType"] == "application/pdf"

        download = client.get(api_url("jia-zhen", file_id), headers=bearer(admin))
        assert download.status_code == 200
        assert download.data == PDF

    def test_cross_township_download_is_refused(self, app, client, world, s3, close_storage):
        ours, theirs = world.users["township_admin"], world.users["other_admin"]
        other = api_upload(client, theirs, "yi-zhen", PNG, "他们的.png").get_json()
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3.bucket)["Contents"]]
        assert len(keys) == 1
        assert keys[0].startswith(f"t/{world.other.id}/")

        assert_error(client.get(api_url("jia-zhen", other["id"]), headers=bearer(ours)), 404)
        assert_error(client.get(api_url("yi-zhen", other["id"]), headers=bearer(ours)), 404)
        login(client, ours)
        assert client.get(page_url("jia-zhen", other["id"])).status_code == 404
        assert client.get(api_url("yi-zhen", other["id"]), headers=bearer(theirs)).data == PNG


@pytest.mark.s3
class TestS3Down:
    @pytest.fixture
    def app_config(self, aws_env: None) -> dict[str, Any]:
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}",
            "S3_BUCKET": "lianxin-unreachable",
            "S3_REGION": "us-east-1",
        }

    def test_upload_fails_clearly_and_writes_no_row(self, app, client, world, close_storage):
        response = api_upload(client, world.users["township_admin"], "jia-zhen", PDF, "a.pdf")
        body = assert_error(response, 503, "storage_unavailable")
        assert "文件存储暂时不可用" in body["message"]
        assert all_files(world) == []
        with tenant_context(world.township.id):
            assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_generated_files_go_under_the_township_in_context_only(app, world):
    from lianxin.db.tenancy import tenant_context
    from lianxin.errors import NotFound
    from lianxin.storage import service as files

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with tenant_context(world.township.id):
        record = files.store_generated(
            world.township, b"PK\x03\x04report", "月报.xlsx", content_type=xlsx, purpose="report"
        )
        assert record.storage_key.startswith(f"t/{world.township.id}/report/")
        assert record.uploaded_by_id is None and record.size == 10
        with pytest.raises(NotFound):
            files.store_generated(world.other, b"x", "x.xlsx", content_type=xlsx, purpose="r")
