"""The proposals module in the use-case shape (issue 20): one transaction per use case, a paginated
list, and a list whose queries do not grow with its length."""

from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.proposals import service
from lianxin.modules.proposals.errors import IllegalTransition
from lianxin.modules.proposals.inputs import DraftInput
from lianxin.modules.proposals.stages import drafting
from lianxin.storage.models import StoredFile
from tests.helpers import bearer
from tests.test_isolation_walk import PNG

BODY = DraftInput(
    kind="suggestion",
    title="关于村卫生室延长开放时间的建议",
    body="农忙季节村民白天下地……",
    category="教育医疗",
)


@contextmanager
def counted():
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    # On PostgreSQL the tests bind the session to one connection of a shared engine.
    bind = db.session.get_bind()
    engine = getattr(bind, "engine", bind)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def _drafts(cast, world, authors: range) -> None:
    """Suggestions by different authors, submitted, so that the office sees them all."""
    with tenant_context(world.township.id):
        for i in authors:
            draft = service.create_draft(cast.actors[i], world.township, BODY)
            service.submit(cast.actors[i], world.township, draft.id)


def test_a_failure_after_the_upload_leaves_no_stored_file(cast, world, monkeypatch):
    """`attach` calls storage's `save_upload` (a use case of its own, nested here: it only
    flushes); a refusal after it takes the stored file's row back with the rest."""
    with tenant_context(world.township.id):
        draft = service.create_draft(cast.actors[0], world.township, BODY)
        before = db.session.scalar(select(func.count()).select_from(StoredFile))

        def refuse(*_args, **_kwargs):
            raise IllegalTransition("当前状态不能再添加附件")

        monkeypatch.setattr(drafting, "_move", refuse)
        with pytest.raises(IllegalTransition):
            service.attach(cast.actors[0], world.township, draft.id, io.BytesIO(PNG), "a.png")
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == before
        monkeypatch.undo()
        service.attach(cast.actors[0], world.township, draft.id, io.BytesIO(PNG), "a.png")
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == before + 1


def test_the_list_is_paginated(client, cast, world):
    _drafts(cast, world, range(5))
    url = f"/api/v1/t/{world.township.slug}/proposals/proposals"
    staff = bearer(world.users["township_staff"])
    response = client.get(f"{url}?page=2&page_size=2", headers=staff)
    assert response.status_code == 200
    page = response.get_json()
    assert isinstance(page, list) and len(page) == 2
    assert '"total": 5' in response.headers["X-Pagination"]
    assert {p["author_name"] for p in page} <= {f"代表{i:02d}" for i in range(5)}
    windows = client.get(
        f"/api/v1/t/{world.township.slug}/proposals/windows?page_size=1", headers=staff
    )
    assert len(windows.get_json()) == 1 and '"total": 1' in windows.headers["X-Pagination"]


def test_the_list_makes_as_many_queries_for_many_proposals_as_for_few(client, cast, world):
    """`proposal_out` named each author with a query of its own; the page now asks once."""
    url = f"/api/v1/t/{world.township.slug}/proposals/proposals?page_size=50"
    staff = bearer(world.users["township_staff"])

    def selects() -> tuple[int, int]:
        client.get(url, headers=staff)  # the same state of the caches (token, settings) each time
        with counted() as seen:
            response = client.get(url, headers=staff)
        assert response.status_code == 200
        return len(response.get_json()), sum(1 for s in seen if s.lstrip().startswith("SELECT"))

    _drafts(cast, world, range(2))
    few, few_queries = selects()
    _drafts(cast, world, range(2, 10))
    many, many_queries = selects()
    assert (few, many) == (2, 10)
    assert many_queries == few_queries
