"""Row-level security for tenant tables, applied by migrations (ARCHITECTURE.md §3)."""

from __future__ import annotations

from typing import Any

POLICY = "tenant_isolation"
PREDICATE = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint"


def enable(op: Any, table: str) -> None:
    """ENABLE and FORCE RLS with the tenant policy on `table` (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING ({PREDICATE}) WITH CHECK ({PREDICATE})')


def disable(op: Any, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


COUNTY_POLICY = "county_rollup_access"
COUNTY_PREDICATE = (
    f"county_id = NULLIF(current_setting('app.county_id', true), '')::bigint OR {PREDICATE}"
)


def enable_county(op: Any, table: str) -> None:
    """RLS for a county rollup table (ARCHITECTURE.md §4): the county whose id the transaction
    set in `app.county_id` reads its townships' rows; a township's context writes its own."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY {COUNTY_POLICY} ON "{table}" '
        f"USING ({COUNTY_PREDICATE}) WITH CHECK ({COUNTY_PREDICATE})"
    )


def disable_county(op: Any, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {COUNTY_POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
