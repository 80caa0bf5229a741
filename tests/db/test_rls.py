"""PostgreSQL alone keeps townships apart: the ORM filter off, connected as the app role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from lianxin.db import db
from lianxin.db.base import tenant_tables
from lianxin.db.tenancy import UNSCOPED_ACROSS_TOWNSHIPS, no_tenant_context, tenant_context
from lianxin.tenants.models import Branch

pytestmark = pytest.mark.postgres


def test_connected_as_the_application_role(app):
    role = db.session.execute(text("SELECT current_user")).scalar()
    assert role == app.extensions["lianxin.test_app_role"]
    superuser, bypass = db.session.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert not superuser and not bypass


def test_rls_hides_other_townships_rows_with_the_orm_filter_off(app, world):
    with UNSCOPED_ACROSS_TOWNSHIPS("proving RLS alone"), tenant_context(world.township.id):
        # The ORM adds no criteria here; only PostgreSQL filters.
        assert db.session.scalars(select(Branch.name)).all() == ["甲镇专属支部"]
        assert db.session.execute(text("SELECT name FROM branches")).scalars().all() == [
            "甲镇专属支部"
        ]
        for table in tenant_tables():
            foreign = db.session.execute(
                text(f'SELECT count(*) FROM "{table.name}" WHERE tenant_id <> :t'),
                {"t": world.township.id},
            ).scalar()
            assert foreign == 0, table.name


def test_rls_shows_nothing_without_a_township(app, world):
    with UNSCOPED_ACROSS_TOWNSHIPS("proving RLS alone"), no_tenant_context():
        assert db.session.scalar(select(func.count()).select_from(Branch)) == 0
        assert db.session.execute(text("SELECT count(*) FROM branches")).scalar() == 0


def test_rls_refuses_writes_into_another_township(app, world):
    with UNSCOPED_ACROSS_TOWNSHIPS("proving RLS alone"), tenant_context(world.township.id):
        with pytest.raises(DBAPIError, match="row-level security"), db.session.begin_nested():
            db.session.execute(
                text(
                    "INSERT INTO branches (tenant_id, name, kind, is_active, created_at) "
                    "VALUES (:o, '越界支部', 'village', true, now())"
                ),
                {"o": world.other.id},
            )
        updated = db.session.execute(
            text("UPDATE branches SET name = '被改' WHERE tenant_id = :o"), {"o": world.other.id}
        )
        deleted = db.session.execute(
            text("DELETE FROM test_pilot_notes WHERE tenant_id = :o"), {"o": world.other.id}
        )
        assert updated.rowcount == 0 and deleted.rowcount == 0
        # Moving one of our rows into another township is refused too (WITH CHECK).
        with pytest.raises(DBAPIError, match="row-level security"), db.session.begin_nested():
            db.session.execute(text("UPDATE branches SET tenant_id = :o"), {"o": world.other.id})
    with tenant_context(world.other.id):
        assert db.session.scalars(select(Branch.name)).all() == ["乙镇专属支部"]


def test_the_setting_is_transaction_local(app, world):
    with tenant_context(world.township.id):
        assert db.session.execute(
            text("SELECT current_setting('app.tenant_id', true)")
        ).scalar() == str(world.township.id)
    db.session.commit()
    with no_tenant_context():
        value = db.session.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar()
        assert value in ("", None)
