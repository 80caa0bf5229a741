"""Hostile uploads: a script dressed as an image, an oversized file, a zip bomb, a path in the
file name. Each is refused (or, for the path, never used) and leaves no row and no bytes.

Types are decided by the bytes, not the name; a file is served as an attachment with
`nosniff`; sizes are cut off while the body is read; an .xlsx is refused by what it would
unpack to before any parser opens it; and a stored object's key is random, so the name a
browser sends is only ever a label.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import imports
from lianxin.people.models import ImportJob
from lianxin.storage.models import StoredFile
from tests.helpers import assert_error, bearer, login
from tests.people.test_import import HEADERS, person, xlsx

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fea7d6a9a80000000049454e44ae426082"
)
SCRIPT = b"<script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {
        "MAX_UPLOAD_BYTES": 64 * 1024,
        "MAX_CONTENT_LENGTH": 96 * 1024,
        "IMPORT_MAX_UNPACKED_BYTES": 4 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 50,
    }


@pytest.fixture
def admin(world: Any) -> dict[str, str]:
    return bearer(world.users["township_admin"])


def _files_api(world: Any) -> str:
    return f"/api/v1/t/{world.township.slug}/files/"


def _post_file(client: Any, url: str, headers: dict[str, str], data: bytes, name: str) -> Any:
    return client.post(
        url,
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), name)},
    )


def _stored(world: Any) -> int:
    with tenant_context(world.township.id):
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(StoredFile)) or 0


def _files_on_disk(app: Any) -> list[Path]:
    root = Path(app.config["STORAGE_LOCAL_ROOT"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SCRIPT, "photo.png"),
        (SCRIPT, "photo.jpg"),
        (b"<html><body onload=alert(1)>", "scan.pdf"),
        (SVG, "logo.svg"),
        (SVG, "logo.png"),
        (b"GIF89a" + SCRIPT, "anim.gif"),
        (b"MZ\x90\x00" + b"\x00" * 60, "setup.exe.png"),
        (b"#!/bin/sh\nrm -rf /\n", "run.sh"),
    ],
)
def test_a_script_dressed_as_a_file_type_is_refused(app, world, client, admin, data, name):
    assert_error(_post_file(client, _files_api(world), admin, data, name), 422)
    # The page refuses it too, with the reason.
    login(client, world.users["township_admin"])
    page = client.post(
        f"/t/{world.township.slug}/files/",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert "不支持的文件类型" in page.get_data(as_text=True)
    assert _stored(world) == 0 and _files_on_disk(app) == []


def test_a_photo_must_be_an_image_and_a_refused_one_leaves_nothing(app, world, client, admin):
    rep = client.post(
        f"/api/v1/t/{world.township.slug}/representatives",
        headers=admin,
        json={
            "name": "张三",
            "gender": "male",
            "birth_date": "1970-01-01",
            "term": 13,
            "education": "bachelor",
            "category": "farmer",
        },
    ).get_json()
    url = f"/api/v1/t/{world.township.slug}/representatives/{rep['id']}/photo"

    def photo(data: bytes, name: str) -> Any:
        return client.put(
            url,
            headers=admin,
            content_type="multipart/form-data",
            data={"photo": (io.BytesIO(data), name)},
        )

    assert_error(photo(SCRIPT, "me.png"), 422)
    # A real PDF is a stored type, but not a photo: refused before it is stored.
    assert_error(photo(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "me.jpg"), 422)
    assert _stored(world) == 0 and _files_on_disk(app) == []
    assert photo(PNG, "me.png").status_code == 200
    assert _stored(world) == 1


def test_a_polyglot_is_served_as_what_it_was_stored_as_never_sniffed(app, world, client, admin):
    """PNG bytes with HTML after them are a PNG: served as image/png, nosniff, attachment."""
    created = _post_file(
        client, _files_api(world), admin, PNG + b"<script>alert(1)</script>", "a.png"
    )
    assert created.status_code == 201 and created.get_json()["content_type"] == "image/png"
    login(client, world.users["township_admin"])
    download = client.get(f"/t/{world.township.slug}/files/{created.get_json()['id']}")
    assert download.mimetype == "image/png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    download.close()


def test_an_oversized_file_is_refused_while_it_is_read(app, world, client, admin):
    big = b"a," * (40 * 1024)  # 80 KiB of text: over the 64 KiB file limit
    assert_error(_post_file(client, _files_api(world), admin, big, "big.csv"), 413)
    huge = b"a," * (64 * 1024)  # 128 KiB: over the whole request's limit
    assert _post_file(client, _files_api(world), admin, huge, "huge.csv").status_code == 413
    assert _stored(world) == 0 and _files_on_disk(app) == []


def _bomb(unpacked: int) -> bytes:
    """A real workbook whose first sheet unpacks to `unpacked` bytes of repeated rows."""
    good = zipfile.ZipFile(io.BytesIO(xlsx([person(0)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in good.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, good.read(item))
                continue
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxml'
                    b'formats.org/spreadsheetml/2006/main"><sheetData>'
                )
                row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
                for _ in range(unpacked // len(row)):
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, world, client, admin, monkeypatch):
    bomb = _bomb(6 * 1024 * 1024)
    assert len(bomb) < 64 * 1024  # small enough to pass the upload limit
    import openpyxl

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the bomb reached the spreadsheet parser")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    response = _post_file(
        client,
        f"/api/v1/t/{world.township.slug}/representatives/imports/",
        admin,
        bomb,
        "名册.xlsx",
    )
    body = assert_error(response, 413, "file_too_large")
    assert "解压后" in body["message"]
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert _stored(world) == 0


def test_a_long_sheet_stops_being_read_at_the_row_limit(app, world, client, admin, monkeypatch):
    seen: list[int] = []
    original = imports._raw_rows

    def counting(data: bytes, fmt: str):
        for number, row in original(data, fmt):
            seen.append(number)
            yield number, row

    monkeypatch.setattr(imports, "_raw_rows", counting)
    sheet = "\n".join([",".join(HEADERS)] + [f"人{i},男,1970-01-01" for i in range(400)])
    response = _post_file(
        client,
        f"/api/v1/t/{world.township.slug}/representatives/imports/",
        admin,
        sheet.encode(),
        "名册.csv",
    )
    assert_error(response, 422, "too_many_rows")
    assert len(seen) <= 52  # the header, the 50 allowed rows and the one too many


@pytest.mark.parametrize(
    "name",
    [
        "../../../../../tmp/evil.txt",
        "..\\..\\..\\evil.txt",
        "/etc/cron.d/evil.txt",
        "C:\\Windows\\System32\\evil.txt",
        'evil"; filename="x.html; .txt',
    ],
)
def test_a_path_in_the_file_name_is_never_used(app, world, client, admin, tmp_path, name):
    response = _post_file(client, _files_api(world), admin, b"hello", name)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stored = response.get_json()
    assert "/" not in stored["filename"] and "\\" not in stored["filename"]
    assert ".." not in stored["filename"] and "\n" not in stored["filename"]
    with tenant_context(world.township.id):
        record = db.session.get(StoredFile, (world.township.id, stored["id"]))
        assert record.storage_key.startswith(f"t/{world.township.id}/attachment/")
        assert "evil" not in record.storage_key
    root = Path(app.config["STORAGE_LOCAL_ROOT"]).resolve()
    assert [p.resolve().is_relative_to(root) for p in _files_on_disk(app)] == [True]
    assert not (tmp_path.parent / "evil.txt").exists()
    login(client, world.users["township_admin"])
    download = client.get(f"/t/{world.township.slug}/files/{stored['id']}")
    assert download.get_data() == b"hello" and '"' not in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")


def test_the_local_store_refuses_a_key_that_leaves_its_root(app, tmp_path):
    from lianxin.storage.backends import LocalStorage, StorageError

    store = LocalStorage(str(tmp_path / "root"))
    for key in ("../outside.txt", "t/1/../../../outside.txt", "/etc/passwd"):
        with pytest.raises(StorageError):
            store.put(key, io.BytesIO(b"x"), "text/plain")
    assert not (tmp_path / "outside.txt").exists()
