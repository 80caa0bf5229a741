"""The schema keeps every township apart by construction (ARCHITECTURE.md §2, §3)."""

from __future__ import annotations

import pytest
from sqlalchemy import UniqueConstraint, text

from lianxin import models
from lianxin.db import Base, db
from lianxin.db.base import tenant_tables

# The whole metadata, first-party modules included, before the tables are listed below.
models.load_module_models()

# Platform tables that carry a township id without being tenant-owned, and why (db/README.md).
PLATFORM_TABLES_WITH_TENANT_ID = {
    "memberships",  # a person's roles across townships are read together
    "outbox_messages",  # one dispatcher sweeps every township's messages
    "notifications",  # a person's inbox spans their townships
    "audit_entries",  # chains per township, county and platform in one append-only table
    "dead_letters",  # operator inspection across townships
    "county_escalations",  # the county's queue: copies of what its townships sent up
    # The county's comparison reads these across its townships; their own county policy
    # (rls.enable_county) stands in for the tenant one (tests/county/test_rollup_policy.py).
    "county_rollups",
    "county_entity_rollups",
    # The county's selection (评先): townships nominate into it, the county reads it.
    "award_candidates",
}


def test_there_are_tenant_tables():
    assert {"branches", "stored_files"} <= {t.name for t in tenant_tables()}


@pytest.mark.parametrize("table", tenant_tables(), ids=lambda t: t.name)
def test_tenant_table_keys_include_tenant_id(table):
    pk = [c.name for c in table.primary_key.columns]
    assert pk == ["tenant_id", "id"], f"{table.name}: primary key must be (tenant_id, id)"
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            assert "tenant_id" in constraint.columns, (
                f"{table.name}: UNIQUE {constraint.name} must include tenant_id"
            )
    for index in table.indexes:
        if index.unique:
            assert "tenant_id" in index.columns, f"{table.name}: unique index without tenant_id"


def test_every_foreign_key_to_a_tenant_table_is_composite():
    tenant_names = {t.name for t in tenant_tables()}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            if fk.referred_table.name not in tenant_names:
                continue
            pairs = {(e.parent.name, e.column.name) for e in fk.elements}
            assert ("tenant_id", "tenant_id") in pairs, (
                f"{table.name} -> {fk.referred_table.name}: foreign key must include tenant_id"
            )


def test_a_tenant_id_column_means_a_tenant_table_unless_declared():
    tenant_names = {t.name for t in tenant_tables()}
    for table in Base.metadata.sorted_tables:
        if "tenant_id" in table.columns and table.name not in tenant_names:
            assert table.name in PLATFORM_TABLES_WITH_TENANT_ID, (
                f"{table.name} has tenant_id but is not tenant-owned; make it a TenantMixin "
                "table or declare why it is platform-level"
            )


@pytest.mark.postgres
def test_every_tenant_table_has_forced_rls_in_the_migrated_database(app):
    for table in tenant_tables():
        row = db.session.execute(
            text(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                "WHERE relname = :t AND relkind = 'r'"
            ),
            {"t": table.name},
        ).one()
        assert row.relrowsecurity and row.relforcerowsecurity, f"{table.name}: RLS not forced"
        policies = db.session.execute(
            text("SELECT qual, with_check FROM pg_policies WHERE tablename = :t"), {"t": table.name}
        ).all()
        assert policies, f"{table.name}: no RLS policy"
        for qual, check in policies:
            for clause in (qual, check):
                assert "current_setting('app.tenant_id'" in clause and "NULLIF" in clause, clause


@pytest.mark.postgres
def test_the_app_connects_as_a_role_that_owns_nothing_and_cannot_bypass(app):
    role = db.session.execute(
        text("SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert not role.rolsuper and not role.rolbypassrls
    owned = db.session.execute(
        text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = :r"),
        {"r": role.rolname},
    ).scalar()
    assert owned == 0


@pytest.mark.postgres
def test_the_app_role_cannot_rewrite_the_audit_log(app, world):
    from lianxin.audit import service as audit
    from lianxin.auth.actor import SYSTEM

    audit.record("test.entry", actor=SYSTEM, tenant_id=world.township.id)
    db.session.commit()
    for statement in ("UPDATE audit_entries SET action = 'forged'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="permission denied"), db.session.begin_nested():
            db.session.execute(text(statement))
