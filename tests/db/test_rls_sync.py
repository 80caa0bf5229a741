"""The RLS setting follows the township context even inside one open transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import Branch


def test_a_flush_after_the_context_changes_mid_transaction(app, world):
    # The transaction begins with no township (as a request that loads its user first) …
    db.session.scalars(select(User)).all()
    with tenant_context(world.township.id):
        # … and the first statement in the township is a flush, not a query.
        db.session.add(Branch(name="首个写入", kind="village", is_active=True))
        db.session.commit()
    with tenant_context(world.township.id):
        assert "首个写入" in db.session.scalars(select(Branch.name)).all()


@pytest.mark.postgres
def test_switching_townships_in_one_transaction_switches_rls(app, world):
    from sqlalchemy import text

    with tenant_context(world.township.id):
        assert db.session.execute(text("SELECT name FROM branches")).scalars().all() == [
            "甲镇专属支部"
        ]
    with tenant_context(world.other.id):
        assert db.session.execute(text("SELECT name FROM branches")).scalars().all() == [
            "乙镇专属支部"
        ]
