""" "Today" for a representative is the Shanghai date, whatever the server's time zone (issue 19).

At 00:30 and 07:30 China time on 3 March it is still 2 March in UTC and in Los Angeles (where
the process runs here): a qualification may end on 3 March, not on 4 March.
"""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.people import service as people
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import login


def _rep(staff, township, name: str):
    return people.create_representative(
        staff,
        township,
        load_input(
            people.RepresentativeInputSchema,
            {
                "name": name,
                "gender": "女",
                "birth_date": "1975-03-01",
                "education": "大学本科",
                "category": "农民",
                "term": 13,
            },
        ),
    )


@pytest.mark.parametrize("wall_clock", ["2026-03-03 00:30", "2026-03-03 07:30"])
def test_a_qualification_ends_today_in_china_not_tomorrow(app, world, china_clock, wall_clock):
    china_clock(wall_clock)
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        today, tomorrow = _rep(admin, t, "张秀英"), _rep(admin, t, "李桂兰")
        ended = people.end_qualification(admin, t, today.id, reason="deceased", on=date(2026, 3, 3))
        assert ended.ended_on == date(2026, 3, 3)
        with pytest.raises(ValidationFailed) as refused:
            people.end_qualification(admin, t, tomorrow.id, reason="deceased", on=date(2026, 3, 4))
        assert "on" in refused.value.errors


@pytest.mark.parametrize("wall_clock", ["2026-03-03 00:30", "2026-03-03 07:30"])
def test_the_pages_date_today_in_china(app, world, client, china_clock, wall_clock):
    """The end-of-qualification form and the structure figures start from the Shanghai date,
    not the server's (Los Angeles here, still 2 March; nor the real date of the machine)."""
    china_clock(wall_clock)
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        rep = _rep(admin, t, "王淑珍")
    login(client, world.users["township_admin"])
    detail = client.get(f"/t/{t.slug}/people/{rep.id}").get_data(as_text=True)
    assert 'id="on" name="on" type="date" value="2026-03-03"' in detail
    structure = client.get(f"/t/{t.slug}/people/structure").get_data(as_text=True)
    assert 'name="on" type="date" value="2026-03-03"' in structure
