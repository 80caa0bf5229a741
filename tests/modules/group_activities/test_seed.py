"""The demo's group activities: plans and activities through the use cases, and a second run
adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.group_activities.models import Activity, Attendance, PlanItem


def test_the_seed_writes_a_history_once(world, people):
    from lianxin.modules.group_activities.seed import seed

    world.township.created_at = datetime.now(UTC) - timedelta(days=800)
    db.session.commit()
    seed(world.township)
    with tenant_context(world.township.id):
        activities = db.session.scalar(select(func.count(Activity.id)))
        came = db.session.scalar(
            select(func.count(Attendance.id)).where(Attendance.attended.is_(True))
        )
        planned = db.session.scalar(select(func.count(PlanItem.id)))
    assert activities and activities >= 6 and came and planned
    seed(world.township)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count(Activity.id))) == activities
