"""A township's archive holds its rows and files and nothing of another township's, no secret,
a manifest that matches, CSV cells that cannot run as formulas; only its county admin may ask."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.base import Base
from lianxin.db.tenancy import tenant_context
from lianxin.storage import service as storage_service
from lianxin.takeout import policy, service
from lianxin.tenants.models import Branch
from tests.helpers import login

FORMULA = '=HYPERLINK("http://evil.example","点击")'


@pytest.fixture
def data(world: Any) -> dict[str, Any]:
    """A branch named like a formula and a stored file in our township; a file in the other."""
    files = {}
    for key, township in (("t", world.township), ("o", world.other)):
        with tenant_context(township.id):
            content = f"{township.name}的月度报告 {key}".encode()
            record = storage_service.store_generated(
                township, content, f"{key}-report.txt", content_type="text/plain", purpose="report"
            )
            files[key] = (record.id, hashlib.sha256(content).hexdigest(), content)
            if key == "t":
                db.session.add(Branch(name=FORMULA, kind="village", is_active=True))
            db.session.flush()
    db.session.commit()
    return files


def _export(world: Any, tmp_path: Path) -> zipfile.ZipFile:
    path = tmp_path / "out.zip"
    service.write_archive(world.township, path, created_by="test")
    return zipfile.ZipFile(path)


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name).decode("utf-8"))


def _csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_every_table_of_the_schema_is_decided():
    assert policy.undecided(Base.metadata) == []


def test_the_archive_holds_our_rows_and_none_of_the_others(world, data, tmp_path):
    archive = _export(world, tmp_path)
    manifest = _json(archive, "manifest.json")
    ours, other, far = world.township.id, world.other.id, world.far.id
    expected = {p.name for p in policy.keyed_tables(Base.metadata)}
    assert expected <= set(manifest["tables"]), expected - set(manifest["tables"])
    assert not set(policy.EXCLUDED) & set(manifest["tables"])
    for name, entry in manifest["tables"].items():
        rows = _json(archive, entry["json"])
        for row in rows:
            for key in ("tenant_id", "township_id"):
                if key in row:
                    assert row[key] == ours, (name, row)
        if name == "townships":
            assert [r["id"] for r in rows] == [ours]
    # Every tenant table, row by row: each of the other townships' ids is absent.
    with tenant_context(other):
        assert db.session.scalar(select(Branch.id).where(Branch.tenant_id == other)) is not None
    branches = _json(archive, "tables/branches.json")
    assert world.branches["t"].id in {b["id"] for b in branches}
    assert world.branches["o"].id not in {b["id"] for b in branches}
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert "甲镇专属走访记录".encode() in everything
    for foreign in ("乙镇专属走访记录", "远镇专属走访记录", "乙镇专属支部", "远镇专属支部"):
        assert foreign.encode() not in everything, foreign
    users = {u["id"]: u for u in _json(archive, "tables/users.json")}
    assert users[world.users["township_admin"].id]["member"] is True
    assert users[world.users["both"].id]["member"] is True
    assert world.users["other_admin"].id not in users
    assert world.users["far_admin"].id not in users
    memberships = _json(archive, "tables/memberships.json")
    assert memberships and {m["tenant_id"] for m in memberships} == {ours}
    assert far != ours


def test_no_secret_leaves(world, data, tmp_path):
    archive = _export(world, tmp_path)
    hashes = [h for h in db.session.scalars(select(User.password_hash)) if h]
    assert hashes
    manifest = _json(archive, "manifest.json")
    for name in archive.namelist():
        body = archive.read(name)
        for value in hashes:
            assert value.encode() not in body, name
    for name, entry in manifest["tables"].items():
        for column in entry["columns"]:
            assert not policy.SECRET_COLUMN.search(column) or column == "prev_hash", (name, column)
    assert "password_hash" not in manifest["tables"]["users"]["columns"]
    assert "tracking_hash" not in manifest["tables"]["cases"]["columns"]
    assert "mac" not in manifest["tables"]["audit_entries"]["columns"]


def test_manifest_counts_and_checksums_match(world, data, tmp_path):
    archive = _export(world, tmp_path)
    manifest = _json(archive, "manifest.json")
    assert manifest["format"] == "lianxin-township-export" and manifest["format_version"] == 1
    assert manifest["created_at"].endswith("+08:00")
    assert manifest["township"]["slug"] == world.township.slug
    for name, entry in manifest["tables"].items():
        rows = _json(archive, entry["json"])
        table = _csv(archive, entry["csv"])
        assert len(rows) == entry["rows"] == len(table) - 1, name
        assert table[0] == entry["columns"], name
        assert all(list(r) == entry["columns"] for r in rows), name
    members = set(archive.namelist()) - {"manifest.json"}
    assert set(manifest["members"]) == members
    for name in members:
        body = archive.read(name)
        assert manifest["members"][name]["sha256"] == hashlib.sha256(body).hexdigest(), name
        assert manifest["members"][name]["size"] == len(body), name
    assert manifest["tables"]["branches"]["rows"] == 2  # the world's and the formula's


def test_files_are_included_with_matching_sha256(world, data, tmp_path):
    archive = _export(world, tmp_path)
    manifest = _json(archive, "manifest.json")
    our_id, our_sha, our_bytes = data["t"]
    other_id, _sha, other_bytes = data["o"]
    assert other_id not in {f["id"] for f in manifest["files"]}
    files = {f["id"]: f for f in manifest["files"]}
    assert set(files) == {our_id}
    entry = files[our_id]
    assert entry["matches_record"] is True and entry["sha256"] == our_sha
    assert archive.read(entry["path"]) == our_bytes
    assert entry["path"].startswith(f"files/{our_id}/")
    assert all(other_bytes not in archive.read(n) for n in archive.namelist())


def test_csv_cells_cannot_run_as_formulas(world, data, tmp_path):
    archive = _export(world, tmp_path)
    rows = _csv(archive, "tables/branches.csv")
    names = [r[rows[0].index("name")] for r in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names
    assert FORMULA in {b["name"] for b in _json(archive, "tables/branches.json")}


def _page(world: Any) -> str:
    return f"/c/{world.county.slug}/townships/{world.township.id}/takeout/"


@pytest.mark.parametrize("who", ["far_county_admin", "township_admin", "county_viewer"])
def test_others_are_refused_the_page(app, client, world, who):
    login(client, world.users[who])
    assert client.get(_page(world)).status_code in (403, 404)
    assert client.post(_page(world)).status_code in (403, 404)
    # Nor from their own county's URL, for a township of another county.
    far = f"/c/{world.far_county.slug}/townships/{world.township.id}/takeout/"
    assert client.get(far).status_code in (403, 404)
    asked = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "township.export_requested")
    ).all()
    assert asked == []


def test_the_county_admin_asks_and_downloads(app, client, world, data):
    login(client, world.users["county_admin"])
    page = client.get(_page(world))
    assert page.status_code == 200 and "数据导出" in page.get_data(as_text=True)
    township_page = client.get(f"/c/{world.county.slug}/townships/{world.township.id}")
    assert _page(world).rstrip("/") in township_page.get_data(as_text=True)
    assert client.post(_page(world)).status_code == 302
    entries = service.exports(_admin(world), world.county, world.township.id)
    assert len(entries) == 1 and entries[0].done, entries
    listed = client.get(_page(world)).get_data(as_text=True)
    link = f"{_page(world)}{entries[0].export_id}.zip"
    assert link in listed
    download = client.get(link)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()
    assert _json(archive, "manifest.json")["township"]["id"] == world.township.id
    actions = {
        (e.chain, e.action, e.actor_user_id)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("township.export%"))
        )
    }
    admin = world.users["county_admin"].id
    assert (f"c:{world.county.id}", "township.export_requested", admin) in actions
    assert (f"t:{world.township.id}", "township.exported", admin) in actions
    assert (f"c:{world.county.id}", "township.export_downloaded", admin) in actions
    # The other county's admin cannot fetch it, even knowing the link.
    client.post("/logout")
    login(client, world.users["far_county_admin"])
    assert client.get(link).status_code == 404


def _admin(world: Any) -> Any:
    from lianxin.auth.actor import actor_for

    return actor_for(world.users["county_admin"])


def test_the_command_line_writes_the_archive(app, world, data, tmp_path):
    out = tmp_path / "export.zip"
    result = app.test_cli_runner().invoke(
        args=["township", "export", world.township.slug, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "files" in result.output
    archive = zipfile.ZipFile(out)
    assert "manifest.json" in archive.namelist() and "README.md" in archive.namelist()
    assert not (tmp_path / "export.zip.partial").exists()
    exported = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.chain == f"t:{world.township.id}", AuditEntry.action == "township.exported"
        )
    ).all()
    assert len(exported) == 1
    again = app.test_cli_runner().invoke(
        args=["township", "export", world.township.slug, "-o", str(out)]
    )
    assert again.exit_code == 2  # never overwrites
    unknown = app.test_cli_runner().invoke(args=["township", "export", "no-such-place"])
    assert unknown.exit_code == 2
