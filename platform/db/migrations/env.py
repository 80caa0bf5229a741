"""Alembic environment: migrations run as the owner role; the app role then gets DML grants.

The database and the role come from the application (`lianxin db …`, tests: config.attributes)
or, for plain `alembic -c alembic.ini …`, from `-x url=… -x app_role=…`, then the ini's
`sqlalchemy.url` / `lianxin.app_role`, then LIANXIN_MIGRATION_DATABASE_URL (or
LIANXIN_DATABASE_URL) / LIANXIN_APP_DB_ROLE (default lianxin_app), as `lianxin db` reads them.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import Connection

from lianxin import models
from lianxin.db.base import Base
from lianxin.db.migrate import AppRoleMissing

models.load_module_models()
config = context.config
target_metadata = Base.metadata
if config.config_file_name is not None:  # plain `alembic -c alembic.ini`: its log settings
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _x_arguments() -> dict[str, str]:
    return context.get_x_argument(as_dictionary=True)


def _database_url() -> str:
    url = (
        config.attributes.get("database_url")
        or _x_arguments().get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("LIANXIN_MIGRATION_DATABASE_URL")
        or os.environ.get("LIANXIN_DATABASE_URL")
    )
    if not url:
        raise SystemExit(
            "No database to migrate: pass -x url=postgresql+psycopg://owner@host/db, set "
            "sqlalchemy.url in the ini file, or set LIANXIN_MIGRATION_DATABASE_URL."
        )
    return str(url)


def _app_role() -> str:
    """The role to grant to; '' grants nothing."""
    if "app_role" in config.attributes:
        return str(config.attributes["app_role"] or "")
    x = _x_arguments()
    if "app_role" in x:
        return x["app_role"]
    from_ini = config.get_main_option("lianxin.app_role")
    if from_ini is not None:
        return from_ini
    return os.environ.get("LIANXIN_APP_DB_ROLE", "lianxin_app")


def _upgrading() -> bool:
    """Whether this run is an upgrade: only then are the grants (re)made and the role checked.
    `current`, `stamp` and `downgrade` change no privileges."""
    fn = context.get_context().opts.get("fn")
    return getattr(fn, "__name__", "") == "upgrade"


def _require_role(connection: Connection, role: str) -> None:
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if exists.scalar() is None:
        raise AppRoleMissing(role)


def _grant_app_role(connection: Connection, role: str) -> None:
    """The app role may read and write rows, never change tables or rewrite the audit log."""
    _require_role(connection, role)
    quoted = connection.dialect.identifier_preparer.quote(role)
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        # The audit log is append-only for the app: entries and the chains' names, SELECT and
        # INSERT only (platform/audit/README.md).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_chain_heads FROM {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ):
        connection.execute(text(statement))


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(_database_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            role = _app_role() if _upgrading() else ""
            grant = connection.dialect.name == "postgresql" and bool(role)
            with context.begin_transaction():
                if grant:
                    # Before any step: a missing role fails the run with nothing changed,
                    # instead of a migrated database the application cannot read.
                    _require_role(connection, role)
                context.run_migrations()
                if grant:
                    _grant_app_role(connection, role)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
