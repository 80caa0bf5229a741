"""Fixtures: an isolated database per test on SQLite and on PostgreSQL, the app and its client.

- SQLite: the schema is migrated once per run into a template file that each test copies.
- PostgreSQL: a database, an owner role and an application role (no table, no BYPASSRLS) are
  created once per run; the schema is migrated as the owner; each test runs as the application
  role inside an outer transaction that is rolled back.

Tests use the `backend` parameter through `app`. Isolation, RLS, migration and dialect tests
(BOTH_BACKENDS below) run on both; every other test on one (PostgreSQL under CI or when it
answers, else SQLite; LIANXIN_TEST_BACKENDS=both runs all on both). Mark a test `sqlite_only`
or `postgres` to pin it to one. Outside CI an absent PostgreSQL skips the PostgreSQL half with
a reason; under CI=true it fails.

The app is built once per (backend, registry) per session and rebound to each test's database;
a test that sets `app_config` gets an app of its own.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


# Where both backends run: isolation, row-level security, migrations and dialect tests. Every
# other test that takes `app` (a rule test) runs on one backend: PostgreSQL under CI or when it
# answers, SQLite where PostgreSQL is absent outside CI. LIANXIN_TEST_BACKENDS=both runs every
# test on both, as before.
BOTH_BACKENDS = ("db/", "security/", "test_isolation_walk.py")
BOTH_BACKENDS_FILES = ("test_isolation", "test_migration", "test_rls", "test_tenancy")

# Slow drills: still run by `make test` (and under CI); `-m "not slow"` leaves them out.
SLOW = (
    "browser/",
    "faults/",
    "test_isolation_walk.py",
    "security/test_api_fuzz.py",
    "security/test_tenancy_fuzz.py",
    "security/test_xss_walk.py",
    "security/test_csp_browser.py",
    "county/test_exports_drill.py",
    "deploy/test_backup_drill.py",
)

TESTS_ROOT = Path(__file__).resolve().parent


def _relative(item: pytest.Item) -> str:
    try:
        return Path(str(item.path)).resolve().relative_to(TESTS_ROOT).as_posix()
    except ValueError:
        return str(item.path)


def _postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_SUPERUSER, dbname="postgres", connect_timeout=3
        ):
            return True
    except Exception:
        return False


def _rule_backend() -> str | None:
    """The one backend of rule tests, or None for both."""
    if os.environ.get("LIANXIN_TEST_BACKENDS", "").lower() == "both":
        return None
    if IN_CI or _postgres_answers():
        return "postgresql"
    return "sqlite"


def _needs_both(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return relative.startswith(BOTH_BACKENDS) or name.startswith(BOTH_BACKENDS_FILES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the backend halves a marker rules out (sqlite_only / postgres), and the second
    backend of rule tests; mark the slow drills."""
    rule_backend: str | None = None
    asked = False
    keep, drop = [], []
    for item in items:
        relative = _relative(item)
        if relative.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if (backend == "postgresql" and item.get_closest_marker("sqlite_only")) or (
            backend == "sqlite" and item.get_closest_marker("postgres")
        ):
            drop.append(item)
            continue
        if (
            backend is not None
            and not _needs_both(relative)
            and not item.get_closest_marker("sqlite_only")
            and not item.get_closest_marker("postgres")
        ):
            if not asked:
                rule_backend, asked = _rule_backend(), True
            if rule_backend is not None and backend != rule_backend:
                drop.append(item)
                continue
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


@contextmanager
def scratch_database(prefix: str, *, extensions: tuple[str, ...] = ()) -> Iterator[PgCluster]:
    """A database of its own with an owner role and an application role (no superuser, no
    BYPASSRLS), the public schema owned by the owner, `extensions` created by the superuser;
    dropped with its roles at the end. The one place tests make PostgreSQL databases: the
    session's cluster, the anonymity attacks' template and the audit anchor all start here.
    Absent PostgreSQL: skipped outside CI, an error under CI."""
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        service_missing("PostgreSQL", f"{PG_HOST}:{PG_PORT}: {type(exc).__name__}")
    suffix = uuid.uuid4().hex[:8]
    cluster = PgCluster(
        engine, f"{prefix}_{suffix}", f"{prefix}_o_{suffix}", f"{prefix}_a_{suffix}"
    )
    with engine.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{cluster.owner}" LOGIN NOSUPERUSER NOBYPASSRLS'))
        conn.execute(
            text(
                f'CREATE ROLE "{cluster.app_role}" LOGIN NOSUPERUSER NOBYPASSRLS '
                "NOCREATEDB NOCREATEROLE"
            )
        )
        conn.execute(text(f'CREATE DATABASE "{cluster.database}" OWNER "{cluster.owner}"'))
    try:
        superuser_on_db = create_engine(
            cluster.url(PG_SUPERUSER), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        with superuser_on_db.connect() as conn:
            conn.execute(text(f'ALTER SCHEMA public OWNER TO "{cluster.owner}"'))
            conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
            for extension in extensions:
                conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
        superuser_on_db.dispose()
        yield cluster
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{cluster.database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{cluster.app_role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{cluster.owner}"'))
        engine.dispose()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    with scratch_database("lx_test") as cluster:
        owner_url = cluster.url(cluster.owner).render_as_string(hide_password=False)
        upgrade(owner_url, cluster.app_role)
        create_test_module_tables(owner_url, cluster.app_role)
        yield cluster


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


# One app per (backend, registry) per session: create_app() (1,230 URL rules, the OpenAPI
# document) cost more than most tests. A test that sets `app_config` gets an app of its own.
# Between tests a shared app gets its settings back, a fresh storage folder and session
# deny-list, and its database rebound to the test's own (see `_bind_sqlite` / `_bind_postgres`).
_SHARED_APPS: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}


def _shared_app(
    backend: str,
    database_url: str,
    app_modules: tuple[ModuleSpec, ...],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Any, dict[str, Any]]:
    key = (backend, database_url, tuple(id(spec) for spec in app_modules))
    if key not in _SHARED_APPS:
        home = tmp_path_factory.mktemp(f"app-{backend}")
        flask_app = create_app(base_config(home, database_url), modules=app_modules)
        flask_app.config["BACKEND"] = backend
        # The modules are kept alive with the app, so their ids in the key stay theirs.
        _SHARED_APPS[key] = (flask_app, dict(flask_app.config))
    return _SHARED_APPS[key]


def _reset_shared_app(flask_app: Any, settings: dict[str, Any], tmp_path: Path) -> None:
    """Undo what the last test may have left on a shared app: settings, files, deny-list."""
    from lianxin.auth import sessions
    from lianxin.storage import backends

    # Tasks defined with @shared_task run on the current Celery app: the last one created
    # (another shared app) unless this app's is made current again.
    celery = flask_app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    flask_app.config.clear()
    flask_app.config.update(settings)
    flask_app.config.update(STORAGE_LOCAL_ROOT=str(tmp_path / "files"), INSTANCE_DIR=str(tmp_path))
    backends.init_app(flask_app)
    sessions.init_app(flask_app)
    for name in [n for n in flask_app.extensions if n.startswith("lianxin.audit")]:
        flask_app.extensions.pop(name)


def _sqlite_state(url: str) -> Any:
    """A fresh engine and scoped session on the test's copy of the template (durability off:
    the file dies with the test)."""
    from sqlalchemy import event
    from sqlalchemy.orm import scoped_session, sessionmaker

    from lianxin.db.core import LianxinSession, _scopefunc, _State, make_engine

    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    factory = sessionmaker(bind=engine, class_=LianxinSession, expire_on_commit=False)
    return _State(engine, scoped_session(factory, _scopefunc))


@pytest.fixture(scope="session", autouse=True)
def _dispose_shared_apps() -> Iterator[None]:
    yield
    for flask_app, _settings in _SHARED_APPS.values():
        flask_app.extensions["lianxin.db"].engine.dispose()
    _SHARED_APPS.clear()


@pytest.fixture
def app(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    app_config: dict[str, Any],
    app_modules: tuple[ModuleSpec, ...],
) -> Iterator[Any]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        if app_config:
            flask_app = create_app(
                {**base_config(tmp_path, url), **app_config}, modules=app_modules
            )
            flask_app.config["BACKEND"] = "sqlite"
        else:
            flask_app, settings = _shared_app(
                "sqlite", "sqlite:///shared-placeholder.db", app_modules, tmp_path_factory
            )
            _reset_shared_app(flask_app, settings, tmp_path)
            flask_app.config.update(DATABASE_URL=url, MIGRATION_DATABASE_URL=url)
            flask_app.extensions["lianxin.db"].session.remove()
            flask_app.extensions["lianxin.db"] = _sqlite_state(url)
        with flask_app.app_context():
            yield flask_app
            db.session.remove()
            db.engine.dispose()
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    engine: Engine = request.getfixturevalue("pg_app_engine")
    url = cluster.url(cluster.app_role).render_as_string(hide_password=False)
    if app_config:
        flask_app = create_app({**base_config(tmp_path, url), **app_config}, modules=app_modules)
        flask_app.config["BACKEND"] = "postgresql"
        shared = False
    else:
        flask_app, settings = _shared_app("postgresql", url, app_modules, tmp_path_factory)
        _reset_shared_app(flask_app, settings, tmp_path)
        shared = True
    flask_app.extensions["lianxin.test_app_role"] = cluster.app_role
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
        if not shared:
            flask_app.extensions["lianxin.db"].engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def walk_only() -> frozenset[str] | None:
    """The blueprints the isolation walks (tests/test_isolation_walk.py) send ids and slugs to:
    every route here; a module's own walk (tests/modules/conftest.py) walks its own routes."""
    return None


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
