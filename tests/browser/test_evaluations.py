"""Open a campaign, five representatives answer, the office sees only counts until the close,
the committee decides grades of everyone but the member himself.

城关镇's office (cg.staff) creates a committee evaluation in the browser, adds the committee
members as subjects and opens it; five representatives (cg.rep and four more) answer on their
phones while the office sees only how many have answered; cg.staff closes the campaign and the
results show (five answers, K = 5); cg.committee decides the proposed grades of the others, is
shown no result and no grading form of his own, and his feedback waits for publication."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.auth.passwords import hash_password
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in
from tests.helpers import Clock

pytestmark = pytest.mark.browser

TODAY = date(2025, 12, 15)
TITLE = "城关镇代表评议两委委员（浏览器测试）"
RATERS = ("cg.rep", "cg.ev0", "cg.ev1", "cg.ev2", "cg.ev3")


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.evaluations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


def _prepare(live_server: LiveServer) -> None:
    """The module on in 城关镇; four more representatives in office with accounts and the demo
    password."""
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        row = db.session.scalar(
            select(TownshipModule).where(
                TownshipModule.township_id == township.id,
                TownshipModule.module_key == "evaluations",
            )
        )
        if row is None:
            row = TownshipModule(
                township_id=township.id, module_key="evaluations", enabled=True, settings={}
            )
            db.session.add(row)
        row.enabled = True
        db.session.commit()
        admin = db.session.scalar(select(User).where(User.username == "cg.admin"))
        assert admin is not None
        with tenant_context(township.id):
            free = [
                r
                for r in db.session.scalars(
                    select(Representative).order_by(Representative.name_pinyin)
                )
                if r.in_office and r.user_id is None
            ][:4]
            assert len(free) == 4
            for n, rep in enumerate(free):
                linked, _token = people.link_account(
                    actor_for(admin), township, rep.id, username=f"cg.ev{n}"
                )
                user = db.session.get(User, linked.user_id)
                assert user is not None
                user.password_hash = hash_password(live_server.demo_password)
            db.session.commit()
        db.session.remove()


def _as(browser: Any, base: str, username: str, password: str, **options: Any) -> Any:
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, base, username, password)
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def test_five_answers_show_results_the_committee_grades_and_a_subject_reads_feedback(
    browser: Any, live_server: LiveServer, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deadlines, "shanghai_today", Clock(TODAY))
    _prepare(live_server)
    base, password = live_server.url, live_server.demo_password
    home = f"{base}/t/chengguan/evaluations"

    # cg.staff creates the campaign (the season's dates are filled in), adds the committee
    # members and opens it: every representative's one-time link is shown once.
    staff = _as(browser, base, "cg.staff", password)
    staff.goto(f"{home}/")
    expect(staff.get_by_label("开始日期")).to_have_value("2025-12-01")
    expect(staff.get_by_label("结束日期")).to_have_value("2026-01-15")
    staff.get_by_label("活动名称").fill(TITLE)
    staff.get_by_label("评议类型").select_option(label="代表评议两委委员")
    staff.get_by_role("button", name="创建评议活动").click()
    expect(staff.locator("#title")).to_have_text(TITLE)
    campaign_url = staff.url.split("#")[0]
    staff.get_by_role("button", name="添加全体两委委员").click()
    expect(staff.locator("#subjects")).to_contain_text("王建国")
    subjects = staff.locator("#subjects .ev-item").count()
    assert subjects >= 1
    staff.get_by_role("button", name="开始评议并生成链接").click()
    expect(staff.locator("#state")).to_have_text("评议进行中")
    expect(staff.locator("#link-table")).to_contain_text("/p/chengguan/evaluations/answer/")
    shoot(staff, str(screens / "ev-links.png"), full_page=True)
    staff.goto(campaign_url)
    expect(staff.locator("#link-table")).to_have_count(0)  # shown once

    def answer(n: int, username: str) -> None:
        phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
        page = _as(browser, base, username, password, **phone)
        page.goto(f"{home}/")
        page.locator("#mine").get_by_role("link", name="去评议").first.click()
        if TITLE not in page.locator("#title").inner_text():
            page.goto(f"{campaign_url}/answer")
        expect(page.locator("#title")).to_have_text(TITLE)
        scores = page.locator("select.score")
        for i in range(scores.count()):
            scores.nth(i).select_option("9")
        for radio in page.get_by_label("优秀", exact=True).all():
            radio.check()
        page.locator("textarea").first.fill(f"第{n}位代表的意见")
        if n == 0:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the answer form scrolls sideways: {width}px"
            shoot(page, str(screens / "ev-answer-phone.png"), full_page=True)
        page.get_by_role("button", name="提交评议").click()
        expect(page.locator("#thanks")).to_contain_text("提交成功")
        page.context.close()

    # While the campaign runs the office sees how many answered, never results (two readings
    # around one more answer would tell that answer) and never who.
    for n, username in enumerate(RATERS[:4]):
        answer(n, username)
    staff.goto(campaign_url)
    expect(staff.locator("#answered-count")).to_have_text("4")
    expect(staff.locator("#results-link")).to_have_count(0)
    answer(4, RATERS[4])
    staff.reload()
    expect(staff.locator("#answered-count")).to_have_text("5")
    staff.get_by_role("button", name="结束评议").click()
    expect(staff.locator("#state")).to_have_text("已结束")
    staff.goto(f"{campaign_url}/results")
    expect(staff.locator(".hidden-notice")).to_have_count(0)
    expect(staff.locator(".weighted").first).to_have_text("9.0")
    expect(staff.locator(".count").first).to_have_text("5")
    expect(staff.locator(".proposed").first).to_contain_text("优秀")
    # The responsible leader's opinion is recorded before the committee decides (issue 24).
    for _n in range(subjects):
        form = staff.locator("details.opinion[open] form.form-opinion").first
        form.get_by_label("分管领导").fill("张书记")
        form.get_by_label("意见").fill("同意办公室建议等次")
        form.get_by_role("button", name="保存意见").click()
        expect(staff.locator(".flash-success")).to_have_count(1)
        staff.goto(f"{campaign_url}/results")
    expect(staff.locator("details.opinion[open]")).to_have_count(0)
    expect(staff.locator(".leader-opinion")).to_have_count(subjects)

    # cg.committee decides the office's proposed grade of every other subject; his own result
    # is withheld from him, with no form to grade himself.
    committee = _as(browser, base, "cg.committee", password)
    committee.goto(f"{campaign_url}/results")
    expect(committee.locator(".withheld-notice")).to_have_count(1)
    for _n in range(subjects - 1):
        committee.locator("details.grade[open] form.form-grade").first.get_by_role(
            "button", name="确定等次"
        ).click()
        expect(committee.locator(".flash-success")).to_contain_text("等次已确定")
        committee.goto(f"{campaign_url}/results")
    expect(committee.locator(".decided")).to_have_count(subjects - 1)
    expect(committee.locator("details.grade[open]")).to_have_count(0)
    shoot(committee, str(screens / "ev-results.png"), full_page=True)
    committee.goto(f"{home}/feedback")
    expect(committee.locator("h1")).to_have_text("我的评议反馈")
    # This campaign's result waits for publication (the demo's earlier ones are published).
    expect(committee.locator("main")).not_to_contain_text(TITLE)
    shoot(committee, str(screens / "ev-feedback.png"), full_page=True)
