"""The paper around a case, printed by Chromium to PDF on A4 (issue 25): the referral sheet
(交办单) of a case filled to its limits, the blank opinion form (社情民意收集表) and the receipt
with its QR code after the office gives a new tracking code — each exactly one A4 page, with no
navigation or buttons on the paper; on a phone the sheets do not scroll sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lianxin.casework.models import AssignmentStatus, Case, CaseAssignment
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import HandlingUnit
from lianxin.tenants import service as tenants
from lianxin.web.qr import qr_svg
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.printing import is_a4, page_count, printed
from tests.browser.test_onboarding import PHONE, log_in

pytestmark = pytest.mark.browser
SLUG = "chengguan"


def _fullest_referred_case(live_server: LiveServer) -> int:
    """A referred case of the demo, made as long as its fields allow: the sheet's worst case."""
    with live_server.app.app_context():
        township = tenants.township_by_slug(SLUG)
        assert township is not None
        with tenant_context(township.id):
            case = db.session.scalar(
                select(Case)
                .join(CaseAssignment, CaseAssignment.case_id == Case.id)
                .where(CaseAssignment.status == AssignmentStatus.ACTIVE)
                .order_by(Case.id)
                .limit(1)
            )
            assert case is not None
            case.title = "村道" * 100  # 200 characters, the most a title takes
            case.body = "东村到镇上的道路坑洼，雨天积水，群众出行困难。\n" * 200  # beyond 5,000
            case.proposed_handling = "建议交通办会同村委会尽快修复。" * 140
            case.raiser_name = "欧阳" * 25
            for unit in db.session.scalars(
                select(HandlingUnit).where(
                    HandlingUnit.id.in_(
                        select(CaseAssignment.unit_id).where(CaseAssignment.case_id == case.id)
                    )
                )
            ):
                unit.name = (unit.name + "（牵头负责基础设施和公共服务）")[:100]
            case_id = case.id
            db.session.commit()
        db.session.remove()
    return case_id


def test_the_referral_sheet_the_blank_form_and_the_receipt_each_print_on_one_a4_page(
    browser: Any, live_server: LiveServer
) -> None:
    base = live_server.url
    case_id = _fullest_referred_case(live_server)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, base, "cg.staff", live_server.demo_password)
    cases = f"{base}/t/{SLUG}/cases"

    # 交办单: from the case page, one page however long the case.
    page.goto(f"{cases}/{case_id}")
    expect(page.locator("#print-referral")).to_be_visible()
    pdf = printed(page, f"{cases}/{case_id}/referral-sheet")
    assert is_a4(pdf) and page_count(pdf) == 1
    expect(page.locator("#sheet-lead")).to_contain_text("牵头负责")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".paper-tools")).to_be_hidden()

    # 社情民意收集表: linked from the new-case form, one page.
    page.goto(f"{cases}/new")
    page.locator("#blank-form-link").click()
    expect(page.locator("#opinion-form h1")).to_have_text("社情民意收集表")
    pdf = printed(page, f"{cases}/blank-opinion-form")
    assert is_a4(pdf) and page_count(pdf) == 1

    # The receipt: a new code for the lost one, the case page offers the receipt (a new tab).
    page.emulate_media(media="screen")
    page.goto(f"{cases}/{case_id}")
    page.locator("#reissue-reason").fill("群众遗失回执，本人来站申请")
    page.get_by_role("button", name="补发查询码并打印回执").click()
    expect(page.locator("#case-receipt strong")).to_be_visible()
    code = page.locator("#case-receipt strong").inner_text().strip()
    with page.expect_popup() as opened:
        page.locator("#case-receipt").get_by_role("button", name="打印回执").click()
    receipt = opened.value
    receipt.wait_for_load_state()
    expect(receipt.locator("#receipt-code")).to_have_text(code)
    expect(receipt.locator("#receipt-qr svg")).to_be_visible()
    tracking = f"{base}/p/{SLUG}/cases/track#code={code}"
    drawn = receipt.locator("#receipt-qr svg path").get_attribute("d")
    expected = re.search(r' d="([^"]+)"', str(qr_svg(tracking)))
    assert expected is not None and drawn == expected.group(1)
    receipt.emulate_media(media="print")
    expect(receipt.locator(".receipt-tools")).to_be_hidden()
    expect(receipt.locator("#receipt-qr svg")).to_be_visible()
    pdf = receipt.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert is_a4(pdf) and page_count(pdf) == 1

    # On a phone the sheets read without scrolling sideways.
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="zh-CN", storage_state=context.storage_state()
    )
    phone.set_default_timeout(TIMEOUT_MS)
    small = phone.new_page()
    for path in (f"{case_id}/referral-sheet", "blank-opinion-form"):
        small.goto(f"{cases}/{path}")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
    phone.close()
    context.close()
