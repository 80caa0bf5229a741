"""The demo's liaison links (`lianxin demo`)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import Township


def seed(township: Township, index: int = 0) -> None:
    """This year's liaison chain from the suggestion, a few contacts this quarter (one raised as
    a case), cg.rep's quarterly report and cg.committee's liaison meeting; one branch has
    confirmed its part."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.liaison import service as liaison
    from lianxin.modules.liaison.models import Link
    from lianxin.modules.liaison.quarters import Quarter
    from lianxin.people.models import PartyMember

    users = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(User.username.in_(["cg.staff", "cg.rep", "cg.committee"]))
        )
    }
    office, rep, committee = (
        actor_for(users["cg.staff"]),
        actor_for(users["cg.rep"]),
        actor_for(users["cg.committee"]),
    )
    today = shanghai_today()
    quarter = Quarter.of(today)
    day = max(quarter.starts_on, today - timedelta(days=3))
    with tenant_context(township.id):
        if db.session.scalar(select(Link.id).where(Link.year == today.year).limit(1)):
            return
        # cg.rep keeps two party members of their own branch whatever the suggestion's order.
        own = liaison.own_representative(rep, township)
        if own is not None:
            members = db.session.scalars(
                select(PartyMember)
                .where(PartyMember.is_active.is_(True))
                .order_by((PartyMember.branch_id == own.branch_id).desc(), PartyMember.id)
                .limit(2)
            )
            for member in members:
                liaison.add_link(
                    office,
                    township,
                    {
                        "year": today.year,
                        "level": "rep_member",
                        "upper_id": own.id,
                        "lower_id": member.id,
                    },
                )
        liaison.suggest(office, township, today.year)
        mine = [
            v
            for v in liaison.list_links(rep, township, today.year, mine=True)
            if v.link.level == "rep_member"
        ]
        for i, view in enumerate(mine[:2]):
            liaison.record_contact(
                rep,
                township,
                {
                    "link_id": view.link.id,
                    "contacted_on": day.isoformat(),
                    "method": "visit" if i == 0 else "phone",
                    "summary": "入户走访，了解家庭生产生活情况。"
                    if i == 0
                    else "电话联系，询问医保缴费情况。",
                    "client_key": f"demo-contact-{today.year}-{i}",
                    "case": {"title": "村东头路灯不亮", "category": "基础设施"} if i == 0 else None,
                },
            )
        for i, view in enumerate(liaison.list_links(committee, township, today.year, mine=True)):
            if i == 0:
                liaison.record_contact(
                    committee,
                    township,
                    {
                        "link_id": view.link.id,
                        "contacted_on": day.isoformat(),
                        "method": "talk",
                        "summary": "谈心谈话，听取代表对镇党委工作的意见。",
                        "client_key": f"demo-committee-{today.year}",
                    },
                )
        came = [v.lower.id for v in liaison.list_links(committee, township, today.year, mine=True)]
        liaison.record_meeting(
            committee,
            township,
            {
                "held_on": day.isoformat(),
                "place": "镇党委会议室",
                "summary": "季度联系代表座谈会：代表反映农村道路养护和养老服务问题。",
                "attendee_ids": came,
                "client_key": f"demo-meeting-{quarter.key}",
            },
        )
        if liaison.own_representative(rep, township) is not None:
            liaison.submit_report(
                rep,
                township,
                {
                    "year": quarter.year,
                    "quarter": quarter.number,
                    "text": "本季度走访联系党员两名，收集意见一条，已转为诉求办理。",
                },
            )
        # 东关村 (cg.liaison's branch) is left for its liaison to confirm.
        parts = [
            p
            for p in liaison.branch_parts(office, township, today.year)
            if p.links and p.branch.name != "东关村党支部"
        ]
        if parts:
            liaison.confirm_branch(office, township, today.year, parts[0].branch.id, "已核对")
