"""Running Alembic from the application (the `lianxin db` commands and the tests).

Plain `alembic -c alembic.ini …` runs the same migrations: `migrations/env.py` then takes the
database from `-x url=…`, `sqlalchemy.url` or LIANXIN_MIGRATION_DATABASE_URL (infra/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class AppRoleMissing(CommandError):
    """The role the migrations are to grant to (LIANXIN_APP_DB_ROLE) does not exist. A
    CommandError, so that plain `alembic` prints it as one line (FAILED: …), exit 1."""

    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(
            f"the application role {role!r} (LIANXIN_APP_DB_ROLE) does not exist in this "
            "PostgreSQL cluster, so it could be granted nothing: create it "
            "(infra/postgres/roles.sql) or set LIANXIN_APP_DB_ROLE to the user of "
            "LIANXIN_DATABASE_URL. Nothing was migrated."
        )


def alembic_config(
    url: str, app_role: str | None = None, *, stdout: TextIO | None = None
) -> Config:
    """`app_role` empty: no grants (SQLite, or a caller that grants by itself)."""
    # Alembic's default stdout is bound when alembic is imported; the command's own is wanted
    # (click's test runner replaces sys.stdout).
    config = Config(stdout=stdout or sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = url
    config.attributes["app_role"] = app_role or ""
    return config


def upgrade(url: str, app_role: str | None = None, revision: str = "heads") -> None:
    """Raises AppRoleMissing (before any change) if `app_role` is named but absent."""
    command.upgrade(alembic_config(url, app_role), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def stamp(url: str, revision: str) -> None:
    command.stamp(alembic_config(url), revision)


def current(url: str, *, verbose: bool = False) -> None:
    command.current(alembic_config(url), verbose=verbose)


def history(url: str, *, verbose: bool = False) -> None:
    command.history(alembic_config(url), verbose=verbose, indicate_current=True)


def current_heads(url: str) -> tuple[str, ...]:
    """The revision(s) the database is at; () for a database never migrated."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def heads() -> tuple[str, ...]:
    """The newest revision(s) of the code."""
    config = alembic_config("")
    return tuple(ScriptDirectory.from_config(config).get_heads())
