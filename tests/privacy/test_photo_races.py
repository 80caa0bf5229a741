"""A representative's photo when two requests meet (the app runs threaded), each with its own
connection, on a committed PostgreSQL database: two replacements at once leave one photo, the
one the representative shows, and no file row (or bytes) that nobody points at; an erasure
committed while a replacement was between its read and its write leaves no photo on the
anonymised representative — the replacement is refused, in Chinese, and stores nothing."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict
from lianxin.people import service as roster
from lianxin.people.models import Representative, RepStatus
from lianxin.people.stages import roster as roster_stage
from lianxin.privacy import erasure
from lianxin.storage import service as files
from lianxin.storage.models import StoredFile
from tests.factories import actor, build_world
from tests.modules.evaluations.test_session_reports_race import Rendezvous, committed_app, race

pytestmark = pytest.mark.postgres

NAME = "欧阳秀英"


def face() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + uuid.uuid4().bytes + bytes(200)


@pytest.fixture
def former(request, tmp_path) -> Iterator[Any]:
    """A representative whose qualification has ended, with a photo, in a committed database."""
    for flask_app, url in committed_app(request, tmp_path, ()):
        with flask_app.app_context():
            world = build_world()
            township, admin = world.township, actor(world.users["township_admin"])
            with tenant_context(township.id):
                rep = Representative(
                    name=NAME,
                    name_pinyin="ouyang",
                    name_initials="oy",
                    gender="female",
                    birth_date=date(1980, 5, 6),
                    education="bachelor",
                    category="farmer",
                    term=13,
                    status=RepStatus.ENDED,
                    ended_reason="transferred",
                    ended_on=date(2025, 6, 30),
                )
                db.session.add(rep)
                db.session.commit()
                rep_id = rep.id
                first = roster.set_photo(admin, township, rep_id, io.BytesIO(face()), "照片.png")
                made = SimpleNamespace(
                    app=flask_app,
                    url=url,
                    township=township,
                    admin=admin,
                    rep=rep_id,
                    first_photo=first.photo_file_id,
                    root=Path(flask_app.config["STORAGE_LOCAL_ROOT"]),
                )
            db.session.remove()
        yield made


def _set_photo(made: Any) -> Any:
    def call() -> Any:
        with tenant_context(made.township.id):
            return roster.set_photo(
                made.admin, made.township, made.rep, io.BytesIO(face()), "照片.png"
            ).photo_file_id

    return call


def _state(made: Any) -> tuple[str, int | None, list[int]]:
    """The representative's name and photo, and every photo file row of the township."""
    with made.app.app_context(), tenant_context(made.township.id):
        rep = db.session.get(Representative, (made.township.id, made.rep))
        rows = db.session.scalars(
            select(StoredFile.id).where(StoredFile.purpose == "photo").order_by(StoredFile.id)
        ).all()
        state = (rep.name, rep.photo_file_id, list(rows))
        db.session.remove()
        return state


def _stored_objects(made: Any) -> list[Path]:
    return [p for p in made.root.rglob("*") if p.is_file()] if made.root.exists() else []


def test_two_replacements_at_once_leave_one_photo_and_no_orphan(former, monkeypatch):
    made = former
    rendezvous = Rendezvous(made.url)
    real = files.save_upload

    def save_upload(*args: Any, **kwargs: Any) -> Any:
        stored = real(*args, **kwargs)
        rendezvous()  # both past their read of the photo, or one waiting on the row lock
        return stored

    monkeypatch.setattr(files, "save_upload", save_upload)
    try:
        results = race(made.app, _set_photo(made), _set_photo(made))
    finally:
        rendezvous.close()
    assert all(isinstance(r, int) for r in results), results
    _name, photo, rows = _state(made)
    assert photo in results and photo != made.first_photo
    assert rows == [photo]  # the other new photo went with its replacement, not left behind
    assert len(_stored_objects(made)) == 1


def test_an_erasure_committed_between_read_and_write_is_not_undone(former, monkeypatch):
    made = former
    real = roster_stage._can_write
    erased: list[Any] = []

    def can_write(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the representative is read; now the erasure goes through
        if not erased:

            def anonymise() -> Any:
                with tenant_context(made.township.id):
                    return erasure.anonymise_representative(
                        made.admin, made.township, made.rep, confirm=NAME
                    )

            erased.extend(race(made.app, anonymise))

    monkeypatch.setattr(roster_stage, "_can_write", can_write)
    (result,) = race(made.app, _set_photo(made))
    assert erased and erased[0].photo_removed, erased
    assert isinstance(result, Conflict), result
    assert "匿名化" in result.message and result.code == "anonymised"
    name, photo, rows = _state(made)
    assert name.startswith("原代表（已匿名") and photo is None
    assert rows == []
    assert _stored_objects(made) == []
