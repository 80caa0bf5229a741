"""The ORM lock: queries are filtered by the township context, writes are stamped, and tenant
data touched with no context raises (fails closed)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from lianxin.db import db
from lianxin.db.tenancy import (
    UNSCOPED_ACROSS_TOWNSHIPS,
    CrossTenantWrite,
    ReadOnlyTenantContext,
    TenantContextMissing,
    tenant_context,
)
from lianxin.tenants.models import Branch


def test_query_without_context_raises(world):
    with pytest.raises(TenantContextMissing):
        db.session.scalars(select(Branch)).all()
    db.session.rollback()
    with pytest.raises(TenantContextMissing):
        db.session.scalar(select(func.count()).select_from(Branch))


def test_context_filters_every_query(world):
    with tenant_context(world.township.id):
        names = db.session.scalars(select(Branch.name)).all()
        assert names == ["甲镇专属支部"]
        assert db.session.get(Branch, (world.other.id, world.branches["o"].id)) is None
        count = db.session.scalar(select(func.count()).select_from(Branch))
        assert count == 1


def test_get_by_identity_does_not_leak_across_contexts(world):
    other_branch = world.branches["o"]
    db.session.expunge_all()
    with tenant_context(world.township.id):
        assert db.session.get(Branch, (world.other.id, other_branch.id)) is None


def test_new_rows_take_the_context_township(world):
    with tenant_context(world.township.id):
        branch = Branch(name="新支部", kind="village", is_active=True)
        db.session.add(branch)
        db.session.commit()
        assert branch.tenant_id == world.township.id
        assert branch.id is not None


def test_write_into_another_township_is_refused(world):
    with tenant_context(world.township.id):
        db.session.add(
            Branch(tenant_id=world.other.id, name="越界", kind="village", is_active=True)
        )
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()


def test_write_without_context_is_refused(world):
    db.session.add(
        Branch(tenant_id=world.township.id, name="无上下文", kind="village", is_active=True)
    )
    with pytest.raises(TenantContextMissing):
        db.session.flush()
    db.session.rollback()


def test_bulk_update_is_filtered_too(world):
    with tenant_context(world.township.id):
        db.session.execute(update(Branch).values(secretary_name="统一书记"))
        db.session.commit()
    with tenant_context(world.other.id):
        assert db.session.scalar(select(Branch.secretary_name)) is None


def test_read_only_context_refuses_writes(world):
    with tenant_context(world.township.id, read_only=True):
        branch = db.session.scalars(select(Branch)).one()
        branch.name = "改名"
        with pytest.raises(ReadOnlyTenantContext):
            db.session.flush()
    db.session.rollback()


def test_ids_are_unique_across_townships(world):
    ids = {world.branches[k].id for k in ("t", "o", "f")}
    assert len(ids) == 3


@pytest.mark.sqlite_only
def test_unscoped_escape_hatch_sees_all_on_sqlite(world):
    with UNSCOPED_ACROSS_TOWNSHIPS("test"):
        assert db.session.scalar(select(func.count()).select_from(Branch)) == 3
