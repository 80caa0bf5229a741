"""The county reads comparisons, not townships' raw rows (ARCHITECTURE.md §4).

Every statement the database receives while a county viewer uses the comparison (pages, API,
rankings, export) is collected with a `before_cursor_execute` listener: none names a tenant
table. Only the audited drill-down opens a township's own pages.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

from lianxin.db import db
from lianxin.db.base import tenant_tables
from tests.helpers import bearer, login

TENANT_TABLES = {t.name for t in tenant_tables()}


@contextmanager
def statements():
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


def tables_in(sql: list[str]) -> set[str]:
    names: set[str] = set()
    for statement in sql:
        names |= set(re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?([a-z_]+)"?', statement, re.I))
    return names


def test_the_county_side_touches_only_rollups_and_platform_tables(refreshed, client):
    assert "cases" in TENANT_TABLES and "representatives" in TENANT_TABLES
    login(client, refreshed.users["admin"])
    headers = bearer(refreshed.users["viewer"])
    with statements() as seen:
        for path in (
            "/c/jia/comparison/?period=2026-Q1",
            "/c/jia/comparison/?period=2026-Q1&sort=cases_on_time&order=asc&metric=reps_women",
            "/c/jia/comparison/rankings?period=2026-Q1&formula=handling&kind=unit",
            "/c/jia/comparison/rankings?period=2026-Q1&formula=engagement&kind=representative",
        ):
            assert client.get(path).status_code == 200, path
        for path in (
            "/api/v1/c/jia/comparison/?period=2026-Q1",
            "/api/v1/c/jia/comparison/trend?metric=cases_on_time&period=2026-Q1&count=4",
            "/api/v1/c/jia/comparison/rankings?period=2026-Q1&formula=on_time&min_count=2",
            "/api/v1/c/jia/comparison/rankings/entities?period=2026-Q1&kind=station",
        ):
            assert client.get(path, headers=headers).status_code == 200, path
        response = client.post("/c/jia/comparison/exports", data={"period": "2026-Q1"})
        assert response.status_code == 302
        job_page = client.get(response.location)
        assert job_page.status_code == 200
    touched = tables_in(seen)
    assert "county_rollups" in touched and "county_entity_rollups" in touched
    assert touched.isdisjoint(TENANT_TABLES), sorted(touched & TENANT_TABLES)


def test_only_the_audited_drill_down_reads_a_townships_rows(refreshed, client):
    login(client, refreshed.users["admin"])
    with statements() as seen:
        client.post(f"/c/jia/comparison/drill/{refreshed.ids['jia']}")
        client.get("/t/jia-zhen/cases/")
    assert tables_in(seen) & TENANT_TABLES  # the drill-down is where raw rows are read
    from sqlalchemy import select

    from lianxin.audit.models import AuditEntry

    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "county.drill_down")
    ).all()
    assert len(actions) == 2  # in the county's chain and in the township's
