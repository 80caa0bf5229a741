"""Menus on a phone (issue 21): each township role of the demo signs in on a 390×844 screen and
follows every link of the header, the township's menu and each sub-menu it reaches. None answers
403 or 404; every tap target of the header, the menus and the user menu is at least 44×44 px;
no page scrolls sideways; no page shows an English word outside the allow-list; every web address
a page names (set-up links, QR targets, the links in it) is the served host and port, never the
127.0.0.1:5000 of a default; 退出 sits in the user menu, apart from the name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in
from tests.web.visible_text import EXAMPLES, english_words

pytestmark = pytest.mark.browser

ROLES = ("cg.admin", "cg.staff", "cg.committee", "cg.rep", "cg.leader", "cg.liaison", "cg.unit")
TAP = 44  # px: the smallest tap target
# The header's targets, the township's menu, the sub-menus (tabs) inside pages.
TARGETS = "header .tap, header .modnav a, main nav.subnav a"
LINKS = "header a[href], main nav.subnav a[href]"
ADDRESS = re.compile(r"https?://(?:127\.0\.0\.1|localhost)(?::\d+)?")
# What people typed or were given, not the page's words: logins, slugs, the demo's password.
DATA_WORDS = (*ROLES, *EXAMPLES, "hekou", "qingshan", "demo")


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    """The demo as `make run` serves it: the real first-party modules."""
    from lianxin.modules.registry import load_first_party

    return load_first_party()


def _small_targets(page: Any) -> list[str]:
    """The visible tap targets under 44×44 px, each as 'text w×h'."""
    found = page.eval_on_selector_all(
        TARGETS,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return [e.textContent.trim(), Math.round(r.width), Math.round(r.height)];
        })""",
    )
    return [f"{t} {w}×{h}" for t, w, h in found if w < TAP or h < TAP]


def _scroll_width(page: Any) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def _links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(LINKS, "els => els.map(e => e.getAttribute('href'))")
    return [h.split("#")[0] for h in hrefs if h and h.startswith("/")]


def test_every_menu_link_of_every_role_opens_on_a_phone(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    base = live_server.url
    problems: list[str] = []
    visited = 0
    for username in ROLES:
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            log_in(page, base, username, live_server.demo_password)
            page.wait_for_url(f"{base}/t/chengguan/")
            shoot(page, screens / f"menu-{username}.png")

            # The user menu holds 个人设置 and, apart at its foot, 退出登录.
            menu = page.locator("details.user-menu")
            assert "退出" not in menu.locator("summary").inner_text()
            menu.locator("summary").click()
            panel = menu.locator(".menu-panel")
            assert panel.get_by_role("button", name="退出登录").is_visible()
            for box_of, text in (
                (panel.get_by_role("link", name="个人设置"), "个人设置"),
                (panel.get_by_role("button", name="退出登录"), "退出登录"),
            ):
                box = box_of.bounding_box()
                assert box and box["width"] >= TAP and box["height"] >= TAP, (username, text)
            shoot(page, screens / f"menu-{username}-open.png")
            menu.locator("summary").click()

            queue, seen = _links(page, base), {"/t/chengguan/"}
            while queue:
                path = queue.pop(0)
                if path in seen:
                    continue
                seen.add(path)
                response = page.goto(base + path)
                visited += 1
                status = response.status if response is not None else 0
                if status in (403, 404) or status >= 500:
                    problems.append(f"{username}: {path} answers {status}")
                    continue
                width = _scroll_width(page)
                if width > PHONE["width"]:
                    problems.append(f"{username}: {path} scrolls sideways ({width}px)")
                small = _small_targets(page)
                if small:
                    problems.append(f"{username}: {path} small tap targets {small}")
                html = page.content()
                english = english_words(html, DATA_WORDS)
                if english:
                    problems.append(f"{username}: {path} English {english}")
                foreign = {a for a in ADDRESS.findall(html) if a != base}
                if foreign:
                    problems.append(f"{username}: {path} names another address {foreign}")
                queue.extend(h for h in _links(page, base) if h not in seen)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
    assert visited > len(ROLES) * 5
