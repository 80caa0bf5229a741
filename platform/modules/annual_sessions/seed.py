"""The demo's annual session (`lianxin demo`)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import Township


def seed(township: Township, index: int = 0) -> None:
    """Next month's annual session, in planning: the committee's reports on the agenda and an
    item the representatives are still gathering names for."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.annual_sessions import service as sessions
    from lianxin.modules.annual_sessions.models import Session

    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    committee = db.session.scalar(select(User).where(User.username == "cg.committee"))
    rep = db.session.scalar(select(User).where(User.username == "cg.rep"))
    assert staff is not None and committee is not None and rep is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Session.id).limit(1)) is not None:
            return
        session = sessions.create_session(
            office,
            township,
            {
                "title": "城关镇第十三届党代表大会第二次会议",
                "held_on": (shanghai_today() + timedelta(days=30)).isoformat(),
                "place": "城关镇人民政府三楼会议室",
            },
        )
        for title, kind in (
            ("审议镇党委工作报告", "report"),
            ("审议镇纪委工作报告", "report"),
            ("选举出席县党代会代表", "election"),
        ):
            item = sessions.propose_item(
                actor_for(committee),
                township,
                session.id,
                {"title": title, "kind": kind, "proposer": "committee"},
            )
            sessions.decide_item(actor_for(committee), township, item.id, accept=True)
        sessions.propose_item(
            actor_for(rep),
            township,
            session.id,
            {
                "title": "关于加快老街排水改造的议题",
                "description": "请代表联名：满 10 名代表联名即列入议程。",
                "kind": "motion",
                "proposer": "representatives",
            },
        )
