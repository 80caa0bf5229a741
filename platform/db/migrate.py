"""Running Alembic from the application (the `lianxin db` commands and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str, app_role: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = url
    config.attributes["app_role"] = app_role or ""
    return config


def upgrade(url: str, app_role: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url, app_role), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
