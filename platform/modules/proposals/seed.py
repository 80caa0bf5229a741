"""The demo's proposals (`lianxin demo`)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import Township


def seed(township: Township, index: int = 0) -> None:
    """An open collection window; cg.rep's proposal (ten signers) assigned to cg.unit's unit, a
    draft waiting for co-signers, and a suggestion answered and published."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.proposals import service as proposals
    from lianxin.modules.proposals.models import Proposal, Signature, SignatureStatus
    from lianxin.people.models import HandlingUnit

    users = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(User.username.in_(["cg.staff", "cg.rep", "cg.unit"]))
        )
    }
    office, author, unit = (actor_for(users[k]) for k in ("cg.staff", "cg.rep", "cg.unit"))
    today = shanghai_today()
    with tenant_context(township.id):
        if db.session.scalar(select(Proposal.id).limit(1)) is not None:
            return
        proposals.add_window(
            office,
            township,
            {
                "title": f"{today.year}年度党代表提案征集",
                "opens_on": (today - timedelta(days=10)).isoformat(),
                "closes_on": (today + timedelta(days=20)).isoformat(),
            },
        )
        me = proposals.representative_of(author, township)
        others = [
            r
            for r in db.session.scalars(select(Representative).order_by(Representative.id))
            if r.in_office and me is not None and r.id != me.id
        ]
        first = proposals.create_draft(
            author,
            township,
            {
                "kind": "proposal",
                "title": "关于修建东关村便民桥的提案",
                "body": "东关河两岸群众出行要绕行三公里，建议在村部附近修建一座便民桥。",
                "category": "基础设施",
            },
        )
        # The nine co-signers sign from their own accounts in real use; the demo records it.
        for rep in others[:9]:
            db.session.add(
                Signature(
                    proposal_id=first.id,
                    representative_id=rep.id,
                    status=SignatureStatus.SIGNED,
                    responded_at=first.created_at,
                )
            )
        db.session.commit()
        proposals.submit(author, township, first.id)
        proposals.accept(office, township, first.id, complexity="complex")
        farm = db.session.scalar(select(HandlingUnit.id).where(HandlingUnit.name == "镇农业农村办"))
        proposals.assign(office, township, first.id, lead_unit_id=farm)
        draft = proposals.create_draft(
            author,
            township,
            {
                "kind": "proposal",
                "title": "关于增设农村公交站点的提案",
                "body": "北片三个村没有公交站点，老人看病出行困难。",
                "category": "民生保障",
            },
        )
        proposals.invite(author, township, draft.id, [r.id for r in others[:3]])
        suggestion = proposals.create_draft(
            author,
            township,
            {
                "kind": "suggestion",
                "title": "关于村卫生室延长开放时间的建议",
                "body": "农忙季节村民白天下地，建议卫生室晚上开放到八点。",
                "category": "教育医疗",
            },
        )
        proposals.submit(author, township, suggestion.id)
        proposals.accept(office, township, suggestion.id, complexity="simple")
        proposals.assign(office, township, suggestion.id, lead_unit_id=farm)
        proposals.contact_author(unit, township, suggestion.id, "电话联系了代表")
        proposals.answer(
            unit,
            township,
            suggestion.id,
            "已协调各村卫生室农忙期间开放到晚上八点，并公示值班电话。",
        )
        proposals.rate(author, township, suggestion.id, "satisfied")
        proposals.set_published(office, township, suggestion.id, True)
