"""Migration 0024_branch_casework on a database with cases in it, SQLite and PostgreSQL.

Upgrading gives every case its receiving representative's branch (a liaison then follows the
cases already registered); downgrading takes a case still at the branch back to "registered"
(the only state the older code knows before the office's steps), keeps its history readable,
and drops the columns; upgrading again works. On PostgreSQL the migration runs as the owner of
the tables under FORCEd row-level security: the data changes must reach every township.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from lianxin.db.migrate import downgrade, upgrade
from tests.conftest import PG_SUPERUSER, scratch_database

BEFORE = "0023_deliveries"
AFTER = "0024_branch_casework"
NEW_COLUMNS = {"branch_id", "proposed_handling", "signed_on", "signed_on_paper", "signoff_by_id"}


@contextmanager
def _database(backend: str, tmp_path: Path) -> Iterator[tuple[str, str | None, str]]:
    """(owner url, app role, a url that reads every township's rows) of an empty database."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'branches.db'}"
        yield url, None, url
        return
    with scratch_database("lx_branch") as cluster:
        yield (
            cluster.url(cluster.owner).render_as_string(hide_password=False),
            cluster.app_role,
            cluster.url(PG_SUPERUSER).render_as_string(hide_password=False),
        )


def _value(column: dict[str, Any]) -> Any:
    """Something acceptable for a NOT NULL column the test does not care about."""
    kind = str(column["type"]).upper()
    if "BOOL" in kind:
        return False
    if "INT" in kind or "NUMERIC" in kind:
        return 1
    if "DATETIME" in kind or "TIMESTAMP" in kind:
        return datetime.now(UTC)
    if "DATE" in kind:
        return date(2026, 3, 1)
    if "JSON" in kind:
        return "{}"
    return "x"


def _insert(conn: Connection, table: str, **given: Any) -> None:
    """A row with the values given and filler in every other required column."""
    values = dict(given)
    columns = inspect(conn).get_columns(table)
    for column in columns:
        name = column["name"]
        if name in values or column["nullable"] or column.get("default") is not None:
            continue
        if column.get("autoincrement") is True and name == "id":
            continue
        values[name] = _value(column)
    names = ", ".join(values)
    marks = ", ".join(f":{n}" for n in values)
    # Typed parameters: SQLAlchemy renders dates for SQLite itself (sqlite3's own date adapters
    # are deprecated since Python 3.12 and warn).
    types = {column["name"]: column["type"] for column in columns}
    statement = text(f"INSERT INTO {table} ({names}) VALUES ({marks})").bindparams(
        *(bindparam(name, type_=types[name]) for name in values)
    )
    conn.execute(statement, values)


def _as_township(conn: Connection, tenant_id: int) -> None:
    """Rows of one township, as the application writes them (row-level security on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


def _seed(url: str) -> None:
    """Two townships, each with a branch, a representative of it and two cases: one received by
    the representative, one by nobody."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        _insert(conn, "counties", id=1, name="甲县", slug="jia", module_defaults="{}")
        for t in (1, 2):
            _insert(conn, "townships", id=t, county_id=1, name=f"镇{t}", slug=f"t{t}", labels="{}")
    for t in (1, 2):
        with engine.begin() as conn:
            _as_township(conn, t)
            _insert(conn, "branches", tenant_id=t, id=10 + t, name=f"支部{t}", is_active=True)
            _insert(
                conn,
                "representatives",
                tenant_id=t,
                id=20 + t,
                name=f"代表{t}",
                branch_id=10 + t,
                birth_date=date(1970, 1, 1),
            )
            for n, received in ((1, 20 + t), (2, None)):
                _insert(
                    conn,
                    "cases",
                    tenant_id=t,
                    id=100 * t + n,
                    tracking_hash=f"h{t}{n}",
                    state="registered",
                    received_by_id=received,
                    anonymous=False,
                    on_behalf=True,
                    due_estimated=False,
                    reassign_count=0,
                )
    engine.dispose()


def _read(url: str, sql: str) -> list[Any]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = list(conn.execute(text(sql)))
    engine.dispose()
    return rows


def _columns(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        names = {c["name"] for c in inspect(conn).get_columns("cases")}
    engine.dispose()
    return names


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_gives_cases_their_branch_and_downgrade_takes_them_back(backend, tmp_path):
    with _database(backend, tmp_path) as (url, app_role, reader):
        upgrade(url, app_role, BEFORE)
        _seed(url)
        upgrade(url, app_role, AFTER)
        assert _columns(url) >= NEW_COLUMNS
        branches = dict(_read(reader, "SELECT id, branch_id FROM cases ORDER BY id"))
        assert branches == {101: 11, 102: None, 201: 12, 202: None}
        # A case at the branch, with its steps there, when the code is taken back.
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            _as_township(conn, 1)
            conn.execute(
                text(
                    "UPDATE cases SET state = 'proposed', proposed_handling = '拟办' WHERE id = 102"
                )
            )
            for n, (action, before, after) in enumerate(
                (
                    ("register", None, "branch_registered"),
                    ("propose_handling", "branch_registered", "proposed"),
                )
            ):
                _insert(
                    conn,
                    "case_events",
                    tenant_id=1,
                    id=1000 + n,
                    case_id=102,
                    action=action,
                    from_state=before,
                    to_state=after,
                    actor_name="联络员",
                )
        engine.dispose()
        downgrade(url, BEFORE)
        assert not (NEW_COLUMNS & _columns(url))
        assert dict(_read(reader, "SELECT id, state FROM cases WHERE id IN (101, 102)")) == {
            101: "registered",
            102: "registered",
        }
        events = _read(reader, "SELECT action, from_state, to_state FROM case_events ORDER BY id")
        assert [tuple(e) for e in events] == [
            ("register", None, "registered"),
            ("propose_handling", "registered", "registered"),
        ]
        upgrade(url, app_role)
        assert _columns(url) >= NEW_COLUMNS
        if backend == "postgresql":
            # Row-level security is forced again after the data changes.
            forced = _read(
                reader,
                "SELECT relname, relforcerowsecurity FROM pg_class "
                "WHERE relname IN ('cases', 'representatives', 'case_events')",
            )
            assert all(flag for _name, flag in forced) and len(forced) == 3
