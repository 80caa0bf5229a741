"""The demo's commitments: a history through the use cases (written, approved, some returned
and revised, progress, closed kept or not), and a second run adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.commitments.models import Commitment, Progress


def test_the_seed_writes_a_history_once(world, people):
    from lianxin.modules.commitments.seed import seed

    world.township.created_at = datetime.now(UTC) - timedelta(days=800)
    db.session.commit()
    seed(world.township)
    with tenant_context(world.township.id):
        made = db.session.scalar(select(func.count(Commitment.id)))
        statuses = set(db.session.scalars(select(Commitment.status).distinct()))
        notes = db.session.scalar(select(func.count(Progress.id)))
        by_office = db.session.scalar(
            select(func.count(Commitment.id)).where(Commitment.by_office.is_(True))
        )
    assert made and made >= 10 and notes and by_office
    assert {"kept", "not_kept"} <= statuses
    seed(world.township)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count(Commitment.id))) == made
