"""On a 390×844 phone: a person raises an issue, taps 查看进展 and sees the case without
retyping the code, prints the receipt, and another phone scanning the receipt's QR code opens
the same case — the code never in a request's path, query or Referer; every link naming the
served host:port (no LIANXIN_PUBLIC_BASE_URL: the embedded default)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from lianxin.notify.models import OutboxMessage
from lianxin.web.qr import qr_svg
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE

pytestmark = pytest.mark.browser
SLUG = "chengguan"
TITLE = "村口路灯坏了一个月"


class Seen:
    """Every request a browser context makes: its URL and Referer (what logs would hold)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []

    def __call__(self, request: Any) -> None:
        self.requests.append((request.url, request.headers.get("referer", "")))

    def assert_clean_of(self, code: str) -> None:
        variants = {code, code.replace("-", ""), code.lower()}
        assert self.requests
        for url, referer in self.requests:
            parts = urlsplit(url)
            for text in (parts.path, parts.query, referer):
                assert not any(v in text for v in variants), (url, referer)


def _phone(browser: Any, seen: Seen) -> Any:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", timezone_id="UTC"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.on("request", seen)
    return context


def test_the_code_is_carried_to_the_case_and_printed_with_a_qr(
    browser: Any, live_server: LiveServer, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_server.app.config["PUBLIC_BASE_URL"] = ""  # the embedded default: links follow the host
    from lianxin.notify import service as notify_service

    # What the SMS channel is handed (the delivered row keeps no code: lianxin.notify.service).
    handed: list[dict[str, Any]] = []
    original = notify_service.deliver_notification

    def _seen(message: OutboxMessage) -> None:
        if message.payload.get("kind") == "tracking_code":
            handed.append(dict(message.payload))
        original(message)

    monkeypatch.setattr(notify_service, "deliver_notification", _seen)
    base = live_server.url
    assert not base.endswith(":5000")

    seen = Seen()
    person = _phone(browser, seen).new_page()
    person.goto(f"{base}/p/{SLUG}/cases/new")
    person.locator("#f-category").select_option("基础设施")
    person.locator("#f-title").fill(TITLE)
    person.locator("#f-body").fill("红旗村村口的路灯坏了一个月，晚上出行不安全。")
    person.locator("#f-name").fill("王大妈")
    person.locator("#f-phone").fill("13812345678")
    person.get_by_role("button", name="提交").click()
    code = person.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code), code
    expect(person.locator("#code-texted")).to_contain_text("138****5678")
    shoot(person, str(screens / "tracking-code-done-phone.png"), full_page=True)

    # 查看进展: the case, without typing anything.
    person.get_by_role("button", name="查看进展").click()
    expect(person.locator("#case h1")).to_have_text(TITLE)
    expect(person.locator("#case-state")).to_have_text("已登记")

    # The receipt, with a QR code of the tracking page carrying the code in its fragment.
    with person.expect_response(lambda r: r.url.endswith("/cases/receipt")) as answered:
        person.get_by_role("button", name="打印回执").click()
    body = answered.value.text()
    scanned = f"{base}/p/{SLUG}/cases/track#code={code}"
    assert str(qr_svg(scanned)) in body
    expect(person.locator("#receipt-code")).to_have_text(code)
    expect(person.locator("#receipt-title")).to_have_text(TITLE)
    expect(person.locator(".receipt-url")).to_have_text(f"{base}/p/{SLUG}/cases/track")
    width = person.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing overflows sideways
    shoot(person, str(screens / "tracking-receipt-phone.png"), full_page=True)
    person.emulate_media(media="print")
    expect(person.locator(".topbar")).to_be_hidden()
    expect(person.locator(".receipt-tools")).to_be_hidden()
    expect(person.locator("#receipt-qr svg")).to_be_visible()
    shoot(person, str(screens / "tracking-receipt-print.png"), full_page=True)

    # Another phone scans the QR code: the case opens, and the address bar loses the code.
    seen_scan = Seen()
    scanner = _phone(browser, seen_scan).new_page()
    scanner.goto(scanned)
    expect(scanner.locator("#case h1")).to_have_text(TITLE)
    assert "code" not in scanner.url and code not in scanner.url
    assert scanner.evaluate("window.location.hash") == ""

    seen.assert_clean_of(code)
    seen_scan.assert_clean_of(code)

    # The SMS's link, queued while serving this host, names it too.
    texts = [p for p in handed if p["phones"][0]["phone"] == "13812345678"]
    assert [t["link"] for t in texts] == [scanned]
