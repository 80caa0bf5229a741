"""Alembic environment: migrations run as the owner role; the app role then gets DML grants."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from lianxin import models
from lianxin.db.base import Base

models.load_module_models()
config = context.config
target_metadata = Base.metadata


def _grant_app_role(connection, role: str) -> None:
    """The app role may read and write rows, never change tables or rewrite the audit log."""
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if exists.scalar() is None:
        return
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
        url=config.attributes["database_url"],
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.attributes["database_url"]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            role = config.attributes.get("app_role")
            if connection.dialect.name == "postgresql" and role:
                _grant_app_role(connection, role)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
