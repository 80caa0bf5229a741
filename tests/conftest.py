"""Fixtures: an isolated database per test on SQLite and on PostgreSQL, the app and its client.

- SQLite: the schema is migrated once per run into a template file that each test copies.
- PostgreSQL: a database, an owner role and an application role (no table, no BYPASSRLS) are
  created once per run; the schema is migrated as the owner; each test runs as the application
  role inside an outer transaction that is rolled back.

Tests use the `backend` parameter through `app`, so a test that takes `app` runs on both. Mark
a test `sqlite_only` or `postgres` to run it on one. Outside CI an absent PostgreSQL skips the
PostgreSQL half with a reason; under CI=true it fails.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.db import db
from lianxin.db.migrate import upgrade
from lianxin.modules.registry import ModuleSpec
from tests.testmodule import TEST_MODULES

# Tests never read the developer's production settings.
for _name in [
    n for n in os.environ if n.startswith("LIANXIN_") and not n.startswith("LIANXIN_TEST_")
]:
    del os.environ[_name]
os.environ["LIANXIN_SECRET_KEY"] = "test-secret-key-not-for-production"

# The whole suite runs with the process far from China (15 or 16 hours behind Shanghai): every
# date the platform reasons about is the Asia/Shanghai date whatever the server's time zone, so
# a date or time taken from the server's local clock shows up as a failing test, not a wrong
# due date in production. `LIANXIN_TEST_TZ` picks another zone (UTC, say) for a run.
os.environ["TZ"] = os.environ.get("LIANXIN_TEST_TZ", "America/Los_Angeles")
time.tzset()

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_HOST = os.environ.get("LIANXIN_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("LIANXIN_TEST_PG_PORT", "5432"))
PG_SUPERUSER = os.environ.get("LIANXIN_TEST_PG_SUPERUSER", "postgres")
REDIS_URL = os.environ.get("LIANXIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_missing(what: str, reason: str) -> None:
    """Outside CI an absent service skips with a reason; under CI=true it is a failure."""
    message = f"{what} unavailable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: integration tests must run)", pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the backend halves a marker rules out (sqlite_only / postgres)."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if (backend == "postgresql" and item.get_closest_marker("sqlite_only")) or (
            backend == "sqlite" and item.get_closest_marker("postgres")
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 at test strength: the same scheme, far less memory and time per hash."""
    from argon2 import PasswordHasher

    from lianxin.auth import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield
    passwords._hasher = original


# --- databases ----------------------------------------------------------------------------------


@dataclass
class PgCluster:
    admin_engine: Engine
    database: str
    owner: str
    app_role: str

    def url(self, role: str) -> URL:
        return URL.create(
            "postgresql+psycopg", username=role, host=PG_HOST, port=PG_PORT, database=self.database
        )


def _pg_admin_engine() -> Engine:
    url = URL.create(
        "postgresql+psycopg", username=PG_SUPERUSER, host=PG_HOST, port=PG_PORT, database="postgres"
    )
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def create_test_module_tables(url: str, app_role: str | None = None) -> None:
    """The test modules' tables, made as a migration would make them (RLS on PostgreSQL)."""
    from lianxin.db.rls import PREDICATE
    from tests.testmodule import PilotNote

    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        PilotNote.__table__.create(conn)  # type: ignore[attr-defined]
        if conn.dialect.name == "postgresql":
            table = PilotNote.__tablename__
            conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
            conn.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
            conn.execute(
                text(
                    f"CREATE POLICY tenant_isolation ON {table} "
                    f"USING ({PREDICATE}) WITH CHECK ({PREDICATE})"
                )
            )
            conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO "{app_role}"'))
            conn.execute(
                text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app_role}"')
            )
    engine.dispose()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        service_missing("PostgreSQL", f"{PG_HOST}:{PG_PORT}: {type(exc).__name__}")
    suffix = uuid.uuid4().hex[:8]
    cluster = PgCluster(engine, f"lx_test_{suffix}", f"lx_owner_{suffix}", f"lx_app_{suffix}")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{cluster.owner}" LOGIN NOSUPERUSER NOBYPASSRLS'))
        conn.execute(
            text(
                f'CREATE ROLE "{cluster.app_role}" LOGIN NOSUPERUSER NOBYPASSRLS '
                "NOCREATEDB NOCREATEROLE"
            )
        )
        conn.execute(text(f'CREATE DATABASE "{cluster.database}" OWNER "{cluster.owner}"'))
    superuser_on_db = create_engine(
        cluster.url(PG_SUPERUSER).set(database=cluster.database),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    with superuser_on_db.connect() as conn:
        conn.execute(text(f'ALTER SCHEMA public OWNER TO "{cluster.owner}"'))
        conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    superuser_on_db.dispose()
    owner_url = cluster.url(cluster.owner).render_as_string(hide_password=False)
    upgrade(owner_url, cluster.app_role)
    create_test_module_tables(owner_url, cluster.app_role)
    try:
        yield cluster
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{cluster.database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{cluster.app_role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{cluster.owner}"'))
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    create_test_module_tables(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_app_engine(pg_cluster: PgCluster) -> Iterator[Engine]:
    engine = create_engine(pg_cluster.url(pg_cluster.app_role), pool_size=2, max_overflow=2)
    yield engine
    engine.dispose()


# --- the app ------------------------------------------------------------------------------------


def base_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "MIGRATION_DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "BROKER_URL": "",
        "CELERY_EAGER": True,
        "STORAGE_BACKEND": "local",
        "STORAGE_LOCAL_ROOT": str(tmp_path / "files"),
        "INSTANCE_DIR": str(tmp_path),
        "SESSION_COOKIE_SECURE": False,
        "PUBLIC_BASE_URL": "http://testserver",
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings of the `app` fixture."""
    return {}


@pytest.fixture
def app_modules() -> tuple[ModuleSpec, ...]:
    """The registry of the `app` fixture: the modules defined in tests/testmodule.py."""
    return TEST_MODULES


@pytest.fixture
def app(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    app_config: dict[str, Any],
    app_modules: tuple[ModuleSpec, ...],
) -> Iterator[Any]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        flask_app = create_app(
            {**base_config(tmp_path, f"sqlite:///{path}"), **app_config}, modules=app_modules
        )
        flask_app.config["BACKEND"] = "sqlite"
        with flask_app.app_context():
            yield flask_app
            db.session.remove()
            db.engine.dispose()
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    engine: Engine = request.getfixturevalue("pg_app_engine")
    url = cluster.url(cluster.app_role).render_as_string(hide_password=False)
    flask_app = create_app({**base_config(tmp_path, url), **app_config}, modules=app_modules)
    flask_app.config["BACKEND"] = "postgresql"
    connection: Connection = engine.connect()
    outer = connection.begin()
    db.bind_to_connection(flask_app, connection)
    try:
        with flask_app.app_context():
            yield flask_app
            db.session.remove()
    finally:
        outer.rollback()
        connection.close()
        flask_app.extensions["lianxin.db"].engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def world(app: Any) -> Any:
    """Two townships of one county, a third county, and a user for every role."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def township(world: Any) -> Any:
    return world.township


@pytest.fixture
def other_township(world: Any) -> Any:
    return world.other
