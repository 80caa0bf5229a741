"""A representative's or clerk's phone in Debian's Chromium: a signed-in page at 390×844 in
Shanghai time, and the check every phone test makes, that nothing scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.test_onboarding import PHONE, log_in


def signed_in(
    browser: Any, live_server: LiveServer, username: str, size: dict[str, int] = PHONE
) -> Any:
    """A new page signed in as `username` (a demo login); a phone unless `size` says otherwise."""
    phone = size is PHONE
    context = browser.new_context(
        viewport=size, is_mobile=phone, has_touch=phone, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server.url, username, live_server.demo_password)
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width}px"
