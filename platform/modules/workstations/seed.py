"""The demo's workstation (`lianxin demo`)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import Township


def seed(township: Township, index: int = 0) -> None:
    """One workstation with representatives, a published duty roster and a commitment."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.workstations import service as workstations
    from lianxin.modules.workstations.models import Station

    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    assert staff is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Station.id).limit(1)) is not None:
            return
        station = workstations.create_station(
            office,
            township,
            {
                "kind": "township",
                "name": "城关镇党代表工作站",
                "address": "城关镇人民路8号",
                "phone": "0513-88880001",
                "hours": "每周三下午、周六上午",
                "liaison_name": "李文静",
                "liaison_phone": "13800000099",
                "rules": "一套标识、一部电话、一本记录本、一张值班表、一套制度。",
            },
        )
        reps = list(db.session.scalars(select(Representative).order_by(Representative.id).limit(6)))
        workstations.set_representatives(office, township, station.id, [r.id for r in reps])
        first = shanghai_today() + timedelta(days=14)
        for i, rep in enumerate(reps[:4]):
            workstations.add_shift(
                office,
                township,
                station.id,
                {
                    "representative_id": rep.id,
                    "day": (first + timedelta(days=i * 7)).isoformat(),
                    "starts_at": "09:00",
                    "ends_at": "11:30",
                },
            )
        workstations.publish_roster(
            office,
            township,
            station.id,
            first.isoformat(),
            (first + timedelta(days=30)).isoformat(),
            # The roster may run into a year whose holidays are not published yet: the office
            # confirms the Monday-to-Friday estimate, as a clerk would on the page.
            confirm_estimated_calendar=True,
        )
        workstations.add_commitment(
            office,
            township,
            {
                "representative_id": reps[0].id,
                "text": "年内推动东关村3组路灯全部修复。",
                "deadline": (shanghai_today() + timedelta(days=60)).isoformat(),
            },
        )
