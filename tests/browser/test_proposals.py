"""The whole path from draft to published answer with ten representative accounts: cg.rep
drafts a proposal and invites nine colleagues, each signs from their own account, cg.rep
submits; the office accepts and assigns it to 镇农业农村办; the unit contacts the author and
answers; the author is satisfied; the office publishes, and anyone reads the answer on a
phone."""

from __future__ import annotations

import re
from datetime import timedelta
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
from lianxin.modules.proposals import service
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in, phone_screenshot

pytestmark = pytest.mark.browser

TITLE = "关于整治城关老街雨季积水的提案"
BODY = "老街地势低洼，每逢大雨积水没过脚踝，沿街商户和老人出行困难。建议改造排水管网。"
ANSWER = "已将老街排水管网改造列入今年城镇建设计划，汛期前完成主管道疏通。"


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.proposals.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


def _prepare(live_server: LiveServer) -> list[tuple[str, int]]:
    """Switch the module on for 城关镇 with a collection window open today, and give nine more
    demo representatives (in office, without an account) a login: (username, rep id) each."""
    signers = []
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        row = db.session.scalar(
            select(TownshipModule).where(
                TownshipModule.township_id == township.id,
                TownshipModule.module_key == "proposals",
            )
        )
        if row is None:
            row = TownshipModule(
                township_id=township.id, module_key="proposals", enabled=True, settings={}
            )
            db.session.add(row)
        row.enabled = True
        db.session.commit()
        users = {
            u.username: u
            for u in db.session.scalars(
                select(User).where(User.username.in_(["cg.admin", "cg.staff"]))
            )
        }
        admin, staff = actor_for(users["cg.admin"]), actor_for(users["cg.staff"])
        today = deadlines.shanghai_today()
        with tenant_context(township.id):
            service.add_window(
                staff,
                township,
                service.WindowInput(
                    title="提案征集（测试）",
                    opens_on=today - timedelta(days=1),
                    closes_on=today + timedelta(days=30),
                ),
            )
            reps = [
                r
                for r in db.session.scalars(select(Representative).order_by(Representative.id))
                if r.in_office and r.user_id is None
            ]
            chosen = reps[:9]
            assert len(chosen) == 9
            for i, rep in enumerate(chosen):
                linked, _token = people.link_account(admin, township, rep.id, username=f"cg.pr{i}")
                signers.append((f"cg.pr{i}", rep.id, linked.user_id))
        for _username, _name, user_id in signers:
            user = db.session.get(User, user_id)
            assert user is not None
            user.password_hash = hash_password(live_server.demo_password)
        db.session.commit()
        db.session.remove()
    return [(u, n) for u, n, _i in signers]


def _context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _as(browser: Any, base: str, username: str, password: str) -> Any:
    page = _context(browser).new_page()
    log_in(page, base, username, password)
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def test_the_whole_path_from_draft_to_published_answer_with_ten_representative_accounts(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    signers = _prepare(live_server)
    base, password = live_server.url, live_server.demo_password

    # cg.rep drafts the proposal and invites nine colleagues.
    author = _as(browser, base, "cg.rep", password)
    author.goto(f"{base}/t/chengguan/proposals/")
    author.get_by_role("link", name="新建", exact=True).click()
    form = author.locator("#form-new")
    form.get_by_label("类型").select_option("proposal")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("类别").select_option("基础设施")
    form.get_by_label("内容（案由、理由和具体建议）").fill(BODY)
    form.get_by_role("button", name="保存草稿").click()
    expect(author.locator("#title")).to_have_text(TITLE)
    expect(author.locator("#threshold")).to_contain_text("已联名 1 名")
    detail = author.url
    invite = author.locator("#form-invite")
    for _username, rep_id in signers:
        invite.locator(f'input[name=representative_ids][value="{rep_id}"]').check()
    invite.get_by_role("button", name="邀请联名").click()
    expect(author.get_by_text("已邀请 9 名代表联名")).to_be_visible()
    expect(author.locator("#signers tbody tr")).to_have_count(10)
    # Submitting now is refused: only the author has signed.
    author.get_by_role("button", name="提交", exact=True).click()
    expect(author.locator(".flash-error")).to_contain_text("现有 1 名")
    expect(author.locator("#state")).to_have_text("草稿（征集联名）")

    # Each of the nine signs from their own account.
    for username, rep_id in signers:
        page = _as(browser, base, username, password)
        page.goto(detail)
        expect(page.locator("#cosign")).to_contain_text("邀请您联名此提案")
        page.locator("#sign").click()
        expect(page.get_by_text("您已联名")).to_be_visible()
        expect(page.locator(f'#signers tr[data-rep="{rep_id}"]')).to_contain_text("已联名")
        page.context.close()

    author.goto(detail)
    expect(author.locator("#threshold")).to_contain_text("已联名 10 名")
    author.get_by_role("button", name="提交", exact=True).click()
    expect(author.locator("#state")).to_have_text("已提交，待审查")

    # The office accepts it and assigns it to 镇农业农村办.
    office = _as(browser, base, "cg.staff", password)
    office.goto(detail)
    office.locator("#a-complexity").select_option("simple")
    office.get_by_role("button", name="立案", exact=True).click()
    expect(office.locator("#state")).to_have_text("已立案，待交办")
    expect(office.locator("#number")).to_have_text(re.compile(r"^\d{4}-\d{3}$"))
    office.locator("#s-lead").select_option(label="镇农业农村办")
    office.get_by_role("button", name="交办", exact=True).click()
    expect(office.locator("#state")).to_have_text("办理中")

    # The unit contacts the author, then answers in writing.
    unit = _as(browser, base, "cg.unit", password)
    unit.goto(detail)
    unit.get_by_label("联系情况").fill("电话联系领衔代表，了解积水路段")
    unit.get_by_role("button", name="已联系领衔代表").click()
    expect(unit.locator("#contacted")).to_contain_text("电话联系领衔代表")
    unit.get_by_label("书面答复").fill(ANSWER)
    unit.get_by_role("button", name="提交答复").click()
    expect(unit.locator("#state")).to_have_text("已答复，待评价")

    # The author is satisfied.
    author.goto(detail)
    expect(author.locator("#answer")).to_have_text(ANSWER)
    author.locator("#rate").get_by_label("满意", exact=True).check()
    author.get_by_role("button", name="提交评价").click()
    expect(author.locator("#state")).to_have_text("已办结")
    expect(author.locator("#rating")).to_contain_text("满意")
    width = phone_screenshot(browser, author.context, detail, screens / "pr-detail-phone.png")
    assert width <= PHONE["width"], f"the proposal scrolls sideways on a phone: {width}px"

    # The office publishes it; anyone reads the answer on a phone.
    office.goto(detail)
    office.get_by_role("button", name="公开办理结果").click()
    expect(office.locator("#published")).to_be_visible()
    shoot(office, str(screens / "pr-detail-office.png"), full_page=True)

    phone = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{base}/p/chengguan/proposals/")
    card = phone.locator("#public-list section", has_text=TITLE)
    expect(card).to_contain_text(ANSWER)
    expect(card).to_contain_text("镇农业农村办")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the public list scrolls sideways on a phone: {width}px"
    shoot(phone, str(screens / "pr-public-phone.png"), full_page=True)
    card.get_by_role("link", name=TITLE).click()
    expect(phone.locator("#answer")).to_have_text(ANSWER)
    shoot(phone, str(screens / "pr-public-detail-phone.png"), full_page=True)
