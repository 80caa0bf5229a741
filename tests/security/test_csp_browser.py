"""The content-security policy in Chromium: the pages that had inline scripts, styles and
handlers still work, and no page reports a violation.

Every page is opened with a listener for `securitypolicyviolation` (Playwright's init script
runs outside the page's policy). The print buttons print, the Swagger UI renders, the
attendance page's live count refreshes itself, and a script injected into stored text does
not run.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import load_first_party
from tests.browser.conftest import TIMEOUT_MS, browser, live_server  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
window.__ran = 0;
"""


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _ids(app: Any) -> dict[str, Any]:
    from lianxin.modules.annual_sessions.models import Session as AnnualSession
    from lianxin.modules.reception_days.models import ReceptionDay
    from lianxin.people.models import Representative
    from lianxin.tenants import service as tenants

    with app.app_context():
        township = tenants.township_by_slug("chengguan")
        with tenant_context(township.id):
            found = {
                "session": db.session.scalar(select(AnnualSession.id).limit(1)),
                "year": db.session.scalar(select(ReceptionDay.day).limit(1)).year,
                "rep": db.session.scalar(select(Representative.id).limit(1)),
            }
            # Stored text that would run if any page let it through unescaped.
            rep = db.session.get(Representative, (township.id, found["rep"]))
            rep.workplace = "<script>window.__ran=1</script><img src=x onerror=window.__ran=2>"
            db.session.commit()
        db.session.remove()
    return found


def test_pages_work_under_the_policy(live_server, browser):  # noqa: F811
    ids = _ids(live_server.app)
    base = live_server.url
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("用户名", exact=True).fill("cg.admin")
    page.get_by_label("密码", exact=True).fill(live_server.demo_password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/t/chengguan/"))

    t = f"{base}/t/chengguan"
    pages = [
        f"{t}/",
        f"{t}/people/",
        f"{t}/people/{ids['rep']}",
        f"{t}/people/structure",
        f"{t}/cases/",
        f"{t}/proposals/",
        f"{t}/reception_days/",
        f"{t}/evaluations/",
        f"{t}/workstations/",
        f"{base}/p/chengguan/",
        f"{base}/p/chengguan/cases/new",
        f"{t}/reception_days/{ids['year']}/report",
    ]
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__violations") == [], url
        assert page.evaluate("window.__ran") == 0, url

    # A print button (formerly an inline onclick) still prints.
    page.goto(f"{t}/people/{ids['rep']}/card")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
    page.goto(f"{t}/reception_days/{ids['year']}/report")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
    # The attendance page's live count (a nonce'd inline script) polls its JSON.
    with page.expect_response(re.compile(r"/attendance"), timeout=TIMEOUT_MS) as polled:
        page.goto(f"{t}/annual_sessions/{ids['session']}/attendance")
        page.wait_for_timeout(3500)
    assert polled.value.ok
    assert page.evaluate("window.__violations") == []
    # Swagger UI: the vendored bundle and its nonce'd start-up script.
    page.goto(f"{base}/api/docs")
    page.locator(".swagger-ui .info").wait_for()
    assert page.evaluate("window.__violations") == []
    context.close()
