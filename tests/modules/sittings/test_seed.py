"""The demo's sitting in: a history of meetings through the use cases, and a second run adds
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.sittings.models import Invitation, Meeting


def test_the_seed_writes_a_history_once(world, people):
    from lianxin.modules.sittings.seed import seed

    world.township.created_at = datetime.now(UTC) - timedelta(days=800)
    db.session.commit()
    seed(world.township)
    with tenant_context(world.township.id):
        meetings = db.session.scalar(select(func.count(Meeting.id)))
        attended = db.session.scalar(
            select(func.count(Invitation.id)).where(Invitation.attended.is_(True))
        )
    assert meetings and meetings >= 6 and attended
    seed(world.township)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count(Meeting.id))) == meetings
