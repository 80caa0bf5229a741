"""The duty roster for the station door (值班表，挂在工作室门外): a month's published shifts with
names and posts on one printable page; the public station page shows posts too."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.modules.workstations import service as ws
from lianxin.people import service as people
from lianxin.usecases import load_input
from tests.helpers import login

from .test_service import STATION, shift, station_input


@pytest.fixture
def door(world, office, reps, tctx, today):
    """Our station: 张秀英 (村党支部书记, phone published) and 李建国 (镇人大主席团委员, phone not
    published) attached; three October shifts published, one not, one in November."""
    for key, post, publish in (("a", "村党支部书记", True), ("b", "镇人大主席团委员", False)):
        people.update_representative(
            office,
            tctx,
            reps[key].id,
            load_input(
                people.RepresentativeInputSchema,
                {"post": post, "publish_contact": publish},
                partial=True,
            ),
        )
    station = ws.create_station(office, tctx, station_input())
    ws.set_representatives(office, tctx, station.id, [reps["a"].id, reps["b"].id])
    for rep, day, start, end in (
        (reps["a"], date(2025, 10, 9), "09:00", "11:30"),
        (reps["b"], date(2025, 10, 9), "14:00", "16:00"),
        (reps["b"], date(2025, 10, 22), "09:00", "11:30"),
        (reps["a"], date(2025, 11, 5), "09:00", "11:30"),
    ):
        ws.publish_shift(office, tctx, shift(office, tctx, station, rep, day, start, end).id)
    shift(office, tctx, station, reps["c"], date(2025, 10, 29))  # a draft: not on the door
    db.session.commit()
    return station


def test_the_door_roster_lists_the_months_published_shifts_with_names_and_posts(
    app, world, client, reps, door
):
    login(client, world.users["township_staff"])
    slug = world.township.slug
    r = client.get(f"/t/{slug}/workstations/{door.id}/door?month=2025-10")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "@page { size: A4" in page and "WenQuanYi Micro Hei" in page
    assert "2025年10月" in page and STATION["address"] in page and STATION["hours"] in page
    table = page.split('id="door-shifts"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 3  # the header and the three published October shifts
    assert "10月9日" in table and "10月22日" in table
    assert "10月29日" not in table and "11月5日" not in table  # a draft; another month
    assert "王芳" not in table
    assert "张秀英" in table and "村党支部书记" in table
    assert "李建国" in table and "镇人大主席团委员" in table
    assert 'id="unpublished-note"' in page and "1 个班次未公布" in page
    # A phone only where the representative agreed to publish it.
    people_list = page.split('id="door-people"', 1)[1].split("</ul>", 1)[0]
    assert people_list.count("13800138000") == 1
    # November: the other shift, no note.
    november = client.get(f"/t/{slug}/workstations/{door.id}/door?month=2025-11")
    text = november.get_data(as_text=True)
    assert "11月5日" in text and "10月9日" not in text and "unpublished-note" not in text


def test_the_door_roster_defaults_to_this_month(app, world, client, door):
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/workstations/{door.id}/door").get_data(
        as_text=True
    )
    assert "2025年9月" in page and "本月暂无已公布的值班安排" in page


@pytest.mark.parametrize("bad", ["2025-13", "10/2025", "1899-01", "2025-1x", "九月"])
def test_a_bad_month_is_a_chinese_error_not_a_500(app, world, client, door, bad):
    login(client, world.users["township_staff"])
    r = client.get(
        f"/t/{world.township.slug}/workstations/{door.id}/door", query_string={"month": bad}
    )
    assert r.status_code == 422
    assert "月份无效" in r.get_data(as_text=True)


def test_parse_month_bounds(today):
    assert ws.parse_month("2025-1") == date(2025, 1, 1)
    assert ws.parse_month(" 2100-12 ") == date(2100, 12, 1)
    assert ws.parse_month(None) == date(2025, 9, 1)
    for bad in ("2101-01", "1999-12", "2025-00", "2025-001"):
        with pytest.raises(ValidationFailed):
            ws.parse_month(bad)


def test_another_townships_station_is_404_and_the_page_needs_a_member(
    app, world, client, door, other_township
):
    login(client, world.users["other_admin"])
    assert client.get(f"/t/{other_township.slug}/workstations/{door.id}/door").status_code == 404
    client.post("/logout")
    r = client.get(f"/t/{world.township.slug}/workstations/{door.id}/door")
    assert r.status_code in (302, 401, 403)


def test_the_station_page_links_the_door_and_the_public_page_shows_posts(app, world, client, door):
    slug = world.township.slug
    public = client.get(f"/p/{slug}/workstations/{door.id}").get_data(as_text=True)
    reps_list = public.split('id="reps"', 1)[1].split("</ul>", 1)[0]
    assert "村党支部书记" in reps_list and "镇人大主席团委员" in reps_list
    roster = public.split('id="roster"', 1)[1].split("</table>", 1)[0]
    assert "职务" in roster and "村党支部书记" in roster and "镇人大主席团委员" in roster
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{slug}/workstations/{door.id}").get_data(as_text=True)
    assert f"/t/{slug}/workstations/{door.id}/door" in page


def test_a_representative_whose_term_ended_is_not_on_the_door(
    app, world, client, reps, door, office, tctx
):
    """李建国's qualification ends: his published October shifts leave the door (the poster
    already left out those no longer in office); 张秀英's stay."""
    people.end_qualification(office, tctx, reps["b"].id, reason="resigned", on=date(2025, 9, 30))
    db.session.commit()
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/workstations/{door.id}/door?month=2025-10")
    table = page.get_data(as_text=True).split('id="door-shifts"', 1)[1].split("</table>", 1)[0]
    assert "张秀英" in table and "李建国" not in table
