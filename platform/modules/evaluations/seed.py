"""The demo's evaluations (`lianxin demo`)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import Township


def seed(township: Township, index: int = 0) -> None:
    """This season's evaluation of the committee members (December to mid-January), open, with
    the committee members as subjects: cg.rep can answer from their account."""
    from datetime import date

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.evaluations import service as evaluations
    from lianxin.modules.evaluations.models import Campaign

    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    assert staff is not None
    office = actor_for(staff)
    today = shanghai_today()
    start = date(today.year if today.month >= 6 else today.year - 1, 12, 1)
    with tenant_context(township.id):
        if db.session.scalar(select(Campaign.id).limit(1)) is not None:
            return
        campaign = evaluations.create_campaign(
            office,
            township,
            {
                "title": f"{start.year}年度党代表评议党委委员",
                "shape": "committee",
                "opens_on": min(start, today).isoformat(),
                "closes_on": date(start.year + 1, 1, 15).isoformat(),
            },
        )
        evaluations.add_default_subjects(office, township, campaign.id)
        evaluations.open_campaign(office, township, campaign.id)
