"""China time whatever the server's (issue 19): pages print Shanghai time, deadlines count from
the Shanghai date, with the process in Los Angeles and the clock near China's midnight.

A case registered at 07:30 on 3 March in China was registered at 23:30 on 2 March in UTC (and
15:30 on 2 March in Los Angeles); one registered at 23:07 China time is 15:07 UTC.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import g

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework import service as cases
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import login

CASE = {
    "channel": "phone",
    "title": "村道路灯不亮",
    "body": "东关村3组路灯坏了两个月。",
    "raiser_name": "王大爷",
    "raiser_phone": "13800000001",
}


@pytest.fixture
def desk(world):
    """The office, a unit with a user, and the simple/complex rule on (10 / 30 days)."""
    admin = actor(world.users["township_admin"])
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "casework",
        {"simple_complex": True},
    )
    with tenant_context(world.township.id):
        unit = people.create_unit(admin, world.township, people.UnitInput(name="镇城建办"))
        added = people.add_unit_user(
            admin, world.township, unit.id, username="u.roads", display_name="城建办答复人"
        )
        unit_user = db.session.get(User, added.membership.user_id)
        unit_id = unit.id
    return actor(world.users["township_staff"]), unit_id, actor_for(unit_user)


def _register(world, office, **extra):
    with tenant_context(world.township.id):
        return cases.register(office, world.township, cases.CaseInput(**{**CASE, **extra})).case.id


def _case(world, case_id) -> Case:
    db.session.expire_all()
    with tenant_context(world.township.id):
        return db.session.get(Case, (world.township.id, case_id))


@pytest.mark.parametrize("wall_clock", ["2026-03-03 00:30", "2026-03-03 07:30"])
def test_a_due_date_counts_from_the_shanghai_date_of_registration(
    app, world, desk, china_clock, wall_clock
):
    office, unit_id, _unit = desk
    china_clock(wall_clock)  # 2 March in UTC and in Los Angeles, 3 March in China
    case_id = _register(world, office)
    assert _case(world, case_id).due_on == date(2026, 5, 2)  # 60 days from 3 March
    china_clock("2026-03-04 10:00")
    with tenant_context(world.township.id):
        cases.receive(office, world.township, case_id)
        # Assessed as simple on referral: 10 days from the day it was registered, 3 March.
        cases.refer(
            office,
            world.township,
            case_id,
            cases.ReferInput(lead_unit_id=unit_id, complexity="simple"),
        )
    assert _case(world, case_id).due_on == date(2026, 3, 13)


def _page(app, user, url: str) -> str:
    client = app.test_client()
    g.pop("_login_user", None)
    login(client, user)
    g.pop("_login_user", None)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_case_pages_print_china_time(app, world, desk, china_clock):
    office, unit_id, unit = desk
    t = world.township
    china_clock("2026-03-02 23:07")  # 15:07 UTC
    late = _register(world, office, title="深夜登记的诉求")
    china_clock("2026-03-03 07:30")  # 23:30 UTC on 2 March
    early = _register(world, office, title="清早登记的诉求")
    with tenant_context(t.id):
        cases.receive(office, t, early)
        cases.refer(office, t, early, cases.ReferInput(lead_unit_id=unit_id))
        cases.unit_reply(unit, t, early, "已安排更换。")
        cases.receive(office, t, late)
        cases.escalate(office, t, late, reason="需县交通局协调")
    china_clock.thaw()
    staff = world.users["township_staff"]

    page = _page(app, staff, f"/t/{t.slug}/cases/{late}")
    assert "2026-03-02 23:07" in page and "15:07" not in page  # registered, and its history
    page = _page(app, staff, f"/t/{t.slug}/cases/{early}")
    assert "2026-03-03 07:30" in page and "23:30" not in page
    assert "（2026-03-03）" in page  # the unit's written reply
    listing = _page(app, staff, f"/t/{t.slug}/cases/")
    assert listing.count("2026-03-03") == 1 and listing.count("2026-03-02") == 1
    queue = _page(app, world.users["county_admin"], f"/c/{world.county.slug}/escalations/")
    # Sent up at 07:30 China time on 3 March (23:30 UTC on 2 March).
    assert "深夜登记的诉求" in queue and "2026-03-03" in queue and "2026-03-02" not in queue
