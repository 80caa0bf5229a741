"""The demo's reception days (`lianxin demo`)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township


def seed(township: Township, index: int = 0) -> None:
    """Two reception sites; this year's schedule published with full teams (the demo
    representative among them), next year's generated as a draft from the same teams."""
    from lianxin.casework.deadlines import shanghai_today
    from lianxin.errors import ValidationFailed
    from lianxin.modules.reception_days import service as reception
    from lianxin.modules.reception_days.models import Site

    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    cg_rep = db.session.scalar(select(User).where(User.username == "cg.rep"))
    assert staff is not None and cg_rep is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Site.id).limit(1)) is not None:
            return
        branch = db.session.scalar(select(Branch).order_by(Branch.id))
        room = reception.create_site(
            office,
            township,
            {"kind": "township_room", "name": "城关镇党代表接待室", "address": "城关镇人民路8号"},
        )
        centre = reception.create_site(
            office,
            township,
            {
                "kind": "branch_centre",
                "name": f"{branch.name}党群服务中心" if branch else "社区党群服务中心",
                "address": "东关村村委会",
                "branch_id": branch.id if branch else None,
            },
        )
        reps = [
            r
            for r in db.session.scalars(select(Representative).order_by(Representative.id))
            if r.in_office
        ]
        cadres = [r for r in reps if r.is_grassroots_cadre]
        others = [r for r in reps if not r.is_grassroots_cadre]
        mine = next((r for r in reps if r.user_id == cg_rep.id), None)
        teams = {
            room.id: [cadres[0].id, others[0].id],
            centre.id: [cadres[1].id, (mine or others[1]).id],
        }
        if mine is not None and mine.id in teams[room.id]:
            teams[centre.id] = [cadres[1].id, others[1].id]
        year = shanghai_today().year
        try:
            view = reception.generate(office, township, year, [room.id, centre.id])
        except ValidationFailed:  # no reception day left this year: start with next year
            year += 1
            view = reception.generate(office, township, year, [room.id, centre.id])
        first = view.days[0].day.id
        for site_id, team in teams.items():
            reception.set_team(office, township, first, site_id, team, apply_to_rest=True)
        # Published the day the township is set up: a reception day inside the notice period
        # is flagged "临时调整" on the public notice, with this reason.
        reception.publish(
            office,
            township,
            year,
            confirm_estimated_calendar=True,
            short_notice_reason="演示数据：开通当日发布日程",
        )
        if year == shanghai_today().year:
            reception.generate(office, township, year + 1, [room.id, centre.id])
