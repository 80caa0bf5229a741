"""The contact card's 工作站 line, filled by the workstations module through the registry's
card-line hook (people imports no module), and the business-card print: 8 cards of 90 × 54 mm to
an A4 page, ceil(n / 8) pages, for the whole township or one group."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from sqlalchemy import event, update
from sqlalchemy.engine import Engine

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.cards import card_lines
from lianxin.modules.workstations.inputs import ShiftInput, StationInput
from lianxin.people import service as people
from lianxin.people.inputs import GroupInput
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import login

from .test_cards import add_rep

TODAY = date(2025, 9, 26)


@pytest.fixture
def app_modules():
    from lianxin.modules.workstations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: TODAY)
    return TODAY


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


def _station(office, township, name: str, address: str, hours: str) -> int:
    with tenant_context(township.id):
        made = ws.create_station(
            office,
            township,
            StationInput(kind="township", name=name, address=address, hours=hours),
        )
        return made.id


@pytest.fixture
def setup(world, office, today):
    """张秀英 serves at 城关站; 李建国 is attached nowhere but on duty at 东关站 on 9 October
    (published); 王芳 has no station."""
    t = world.township
    user = world.users["township_admin"]
    ids = {
        "a": add_rep(t, user, "张秀英"),
        "b": add_rep(t, user, "李建国", birth_date="1970-05-02"),
        "c": add_rep(t, user, "王芳", birth_date="1980-01-03"),
    }
    main = _station(office, t, "城关站", "人民路8号", "每周三下午")
    east = _station(office, t, "东关站", "东关村委会", "")
    with tenant_context(t.id):
        ws.set_representatives(office, t, main, [ids["a"]])
        on_duty = ws.add_shift(
            office, t, east, ShiftInput(ids["b"], date(2025, 10, 9), "09:00", "11:30")
        )
        ws.publish_shift(office, t, on_duty.id)
        ws.add_shift(office, t, main, ShiftInput(ids["c"], date(2025, 10, 10), "09:00", "11:30"))
    db.session.commit()
    return ids


def _slot(page: str, rep_id: int) -> str:
    card = page.split(f'data-rep="{rep_id}"', 1)[1].split("</article>", 1)[0]
    return card.split('data-slot="workstation"', 1)[1].split("</div>", 1)[0]


def test_the_card_names_the_station_the_representative_serves_at(world, client, setup):
    login(client, world.users["township_staff"])
    slug = world.township.slug
    one = client.get(f"/t/{slug}/people/{setup['a']}/card").get_data(as_text=True)
    slot = _slot(one, setup["a"])
    assert "城关站" in slot and "人民路8号" in slot and "每周三下午" in slot
    assert "开通后显示" not in one
    every = client.get(f"/t/{slug}/people/cards").get_data(as_text=True)
    assert "城关站" in _slot(every, setup["a"])
    # On duty at a station (published, ahead) without being attached to it.
    assert "东关站" in _slot(every, setup["b"]) and "城关站" not in _slot(every, setup["b"])
    # An unpublished shift puts nobody on the card; no station: a dash.
    assert "城关站" not in _slot(every, setup["c"]) and "—" in _slot(every, setup["c"])


def test_a_switched_off_module_adds_nothing(world, client, setup):
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=False)
    )
    db.session.commit()
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/people/{setup['a']}/card").get_data(as_text=True)
    assert "城关站" not in _slot(page, setup["a"])


def test_card_lines_are_one_query_for_any_batch(world, setup, today):
    engine = Engine  # every engine: the tests' PostgreSQL session is bound to its own
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if "ws_" in statement:  # the module's own reads, not the tenancy's set-up
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with tenant_context(world.township.id):
            one = card_lines(world.township.id, [setup["a"]])
            n_one = len(seen)
            seen.clear()
            every = card_lines(world.township.id, list(setup.values()))
            n_every = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert n_one == n_every == 1
    assert [line.value for line in one[setup["a"]]] == ["城关站"]
    assert set(every) == {setup["a"], setup["b"]}
    assert card_lines(world.township.id, []) == {}


def test_another_townships_representative_gets_no_line(world, setup, other_township, today):
    with tenant_context(other_township.id):
        assert card_lines(other_township.id, list(setup.values())) == {}


def _sheets(page: str) -> list[int]:
    """The number of cards on each printed sheet."""
    return [s.count('class="bc"') for s in page.split('<section class="sheet"')[1:]]


@pytest.mark.parametrize("extra", [0, 5, 6, 14])
def test_the_print_holds_8_cards_a_page(world, client, setup, extra):
    t = world.township
    for n in range(extra):
        add_rep(t, world.users["township_admin"], f"代表{n:02d}", birth_date=f"1960-01-{n + 1:02d}")
    db.session.commit()
    total = 3 + extra
    login(client, world.users["township_staff"])
    r = client.get(f"/t/{t.slug}/people/cards/print")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    sheets = _sheets(page)
    assert len(sheets) == math.ceil(total / 8)
    assert sum(sheets) == total and all(n == 8 for n in sheets[:-1])
    assert "@page { size: A4" in page and "WenQuanYi Micro Hei" in page
    assert "90mm" in page and "54mm" in page
    assert "<svg" in page  # the QR code
    assert "城关站" in page


def test_the_print_of_one_group_and_its_filters(world, client, setup, office, other_township):
    t = world.township
    with tenant_context(t.id):
        group = people.create_group(office, t, GroupInput(name="城东小组"))
        people.assign_to_group(office, t, rep_id=setup["b"], group_id=group.id)
        people.update_representative(
            office,
            t,
            setup["b"],
            load_input(people.RepresentativeInputSchema, {"post": "城东社区主任"}, partial=True),
        )
        gid = group.id
    with tenant_context(other_township.id):
        foreign = people.create_group(
            actor(world.users["other_admin"]), other_township, GroupInput(name="外镇小组")
        ).id
    db.session.commit()
    login(client, world.users["township_staff"])
    base = f"/t/{t.slug}/people/cards"
    page = client.get(f"{base}/print", query_string={"group_id": gid}).get_data(as_text=True)
    assert _sheets(page) == [1]
    assert "李建国" in page and "城东社区主任" in page and "东关站" in page
    assert "张秀英" not in page
    # The screen's filter offers the group and links the print of the same set.
    screen = client.get(base, query_string={"group_id": gid}).get_data(as_text=True)
    assert "城东小组" in screen and f"/print?group_id={gid}" in screen
    assert client.get(f"{base}/print", query_string={"group_id": ""}).status_code == 200
    # Another township's group: 404; a bad value: a Chinese error, never a 500.
    assert client.get(f"{base}/print", query_string={"group_id": foreign}).status_code == 404
    for bad in ("abc", "0", "-3", "99999999999999999999999"):
        r = client.get(f"{base}/print", query_string={"group_id": bad})
        assert r.status_code == 422, bad
        assert "筛选条件无效" in r.get_data(as_text=True)
    r = client.get(base, query_string={"branch_id": "x"})
    assert r.status_code == 422


def test_the_phone_prints_for_the_office_only_as_privacy_allows(world, client, setup):
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/people/cards/print").get_data(as_text=True)
    assert "13800138000" in page  # the office prints the cards it hands out
    client.post("/logout")
    login(client, world.users["representative"])
    r = client.get(f"/t/{world.township.slug}/people/cards/print")
    if r.status_code == 200:  # a representative sees no one else's phone
        assert "13800138000" not in r.get_data(as_text=True)
    assert re.search(r"<title>[^<]*连心卡", r.get_data(as_text=True)) or r.status_code == 403
