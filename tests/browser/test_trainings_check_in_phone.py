"""The check-in QR code in Debian's Chromium on a 390×844 phone: the office's roll opens the
page of the code shown at the venue, which turns every 5 minutes (the page reloads itself, no
script); 城关镇's representative (cg.rep) opens the link, taps 确认签到 once and is on the roll,
and nothing scrolls sideways."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules import kit
from lianxin.modules.registry import load_first_party
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.browser import phone
from tests.browser.conftest import LiveServer
from tests.browser.screens import shoot
from tests.helpers import Clock

pytestmark = pytest.mark.browser

DAY = date(2026, 6, 18)


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _session(live_server: LiveServer) -> tuple[int, int]:
    """A one-day training on DAY for cg.rep; (session id, cg.rep's representative id)."""
    from lianxin.modules.trainings import service
    from lianxin.modules.trainings.inputs import SessionInput
    from lianxin.people.models import Representative

    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        db.session.execute(
            update(TownshipModule)
            .where(
                TownshipModule.township_id == township.id,
                TownshipModule.module_key == "trainings",
            )
            .values(enabled=True)
        )
        db.session.commit()
        users = {
            u.username: u
            for u in db.session.scalars(
                select(User).where(User.username.in_(["cg.staff", "cg.rep"]))
            )
        }
        with tenant_context(township.id):
            rep_id = db.session.scalar(
                select(Representative.id).where(Representative.user_id == users["cg.rep"].id)
            )
            assert rep_id is not None
            made = service.schedule_session(
                actor_for(users["cg.staff"]),
                township,
                SessionInput(
                    title="扫码签到测试培训",
                    kind="study",
                    starts_on=DAY,
                    place="镇党校",
                    audience="named",
                    representative_ids=[rep_id],
                ),
            )
            session_id = made.id
        db.session.remove()
    return session_id, rep_id


def test_the_days_code_on_a_phone(
    browser: Any, live_server: LiveServer, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(DAY - timedelta(days=7))
    monkeypatch.setattr(deadlines, "shanghai_today", clock)
    session_id, rep_id = _session(live_server)
    clock.today = DAY
    # 09:04:58 in Shanghai: two seconds before the code turns.
    instant = {"now": datetime(2026, 6, 18, 1, 4, 58, tzinfo=UTC)}
    monkeypatch.setattr(kit, "now", lambda: instant["now"])
    office = phone.signed_in(browser, live_server, "cg.staff")
    office.goto(f"{live_server.url}/t/chengguan/trainings/{session_id}/attendance")
    office.locator("#show-code").tap()
    expect(office.locator("#qr svg")).to_be_visible()
    phone.no_sideways_scroll(office)
    url = office.locator("#checkin-url").inner_text().strip()
    assert url.startswith(f"{live_server.url}/t/chengguan/trainings/{session_id}/checkin/")
    assert "/checkin/2026-06-18.0900." in url
    shoot(office, str(screens / "training-check-in-code.png"))
    # The window turns: the page shows the next code by itself.
    instant["now"] = datetime(2026, 6, 18, 1, 5, 1, tzinfo=UTC)
    expect(office.locator("#checkin-url")).to_contain_text("2026-06-18.0905.", timeout=10_000)

    rep = phone.signed_in(browser, live_server, "cg.rep")
    rep.goto(url)
    phone.no_sideways_scroll(rep)
    shoot(rep, str(screens / "training-scan.png"))
    rep.get_by_role("button", name="确认签到").tap()
    expect(rep.locator("#checked-in")).to_contain_text("您已签到")
    expect(rep.get_by_text("签到成功")).to_be_visible()
    phone.no_sideways_scroll(rep)
    shoot(rep, str(screens / "training-scan-done.png"))

    office.goto(f"{live_server.url}/t/chengguan/trainings/{session_id}/attendance")
    expect(office.locator(f"#rep-{rep_id}")).to_contain_text("已签到")
