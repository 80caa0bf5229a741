"""A day's work on a 390×844 phone (issue 21, "Pages on a phone"), in Debian's Chromium:

- the lists of cases, proposals and people are cards: each card's state and due date are inside
  the viewport and nothing scrolls sideways; names never break in the middle;
- session check-in of three people in a row keeps the page where it was (no reload), the search
  filters the roll as you type, and two representatives of the same name are told apart;
- 换班 starts on the person on the shift: a stray tap changes nothing, a real change asks first,
  naming the old and the new person;
- a visit registered at a station (代为登记) must name the station, and then counts in the
  station's monthly report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.browser import phone
from tests.browser.conftest import LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import DESKTOP, PHONE
from tests.helpers import Clock

pytestmark = pytest.mark.browser

PLANNING_DAY = date(2026, 3, 2)
SESSION_DAY = date(2026, 3, 20)


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _inside(page: Any, box: dict[str, float] | None, what: str) -> None:
    assert box is not None, f"{what} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (what, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 0.5, (what, box)


def _cards_show(page: Any, table: str, parts: tuple[str, ...], n: int = 6) -> int:
    """The first `n` cards of `table`: each brought into view shows every one of `parts`
    (its state, its due date) inside the viewport. Returns how many cards were looked at."""
    rows = page.locator(f"{table} tbody tr:not(:has(.lx-empty))")
    count = min(rows.count(), n)
    assert count > 0, f"{table}: no rows to look at"
    assert page.locator(f"{table} thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    for i in range(count):
        row = rows.nth(i)
        row.scroll_into_view_if_needed()
        assert row.evaluate("e => getComputedStyle(e).display") == "flex"
        for part in parts:
            _inside(page, row.locator(part).bounding_box(), f"{table} row {i} {part}")
    return count


def _names_whole(page: Any, scope: str) -> None:
    """No name breaks across two lines (张秀 / 英)."""
    broken = page.evaluate(
        """scope => Array.from(document.querySelectorAll(scope + ' .nm'))
            .filter(e => e.getClientRects().length > 1).map(e => e.textContent)""",
        scope,
    )
    assert broken == [], f"names broken across lines: {broken}"


def test_lists_are_cards_with_state_and_due_date_on_a_phone(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    base = live_server.url
    page = phone.signed_in(browser, live_server, "cg.staff")

    page.goto(f"{base}/t/chengguan/cases/")
    looked = _cards_show(page, "#cases", (".lx-title", ".lx-state", ".lx-due"))
    phone.no_sideways_scroll(page)
    # The title comes first on a card, then the state and the due date.
    first = page.locator("#cases tbody tr").first
    title_y = first.locator(".lx-title").bounding_box()["y"]
    assert first.locator(".lx-state").bounding_box()["y"] > title_y
    overdue = page.locator("#cases tbody tr.is-overdue")
    if overdue.count():  # the word, not the colour alone
        expect(overdue.first.locator(".lx-due")).to_contain_text("逾期")
    shoot(page, str(screens / "cases-cards-phone.png"))
    page.goto(f"{base}/t/chengguan/cases/?overdue=1")
    if page.locator("#cases tbody tr:not(:has(.lx-empty))").count():
        _cards_show(page, "#cases", (".lx-state", ".lx-due"), n=3)
        expect(page.locator("#cases tbody tr").first.locator(".lx-due")).to_contain_text("逾期")
    assert looked >= 1

    page.goto(f"{base}/t/chengguan/proposals/")
    _cards_show(page, "#proposals", (".lx-title", ".lx-state", ".lx-due"))
    phone.no_sideways_scroll(page)
    _names_whole(page, "#proposals")
    shoot(page, str(screens / "proposals-cards-phone.png"))

    page.goto(f"{base}/t/chengguan/people/")
    _cards_show(page, "#roster", (".lx-title", ".lx-state"))
    phone.no_sideways_scroll(page)
    _names_whole(page, "#roster")
    shoot(page, str(screens / "people-cards-phone.png"))

    # On a desktop the same lists stay tables.
    desk = phone.signed_in(browser, live_server, "cg.staff", DESKTOP)
    desk.goto(f"{base}/t/chengguan/cases/")
    expect(desk.locator("#cases thead th").first).to_be_visible()
    assert desk.locator("#cases tbody tr").first.evaluate("e => getComputedStyle(e).display") == (
        "table-row"
    )


# --- session check-in -----------------------------------------------------------------------


def _session_on_the_day(live_server: LiveServer, clock: Clock) -> tuple[int, list[tuple[int, str]]]:
    """城关镇's annual session on a fixed agenda, the clock on its day; (session id, the roll)."""
    from lianxin.modules.annual_sessions import service
    from lianxin.modules.annual_sessions.inputs import ItemInput, SessionInput

    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        row = db.session.scalar(
            select(TownshipModule).where(
                TownshipModule.township_id == township.id,
                TownshipModule.module_key == "annual_sessions",
            )
        )
        assert row is not None and row.enabled
        users = {
            u.username: u
            for u in db.session.scalars(
                select(User).where(User.username.in_(["cg.staff", "cg.committee"]))
            )
        }
        office, committee = actor_for(users["cg.staff"]), actor_for(users["cg.committee"])
        with tenant_context(township.id):
            made = service.create_session(
                office,
                township,
                SessionInput(title="手机签到测试会议", held_on=SESSION_DAY, place="镇会议中心"),
            )
            item = service.propose_item(
                committee,
                township,
                made.id,
                ItemInput(title="关于签到的决定", kind="motion", proposer="committee"),
            )
            service.decide_item(committee, township, item.id, accept=True)
            service.fix_agenda(office, township, made.id)
            roll = [(r.id, r.name) for r in service.expected_reps(township, made)]
        db.session.remove()
    clock.today = SESSION_DAY
    return made.id, roll


def test_check_in_in_place_with_search(
    browser: Any, live_server: LiveServer, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(PLANNING_DAY)
    monkeypatch.setattr(deadlines, "shanghai_today", clock)
    session_id, roll = _session_on_the_day(live_server, clock)
    assert len(roll) >= 15, "the demo township has a roll to scroll"
    page = phone.signed_in(browser, live_server, "cg.staff")
    page.goto(f"{live_server.url}/t/chengguan/annual_sessions/{session_id}/attendance")
    phone.no_sideways_scroll(page)
    _names_whole(page, "#reps")
    page.evaluate("window.__sameLoad = true")

    # Three people in a row, halfway down the roll: the page stays where it is.
    three = roll[10:13]
    page.locator(f"#rep-{three[0][0]}").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")
    before = page.evaluate("window.scrollY")
    assert before > 300, "the roll is scrolled down"
    for rep_id, name in three:
        page.locator(f"#rep-{rep_id}").get_by_role("button", name=f"签到 {name}").tap()
        expect(page.locator(f"#rep-{rep_id} .status")).to_contain_text("已签到")
        expect(page.locator(f"#rep-{rep_id} .lx-checkin-done")).to_be_visible()
    expect(page.locator("#present")).to_have_text("3")
    assert page.evaluate("window.__sameLoad === true"), "the page was reloaded"
    after = page.evaluate("window.scrollY")
    assert abs(after - before) <= 2, f"the page jumped from {before} to {after}"
    shoot(page, str(screens / "check-in-phone.png"))

    # The search filters as you type: by name, and by the pinyin initials.
    target_id, target = roll[20]
    search = page.get_by_label("查找代表")
    search.fill(target)
    visible = page.locator("#reps tbody tr:visible")
    expect(visible.first).to_be_visible()
    names = visible.locator(".nm").all_inner_texts()
    assert names and all(n == target for n in names), names
    expect(page.locator(f"#rep-{target_id}")).to_be_visible()
    expect(page.locator("#roll-count")).to_contain_text(f"{len(names)} / {len(roll)}")
    initials = page.locator(f"#rep-{target_id}").get_attribute("data-search").split()[2]
    search.fill(initials)
    expect(page.locator(f"#rep-{target_id}")).to_be_visible()
    assert page.locator("#reps tbody tr:visible").count() < len(roll)
    search.fill("")
    expect(page.locator("#reps tbody tr:visible")).to_have_count(len(roll))
    assert page.evaluate("window.__sameLoad === true"), "searching reloaded the page"

    # Same-name representatives (the demo has them) are told apart on the roll.
    seen: dict[str, list[str]] = {}
    for rep_id, name in roll:
        seen.setdefault(name, []).append(page.locator(f"#rep-{rep_id} .lx-who").inner_text())
    twins = {name: labels for name, labels in seen.items() if len(labels) > 1}
    for name, labels in twins.items():
        assert len(set(labels)) == len(labels), (name, labels)
        assert all(labels), (name, labels)


# --- 换班 ---------------------------------------------------------------------------------------


def test_swap_starts_on_the_person_on_the_shift(browser: Any, live_server: LiveServer) -> None:
    page = phone.signed_in(browser, live_server, "cg.staff")
    page.goto(f"{live_server.url}/t/chengguan/workstations/")
    with page.expect_navigation():
        page.locator("#stations a").first.click()
    phone.no_sideways_scroll(page)
    rows = page.locator("#shifts tbody tr:has(details.swap)")
    assert rows.count() > 0, "the demo station has shifts"
    row = rows.last
    row_id = row.get_attribute("id")
    row.locator("details.swap summary").tap()
    form = row.locator("form.form-swap")
    current = form.get_attribute("data-current-value")
    old_name = form.get_attribute("data-current-name")
    checked = form.locator("input[name=representative_id]:checked")
    expect(checked).to_have_count(1)
    assert checked.get_attribute("value") == current
    phone.no_sideways_scroll(page)

    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.message)
        if len(dialogs) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    page.evaluate("window.__sameLoad = true")
    # A stray tap: nothing is sent, nothing asked, the page says nothing changed.
    form.get_by_role("button", name="确认换班").tap()
    expect(form.locator(".lx-unchanged")).to_be_visible()
    assert dialogs == [] and page.evaluate("window.__sameLoad === true")

    # Another person, found with the picker's search: asked first, naming old and new.
    other = form.locator(f"input[name=representative_id]:not([value='{current}'])").first
    new_name = other.get_attribute("data-name")
    form.locator(".lx-picker-search").fill(new_name)
    form.locator(f"label:has(input[value='{other.get_attribute('value')}'])").tap()
    form.get_by_role("button", name="确认换班").tap()
    assert len(dialogs) == 1 and old_name in dialogs[0] and new_name in dialogs[0], dialogs
    assert dialogs[0].index(old_name) < dialogs[0].index(new_name)
    assert page.evaluate("window.__sameLoad === true"), "dismissed, yet sent"
    form.get_by_role("button", name="确认换班").tap()
    expect(page.locator(".flash-success")).to_contain_text("已换班")
    expect(page.locator(f"#{row_id} .shift-rep")).to_contain_text(new_name)


# --- a visit at a station -------------------------------------------------------------------


def test_a_visit_at_a_station_names_it_and_counts_in_its_report(
    browser: Any, live_server: LiveServer
) -> None:
    base = live_server.url
    page = phone.signed_in(browser, live_server, "cg.staff")
    page.goto(f"{base}/t/chengguan/workstations/")
    station = page.locator("#stations a").first
    station_name = station.inner_text().strip()
    with page.expect_navigation():
        station.click()
    report = page.url.split("#")[0].rstrip("/") + "/report"
    page.goto(report)
    before = int(page.locator("#receptions").inner_text())

    page.goto(f"{base}/t/chengguan/cases/new")
    field = page.locator("#station-field")
    page.get_by_label("来源渠道").select_option(label="电话")
    expect(field).to_be_hidden()
    page.get_by_label("来源渠道").select_option(label="工作站常规接待")
    expect(field).to_be_visible()
    page.get_by_label("标题").fill("东关村路灯不亮（来访）")
    page.get_by_label("具体内容").fill("村口两盏路灯坏了两个月。")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#station-field .error")).to_contain_text("请选择接待群众的工作站")
    phone.no_sideways_scroll(page)
    page.get_by_label("接待的工作站").select_option(label=station_name)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("已登记")

    page.goto(report)
    assert int(page.locator("#receptions").inner_text()) == before + 1
