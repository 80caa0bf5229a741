"""The prints of the station door, the reception-day poster and the contact cards, as Chromium
prints them to PDF from the demo county's 城关镇 (cg.staff): the door roster on one A4 page, the
poster (the office's preview) on exactly one A4 page, the business cards on ceil(n / 8) A4 pages
for the whole township and for one group; each page readable on a phone without sideways
scrolling, nor the public station page with its posts."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.kit import today
from lianxin.modules.reception_days.models import ReceptionDay
from lianxin.modules.workstations.models import Station
from lianxin.people.models import Representative, RepresentativeGroup, RepStatus
from lianxin.tenants import service as tenants
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.printing import is_a4, page_count, printed
from tests.browser.test_onboarding import PHONE, log_in, phone_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _demo_facts(live_server: LiveServer) -> dict[str, Any]:
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        with tenant_context(township.id):
            station = db.session.scalar(select(Station.id).order_by(Station.id))
            day = db.session.scalar(
                select(ReceptionDay.id)
                .where(ReceptionDay.day >= today())
                .order_by(ReceptionDay.day)
            )
            in_office = Representative.status == RepStatus.IN_OFFICE.value
            reps = db.session.scalar(
                select(func.count()).select_from(Representative).where(in_office)
            )
            group, members = db.session.execute(
                select(Representative.group_id, func.count())
                .where(in_office, Representative.group_id.is_not(None))
                .group_by(Representative.group_id)
                .order_by(func.count().desc(), Representative.group_id)
            ).first() or (None, 0)
            assert group is None or db.session.get(RepresentativeGroup, (township.id, group))
        db.session.remove()
    assert station is not None and day is not None and reps
    return {"station": station, "day": day, "reps": reps, "group": group, "members": members}


def test_door_roster_poster_and_cards_print_on_a4(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    facts = _demo_facts(live_server)
    base = f"{live_server.url}/t/chengguan"
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server.url, "cg.staff", live_server.demo_password)
    page.wait_for_url(f"{base}/**")

    door = f"{base}/workstations/{facts['station']}/door"
    pdf = printed(page, door)
    (screens / "door-roster.pdf").write_bytes(pdf)
    assert is_a4(pdf) and page_count(pdf) == 1
    assert page.locator("#door-shifts").is_visible()
    assert not page.locator(".tools").is_visible()  # no buttons on paper

    poster = f"{base}/reception_days/days/{facts['day']}/poster"
    pdf = printed(page, poster)
    (screens / "poster-preview.pdf").write_bytes(pdf)
    assert is_a4(pdf) and page_count(pdf) == 1
    assert "发布日期" in page.locator("#issued").inner_text()

    cards = f"{base}/people/cards/print"
    pdf = printed(page, cards)
    (screens / "cards.pdf").write_bytes(pdf)
    assert is_a4(pdf) and page_count(pdf) == math.ceil(facts["reps"] / 8)
    assert page.locator(".bc").count() == facts["reps"]
    box = page.locator(".bc").first.bounding_box()
    assert box is not None  # 90 × 54 mm at 96 px an inch: about 340 × 204 px
    assert abs(box["width"] - 90 / 25.4 * 96) < 2 and abs(box["height"] - 54 / 25.4 * 96) < 2

    if facts["group"] is not None:
        pdf = printed(page, f"{cards}?group_id={facts['group']}")
        assert is_a4(pdf) and page_count(pdf) == math.ceil(facts["members"] / 8)
        assert page.locator(".bc").count() == facts["members"]

    public_station = f"{live_server.url}/p/chengguan/workstations/{facts['station']}"
    for name, url in (
        ("door", door),
        ("poster", poster),
        ("cards", cards),
        ("public-station", public_station),  # the public roster with its 职务 column
    ):
        width = phone_screenshot(browser, context, url, screens / f"print-{name}-phone.png")
        assert width <= PHONE["width"], (name, width)
    context.close()
