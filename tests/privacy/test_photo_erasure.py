"""A representative's face after their erasure: the attacker who reads the file store (the local
folder, the bucket) and the database (the `stored_files` rows, every column that points at a
file) finds no trace of the photo once the anonymisation has committed, and everything still
in place when it was rolled back. A photo that is replaced goes the same way."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import load_first_party
from lianxin.people import service as roster
from lianxin.people.models import Representative
from lianxin.privacy import erasure, service
from lianxin.storage.models import StoredFile
from lianxin.usecases import use_case
from tests.factories import actor
from tests.helpers import assert_error, bearer
from tests.privacy.conftest import FORMER_NAME, SITTING_NAME
from tests.storage.test_storage import (  # noqa: F401 - fixtures
    aws_env,
    close_storage,
    s3,
    s3_endpoint,
)


@pytest.fixture
def app_modules():
    # Every first-party module's tables are mapped: the walk for file pointers sees them all.
    return load_first_party()


def face() -> bytes:
    """A PNG of its own per call: finding these bytes anywhere is finding this person's face."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + uuid.uuid4().bytes + bytes(200)


# --- what the attacker reads ------------------------------------------------------------------


class LocalFolder:
    def __init__(self, app: Any) -> None:
        self.root = Path(app.config["STORAGE_LOCAL_ROOT"])

    def listing(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


class Bucket:
    def __init__(self, client: Any) -> None:
        self.client = client

    def listing(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.client.bucket).get("Contents", [])
        return sorted(o["Key"] for o in listed)

    def read(self, key: str) -> bytes:
        with self.client.get_object(Bucket=self.client.bucket, Key=key)["Body"] as body:
            return bytes(body.read())


def objects_holding(store: LocalFolder | Bucket, data: bytes) -> list[str]:
    """Every object of the store whose bytes contain `data`, whatever its key or name."""
    return [key for key in store.listing() if data in store.read(key)]


def rows_pointing_at(township_id: int, file_id: int, data: bytes) -> list[str]:
    """Every row of the township that names the file: its own `stored_files` row (by id or by the
    digest of its bytes) and any column pointing at `stored_files`, read from the database."""
    connection = db.session.connection()
    found = [
        f"stored_files.id={row.id}"
        for row in db.session.execute(
            select(StoredFile.id).where(
                (StoredFile.id == file_id) | (StoredFile.sha256 == hashlib.sha256(data).hexdigest())
            )
        )
    ]
    inspector = inspect(connection)
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] != "stored_files":
                continue
            column = next(
                c
                for c, r in zip(fk["constrained_columns"], fk["referred_columns"], strict=True)
                if r == "id"
            )
            hits = connection.execute(
                text(f'SELECT count(*) FROM "{table}" WHERE tenant_id = :t AND "{column}" = :f'),
                {"t": township_id, "f": file_id},
            ).scalar()
            if hits:
                found.append(f"{table}.{column}={file_id}")
    return found


def last_entry(township_id: int) -> AuditEntry:
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain == f"t:{township_id}")
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).one()


def give_photo(world: Any, rep_id: int, data: bytes) -> tuple[int, str]:
    office = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        rep = roster.set_photo(office, world.township, rep_id, io.BytesIO(data), "照片.png")
        record = db.session.get(StoredFile, (world.township.id, rep.photo_file_id))
        return record.id, record.storage_key


def downloads(client: Any, world: Any, file_id: int) -> Any:
    return client.get(
        f"/api/v1/t/{world.township.slug}/files/{file_id}",
        headers=bearer(world.users["township_admin"]),
    )


# --- the attacks, on whichever store the app has ------------------------------------------------


def erasure_leaves_no_face(app, client, world, people, store) -> None:
    t, data = world.township, face()
    file_id, key = give_photo(world, people.former_id, data)
    sitting = face()  # a colleague's photo: not theirs to lose
    sitting_id, sitting_key = give_photo(world, people.sitting_id, sitting)
    assert objects_holding(store, data) == [key]  # the attacker's walk finds the face
    with tenant_context(t.id):
        assert rows_pointing_at(t.id, file_id, data) == [
            f"stored_files.id={file_id}",
            f"representatives.photo_file_id={file_id}",
        ]
    assert downloads(client, world, file_id).data == data

    response = client.post(
        f"/api/v1/t/{t.slug}/privacy/representatives/{people.former_id}/anonymise",
        json={"confirm": FORMER_NAME},
        headers=bearer(world.users["township_admin"]),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["photo_removed"] is True

    assert objects_holding(store, data) == []
    assert key not in store.listing()
    with tenant_context(t.id):
        db.session.rollback()  # read what was committed, not what the session remembers
        assert rows_pointing_at(t.id, file_id, data) == []
        entry = last_entry(t.id)
        assert entry.action == "privacy.representative_anonymised"
        assert entry.after["photo_removed"] is True
        assert key not in json.dumps(entry.after) and FORMER_NAME not in json.dumps(
            entry.after, ensure_ascii=False
        )
        # The colleague's photo is untouched.
        rep = db.session.get(Representative, (t.id, people.sitting_id))
        assert rep.name == SITTING_NAME and rep.photo_file_id == sitting_id
    assert_error(downloads(client, world, file_id), 404)
    assert objects_holding(store, sitting) == [sitting_key]
    assert downloads(client, world, sitting_id).data == sitting


def rolled_back_erasure_keeps_the_photo(app, client, world, people, store, monkeypatch) -> None:
    t, data = world.township, face()
    file_id, key = give_photo(world, people.former_id, data)

    def fails(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the account could not be closed")

    # Fails after the photo was let go, before the erasure commits.
    monkeypatch.setattr(erasure, "_close_account", fails)
    with tenant_context(t.id), pytest.raises(RuntimeError):
        service.anonymise_representative(
            actor(world.users["township_admin"]), t, people.former_id, confirm=FORMER_NAME
        )

    assert objects_holding(store, data) == [key]
    with tenant_context(t.id):
        db.session.rollback()
        rep = db.session.get(Representative, (t.id, people.former_id))
        assert rep.name == FORMER_NAME and rep.photo_file_id == file_id
        assert rows_pointing_at(t.id, file_id, data) == [
            f"stored_files.id={file_id}",
            f"representatives.photo_file_id={file_id}",
        ]
    assert downloads(client, world, file_id).data == data


def replaced_photo_leaves_no_face(app, client, world, people, store) -> None:
    t, old, new = world.township, face(), face()
    old_id, old_key = give_photo(world, people.sitting_id, old)
    new_id, new_key = give_photo(world, people.sitting_id, new)

    assert objects_holding(store, old) == []
    assert objects_holding(store, new) == [new_key]
    assert store.listing() == [new_key]
    with tenant_context(t.id):
        db.session.rollback()
        assert rows_pointing_at(t.id, old_id, old) == []
        assert db.session.get(Representative, (t.id, people.sitting_id)).photo_file_id == new_id
        entry = last_entry(t.id)
        assert entry.action == "representative.photo_set"
        assert (entry.before, entry.after) == ({"file_id": old_id}, {"file_id": new_id})
    assert_error(downloads(client, world, old_id), 404)
    assert downloads(client, world, new_id).data == new
    assert old_key != new_key


def rolled_back_replacement_keeps_the_old_photo(app, client, world, people, store) -> None:
    t, old, new = world.township, face(), face()
    old_id, old_key = give_photo(world, people.sitting_id, old)

    @use_case
    def replace_then_fail() -> None:
        roster.set_photo(
            actor(world.users["township_admin"]), t, people.sitting_id, io.BytesIO(new), "新.png"
        )
        raise RuntimeError("the caller's work failed after the photo")

    with tenant_context(t.id), pytest.raises(RuntimeError):
        replace_then_fail()

    assert store.listing() == [old_key]  # the old face stays, the new upload's bytes are gone
    assert objects_holding(store, new) == []
    with tenant_context(t.id):
        db.session.rollback()
        assert db.session.get(Representative, (t.id, people.sitting_id)).photo_file_id == old_id
        assert rows_pointing_at(t.id, old_id, old) == [
            f"stored_files.id={old_id}",
            f"representatives.photo_file_id={old_id}",
        ]
    assert downloads(client, world, old_id).data == old


ATTACKS = [
    erasure_leaves_no_face,
    rolled_back_erasure_keeps_the_photo,
    replaced_photo_leaves_no_face,
    rolled_back_replacement_keeps_the_old_photo,
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_local_folder(app, client, world, people, monkeypatch, attack):
    kwargs = {"monkeypatch": monkeypatch} if "monkeypatch" in attack.__code__.co_varnames else {}
    attack(app, client, world, people, LocalFolder(app), **kwargs)


@pytest.mark.s3
class TestS3:
    @pytest.fixture
    def app_config(self, s3: Any, s3_endpoint: str) -> dict[str, Any]:  # noqa: F811
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_BUCKET": s3.bucket,
            "S3_REGION": "us-east-1",
        }

    @pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
    def test_bucket(self, app, client, world, people, s3, close_storage, monkeypatch, attack):  # noqa: F811
        kwargs = (
            {"monkeypatch": monkeypatch} if "monkeypatch" in attack.__code__.co_varnames else {}
        )
        attack(app, client, world, people, Bucket(s3), **kwargs)


def test_a_former_anonymised_representative_gets_no_photo_back(app, client, world, people):
    """Setting a photo after the erasure (a page opened before it, an API client): refused,
    said in Chinese, and nothing stored — no file row, no bytes; the sitting colleague still
    gets theirs."""
    t, data = world.township, face()
    headers = bearer(world.users["township_admin"])
    erased = client.post(
        f"/api/v1/t/{t.slug}/privacy/representatives/{people.former_id}/anonymise",
        json={"confirm": FORMER_NAME},
        headers=headers,
    )
    assert erased.status_code == 200, erased.get_data(as_text=True)
    store = LocalFolder(app)
    before = store.listing()
    refused = client.put(
        f"/api/v1/t/{t.slug}/representatives/{people.former_id}/photo",
        data={"photo": (io.BytesIO(data), "照片.png")},
        headers=headers,
        content_type="multipart/form-data",
    )
    body = assert_error(refused, 409, "anonymised")
    assert "匿名化" in body["message"]
    assert store.listing() == before and objects_holding(store, data) == []
    with tenant_context(t.id):
        db.session.rollback()
        rep = db.session.get(Representative, (t.id, people.former_id))
        assert rep.photo_file_id is None
        photos = db.session.scalars(select(StoredFile).where(StoredFile.purpose == "photo"))
        assert photos.all() == []
    sitting_id, _key = give_photo(world, people.sitting_id, face())
    assert downloads(client, world, sitting_id).status_code == 200
