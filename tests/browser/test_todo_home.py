"""The to-do home on a phone (issue 21): on a 390×844 screen the office's and a unit's homes
list what waits for them, each line a tap target at least 44 px high; nothing scrolls sideways;
a tap opens the item; the inbox's titles are links to their objects."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from lianxin.app import create_app
from lianxin.db import db
from lianxin.db.migrate import upgrade
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in
from tests.conftest import base_config, create_test_module_tables
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

TAP = 44


@pytest.fixture
def todo_server(tmp_path: Path) -> Iterator[tuple[LiveServer, Any]]:
    """The app with every module, one township's day of work (tests/web/test_todo.py)."""
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES
    from tests.web.test_todo import make_day, world_with_modules

    database_url = f"sqlite:///{tmp_path / 'todo.db'}"
    upgrade(database_url)
    create_test_module_tables(database_url)
    app = create_app(
        {**base_config(tmp_path, database_url), "WTF_CSRF_ENABLED": True},
        modules=(*TEST_MODULES, *load_first_party()),
    )
    with app.app_context():
        world = world_with_modules()
        day = make_day(world)
        names = {
            "office": world.users["township_staff"].username,
            "unit": day.unit_user.username,
            "rep": day.rep_users[1].username,
            "slug": world.township.slug,
            "referred": day.referred,
        }
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="todo-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app, PASSWORD), names
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["lianxin.db"].engine.dispose()


def _phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _lines(page: Any) -> list[tuple[str, int, int]]:
    """Each to-do line: its key, width and height in px."""
    return page.eval_on_selector_all(
        "#todo a.todo-item",
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            return [e.dataset.key, Math.round(r.width), Math.round(r.height)];
        })""",
    )


def test_the_to_do_home_on_a_phone(browser: Any, todo_server: Any, screens: Path) -> None:
    server, names = todo_server
    base, home = server.url, f"{server.url}/t/{names['slug']}/"
    for who, expected in (
        # …and, with sittings on, the representatives who have not sat in this term yet.
        ("office", {"casework.registered", "proposals.to_review", "sittings.not_yet"}),
        ("unit", {"casework.unit"}),
        ("rep", {"proposals.invitations", "liaison.report"}),
    ):
        context = _phone(browser)
        page = context.new_page()
        try:
            log_in(page, base, names[who], server.demo_password)
            page.goto(home)
            shoot(page, screens / f"todo-home-{who}.png", full_page=True)
            lines = _lines(page)
            assert {key for key, _w, _h in lines} == expected
            assert all(h >= TAP and w >= TAP for _k, w, h in lines), lines
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
            # Every feature the role may open stays one tap away, below the list; only those
            # (a unit has no part in the representatives' stations).
            assert page.locator("#all-features").is_visible()
            stations = page.locator('#all-features [data-module="workstations"]').count()
            assert stations == (0 if who == "unit" else 1)
            if who == "unit":
                page.locator('#todo a[data-key="casework.unit"]').click()
                page.wait_for_url(f"{base}/t/{names['slug']}/cases/{names['referred']}")
                assert page.get_by_text("水渠堵塞").first.is_visible()
                # The notification of the referral: its title opens the case.
                page.goto(f"{base}/me/inbox")
                shoot(page, screens / "todo-inbox-unit.png")
                page.get_by_role("link", name="交办：水渠堵塞").click()
                page.wait_for_url(f"{base}/t/{names['slug']}/cases/{names['referred']}")
        finally:
            context.close()
