"""Casework's use cases own no transaction of their own inside another's (issue 20).

Liaison, workstations and proposals register a case inside their own use case: the case is
committed with their work, or taken back with it when they fail. Called on its own, a use case
commits. A file stored inside a use case that fails leaves neither its row nor its bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lianxin.casework import service as cases
from lianxin.casework.models import Case, CaseEvent
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict
from lianxin.storage import service as files
from lianxin.storage.models import StoredFile
from lianxin.usecases import use_case
from tests.factories import actor

CASE = {
    "channel": "regular_visit",
    "title": "村道路灯不亮",
    "body": "东关村3组路灯坏了两个月。",
    "category": "基础设施",
    "raiser_phone": "13800000001",
}
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"


class _CallerFailed(Conflict):
    code = "caller_failed"


def _count(township, model) -> int:
    with tenant_context(township.id):
        db.session.rollback()  # read what is committed, not what the session still holds
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _objects(app) -> list[Path]:
    root = Path(app.config["STORAGE_LOCAL_ROOT"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_registration_on_its_own_commits(app, world):
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        new = cases.register(office, world.township, cases.CaseInput(**CASE))
    assert _count(world.township, Case) == 1
    with tenant_context(world.township.id):
        assert db.session.get(Case, (world.township.id, new.case.id)) is not None


def test_a_nested_registration_is_taken_back_when_the_caller_fails(app, world):
    office = actor(world.users["township_staff"])

    @use_case
    def record_then_fail() -> None:
        registered = cases.register(
            office, world.township, cases.CaseInput(**CASE)
        )  # nested: flushes only
        assert registered.case.id is not None
        raise _CallerFailed("the caller's own step failed")

    with tenant_context(world.township.id), pytest.raises(_CallerFailed):
        record_then_fail()
    assert _count(world.township, Case) == 0
    assert _count(world.township, CaseEvent) == 0


def test_the_outermost_use_case_commits_the_nested_registration(app, world):
    office = actor(world.users["township_staff"])

    @use_case
    def record_two() -> list[int]:
        return [
            cases.register(office, world.township, cases.CaseInput(**CASE)).case.id
            for _ in range(2)
        ]

    with tenant_context(world.township.id):
        ids = record_two()
    assert _count(world.township, Case) == 2
    with tenant_context(world.township.id):
        assert all(db.session.get(Case, (world.township.id, i)) is not None for i in ids)


def test_an_upload_inside_a_failed_use_case_leaves_no_row_and_no_object(app, world):
    office = actor(world.users["township_staff"])
    before = _objects(app)

    @use_case
    def attach_then_fail() -> None:
        files.save_upload(office, world.township, io.BytesIO(PDF), "纪要.pdf")
        assert len(_objects(app)) == len(before) + 1  # written, not yet committed
        raise _CallerFailed("the caller's own step failed")

    with tenant_context(world.township.id), pytest.raises(_CallerFailed):
        attach_then_fail()
    assert _count(world.township, StoredFile) == 0
    assert _objects(app) == before


def test_an_upload_inside_a_use_case_commits_with_it(app, world):
    office = actor(world.users["township_staff"])
    before = _objects(app)

    @use_case
    def attach() -> int:
        return files.save_upload(office, world.township, io.BytesIO(PDF), "纪要.pdf").id

    with tenant_context(world.township.id):
        attach()
    assert _count(world.township, StoredFile) == 1
    assert len(_objects(app)) == len(before) + 1
