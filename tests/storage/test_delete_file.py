"""Deleting a stored file (`service.delete_file`): the row goes with the caller's transaction, the
bytes only once it has committed; another township's file is out of reach, and a store that
fails after the commit neither undoes the commit nor hides the leftover object."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import current_app

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound
from lianxin.storage import service as files
from lianxin.storage.backends import StorageError
from lianxin.storage.models import StoredFile
from lianxin.usecases import use_case
from tests.factories import actor
from tests.storage.test_storage import PDF, stored_objects


def _store(world: Any, township: Any, who: str) -> tuple[int, Path]:
    with tenant_context(township.id):
        record = files.save_office_file(
            actor(world.users[who]), township, io.BytesIO(PDF), "纪要.pdf"
        )
        return record.id, Path(current_app.config["STORAGE_LOCAL_ROOT"]) / record.storage_key


@pytest.fixture
def ours(app, world) -> tuple[int, Path]:
    return _store(world, world.township, "township_admin")


def _row(township: Any, file_id: int) -> StoredFile | None:
    with tenant_context(township.id):
        db.session.rollback()
        return db.session.get(StoredFile, (township.id, file_id))


def test_the_bytes_go_only_when_the_deletion_commits(app, world, ours):
    file_id, path = ours
    t = world.township

    @use_case
    def delete_then_fail() -> None:
        assert files.delete_file(t, file_id)
        assert path.exists()  # not before the commit
        raise RuntimeError("the caller's work failed")

    with tenant_context(t.id), pytest.raises(RuntimeError):
        delete_then_fail()
    assert path.read_bytes() == PDF and _row(t, file_id) is not None

    @use_case
    def delete() -> bool:
        return files.delete_file(t, file_id)

    with tenant_context(t.id):
        assert delete()
    assert not path.exists() and _row(t, file_id) is None
    assert stored_objects(app) == []


def test_another_townships_file_is_out_of_reach(app, world, ours):
    file_id, path = ours
    theirs, their_path = _store(world, world.other, "other_admin")

    @use_case
    def delete(township: Any, fid: int) -> bool:
        return files.delete_file(township, fid)

    with tenant_context(world.township.id):
        assert delete(world.township, theirs) is False  # their id, our township: nothing
        with pytest.raises(NotFound):
            delete(world.other, theirs)  # their township named, ours in context
    with tenant_context(world.other.id), pytest.raises(NotFound):
        delete(world.township, file_id)
    assert path.exists() and their_path.exists()
    assert _row(world.other, theirs) is not None and _row(world.township, file_id) is not None


def test_not_inside_a_savepoint(app, world, ours):
    file_id, path = ours
    with tenant_context(world.township.id):
        with pytest.raises(RuntimeError), db.session.begin_nested():
            files.delete_file(world.township, file_id)
        db.session.rollback()
    assert path.exists() and _row(world.township, file_id) is not None


def test_a_store_failing_after_the_commit_is_logged_not_raised(app, world, ours, caplog):
    file_id, path = ours

    class Down:
        def delete(self, key: str) -> None:
            raise StorageError("endpoint unreachable")

    @use_case
    def delete() -> bool:
        return files.delete_file(world.township, file_id)

    app.extensions["lianxin.storage"], real = Down(), app.extensions["lianxin.storage"]
    try:
        with tenant_context(world.township.id), caplog.at_level(logging.ERROR, "lianxin.storage"):
            assert delete()
    finally:
        app.extensions["lianxin.storage"] = real
    assert _row(world.township, file_id) is None  # the commit stands
    assert path.exists()  # the bytes are left, and said so
    assert any(path.name in r.getMessage() for r in caplog.records)
