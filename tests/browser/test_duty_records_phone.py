"""The duty record (履职档案) on a 390×844 phone, on the demo: the office's list of the year's
records and one representative's record (the representative's own, from 我的履职档案) show
without sideways scrolling."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import phone
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def test_duty_records_on_a_phone(browser: Any, live_server: LiveServer, screens: Path) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    base = live_server.url
    office = phone.signed_in(browser, live_server, "cg.staff")
    office.goto(f"{base}/t/chengguan/duty_records/")
    records = office.locator("#records li[id^='rep-']")
    expect(records.first).to_be_visible()
    phone.no_sideways_scroll(office)
    shoot(office, str(screens / "duty-records-list-phone.png"), full_page=True)
    records.first.locator("a.dr-name").click()
    expect(office).to_have_url(re.compile(r"/duty_records/\d+"))
    expect(office.locator("#total")).to_be_visible()
    phone.no_sideways_scroll(office)
    shoot(office, str(screens / "duty-record-office-phone.png"), full_page=True)
    office.context.close()

    rep = phone.signed_in(browser, live_server, "cg.rep")
    rep.goto(f"{base}/t/chengguan/duty_records/mine")
    expect(rep).to_have_url(re.compile(r"/duty_records/\d+"))
    expect(rep.locator("#total")).to_be_visible()
    expect(rep.locator("#formula-year")).to_be_visible()
    phone.no_sideways_scroll(rep)
    shoot(rep, str(screens / "duty-record-phone.png"), full_page=True)
    rep.goto(rep.url.split("?")[0] + "/term")
    expect(rep.locator("#total")).to_be_visible()
    phone.no_sideways_scroll(rep)
    rep.context.close()
