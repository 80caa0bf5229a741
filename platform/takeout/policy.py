"""Which tables and columns of the schema belong in a township's archive, and what stays out.

Tables are found in `Base.metadata`, so a new module's tables are exported without anyone
remembering to: every table with the tenant key (`tenant_id`, or `township_id` on the module
switches) is the township's, filtered to its rows. What is left out is named here with the
reason (the README lists the same); a column whose name says it is a secret is dropped from any
table, also from a table written later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, or_

TENANT_KEYS = ("tenant_id", "township_id")

# Tables that carry the tenant key but are not exported, and why.
EXCLUDED: dict[str, str] = {
    # Anonymity (ARCHITECTURE.md §6): sealed answers and the receipts of who answered.
    "ev_answer_pool": "sealed evaluation answers still pending (ciphertext under a platform key)",
    "as_ballot_pool": "sealed secret ballots still pending (ciphertext under a platform key)",
    "ev_answers": "single evaluation answers; exported aggregated as ev_results instead",
    "as_ballots": "single secret ballots; the tally is as_votes.result",
    "ev_receipts": "who answered an evaluation: the office may know how many, never who",
    "as_receipts": "who cast a secret ballot: the office may know how many, never who",
    "ev_codes": "one-answer codes of the public: credentials, and `used` tells who rated",
    # Platform plumbing.
    "outbox_messages": "undelivered side effects; payloads may hold one-time links",
    "dead_letters": "failed tasks, for the operator; arguments may hold one-time links",
    "notifications": "people's inboxes: a reminder to non-respondents tells who did not answer",
    # The county's.
    "county_rollups": "the county's comparison figures, derived and recomputable",
    "county_entity_rollups": "the county's ranking figures, derived and recomputable",
}

# Tables without the tenant key that are exported too, reached otherwise (service.py).
REACHED: dict[str, str] = {
    "townships": "the township's own row",
    "users": "the township's members, and the names of others its rows refer to",
    "channel_preferences": "how the township's members want to be told (their own rows)",
}

# Tables without the tenant key that are not the township's, and why (a new one must be listed
# here or in REACHED: tests/takeout checks every table of the schema is decided).
NOT_TOWNSHIP: dict[str, str] = {
    "api_tokens": "token hashes: credentials, never exported",
    "setup_links": "one-time link hashes: credentials, never exported",
    "audit_chain_heads": "the platform's bookkeeping of chains",
    "counties": "the county's (its name and slug are in the manifest)",
    "county_comparison_settings": "the county's",
    "county_jobs": "the county's",
    "duty_formulas": "the county's duty-record scoring formula",
    "award_selections": "the county's yearly selections (its honour roll is public)",
    "work_calendar_days": "the county's and the nation's calendar",
    "work_calendar_revision": "the platform's",
    "work_calendar_years": "the platform's",
}

# Columns dropped whatever table they are in: their names say they are secrets.
SECRET_COLUMN = re.compile(r"password|token|secret|salt|sealed|_hash$|^mac$")
# Except where the name misleads: the audit chain's links are hashes of the entries, which let
# the township check its copy of the chain (`mac` is keyed and is dropped).
KEPT_COLUMNS: dict[str, frozenset[str]] = {"audit_entries": frozenset({"prev_hash"})}
# Columns dropped from one table, and why.
DROPPED_COLUMNS: dict[str, dict[str, str]] = {
    "users": {
        "failed_logins": "login throttling state",
        "locked_until": "login throttling state",
        "credentials_epoch": "session invalidation counter",
    },
}
# Rows left out of a table, and why.
ROW_FILTERS: dict[str, tuple[Callable[[Table], ColumnElement[bool]], str]] = {
    "deliveries": (
        lambda t: or_(t.c.confidential.is_(False), t.c.confidential.is_(None)),
        "a confidential delivery (a reminder to those who have not answered) tells who",
    ),
}


@dataclass(frozen=True)
class TablePlan:
    """One table of the archive: its columns and the key that names the township."""

    table: Table
    key: str | None  # the tenant key column, or None for a table reached otherwise
    columns: tuple[str, ...]
    dropped: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.table.name

    def where(self) -> ColumnElement[bool] | None:
        rule = ROW_FILTERS.get(self.name)
        return rule[0](self.table) if rule else None


def tenant_key(table: Table) -> str | None:
    return next((k for k in TENANT_KEYS if k in table.c), None)


def is_secret(table: str, column: str) -> bool:
    if column in KEPT_COLUMNS.get(table, frozenset()):
        return False
    return bool(SECRET_COLUMN.search(column)) or column in DROPPED_COLUMNS.get(table, {})


def plan(table: Table) -> TablePlan:
    kept = tuple(c.name for c in table.columns if not is_secret(table.name, c.name))
    dropped = tuple(c.name for c in table.columns if is_secret(table.name, c.name))
    return TablePlan(table, tenant_key(table), kept, dropped)


def keyed_tables(metadata: Any) -> list[TablePlan]:
    """Every table with the tenant key that is exported, by name."""
    return [
        plan(table)
        for name, table in sorted(metadata.tables.items())
        if tenant_key(table) is not None and name not in EXCLUDED
    ]


def undecided(metadata: Any) -> list[str]:
    """Tables of the schema nobody decided about: neither keyed nor listed above."""
    return [
        name
        for name, table in sorted(metadata.tables.items())
        if tenant_key(table) is None and name not in REACHED and name not in NOT_TOWNSHIP
    ]
