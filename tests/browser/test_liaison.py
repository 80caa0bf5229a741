"""On a phone, cg.rep records a contact with one of the party members they keep in touch with
and raises the issue as a case in the same step; the phone then resends the same form (a flaky
connection) and nothing is stored twice; the case is in casework, received by cg.rep."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison.models import Contact
from lianxin.tenants import service as tenants
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in

pytestmark = pytest.mark.browser

SUMMARY = "入户走访，老人反映村里到镇上的公交车班次太少。"
ISSUE = "增加村到镇的公交班次"


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.liaison.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


def _count(live_server: LiveServer, model: Any, *where: Any) -> int:
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        with tenant_context(township.id):
            n = db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        db.session.remove()
        return int(n)


def test_a_representative_records_a_contact_and_raises_a_case_on_a_phone(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    base = live_server.url
    contacts_before = _count(live_server, Contact)
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    phone.set_default_timeout(TIMEOUT_MS)
    page = phone.new_page()
    log_in(page, base, "cg.rep", live_server.demo_password)
    expect(page).not_to_have_url(re.compile(r"/login"))

    # 我的三联: this quarter's duty and the people cg.rep keeps in touch with.
    page.goto(f"{base}/t/chengguan/liaison/")
    expect(page.locator("#my-quarter h2")).to_contain_text("季度")
    people = page.locator("#my-links li")
    expect(people.first).to_be_visible()
    name = people.first.locator("strong").inner_text()
    shoot(page, str(screens / "liaison-home-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # One tap on 记录 opens the form with that person chosen and today's date filled in.
    people.first.get_by_role("link", name="记录").click()
    form = page.locator("#contact-form")
    expect(form.get_by_label("联系谁")).to_have_value(re.compile(r"\d+"))
    assert name in form.get_by_label("联系谁").locator("option:checked").inner_text()
    form.get_by_label("谈心谈话").check()
    form.get_by_label("联系情况（了解到什么、反映了什么）").fill(SUMMARY)
    form.locator("#raise-case summary").click()
    form.get_by_label("诉求标题").fill(ISSUE)
    form.get_by_label("类别").select_option("基础设施")
    shoot(page, str(screens / "liaison-form-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # What the phone sent, kept so that it can send it again below.
    action = form.get_attribute("action")
    sent = page.evaluate(
        "() => new URLSearchParams(new FormData(document.querySelector('#contact-form')))"
        ".toString()"
    )
    form.get_by_role("button", name="保存").click()

    expect(page.locator(".flash-success").first).to_contain_text("联系记录已保存")
    expect(page.locator(".flash-success").nth(1)).to_contain_text("查询码")
    expect(page.locator("#contact")).to_contain_text(SUMMARY)
    expect(page.locator("#cases")).to_contain_text(ISSUE)
    detail = page.url
    shoot(page, str(screens / "liaison-contact-phone.png"), full_page=True)

    # The connection drops and the phone sends the very same form again: one record only.
    status = page.evaluate(
        """async ([action, body]) => {
            const r = await fetch(action, {method: 'POST', body,
                headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
            return [r.status, r.url];
        }""",
        [action, sent],
    )
    assert status == [200, detail], status
    assert _count(live_server, Contact) == contacts_before + 1
    assert _count(live_server, Case, Case.title == ISSUE) == 1

    # The case is in casework, received by cg.rep (first asked, first responsible).
    page.locator("#cases").get_by_role("link", name=ISSUE).click()
    expect(page.locator("h1")).to_contain_text(ISSUE)
    page.goto(f"{base}/t/chengguan/liaison/")
    expect(page.locator("#recent")).to_contain_text(name)
    phone.close()
