"""Check-in to quorum, one show-of-hands vote and one secret election, results shown.

城关镇's annual session has two committee items on a fixed agenda (a motion and a 差额
election). On the day cg.staff watches the live count on the attendance page rise to the
quorum (most representatives checked in through the service, the last two by button), opens
the session, records a show of hands and starts a secret online election of two among three;
three representatives vote on their phones, the rest through the service; cg.staff closes the
vote and the elected names show."""

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
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import BallotInput, ItemInput, SessionInput
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in
from tests.helpers import Clock

pytestmark = pytest.mark.browser

PLANNING_DAY = date(2026, 3, 2)
SESSION_DAY = date(2026, 3, 20)
TITLE = "城关镇党代表年会（浏览器测试）"
MOTION = "关于老街排水管网改造的决定"
ELECTION = "选举出席县党代会代表"
CANDIDATES = ("王建国", "李秀英", "张卫东")
VOTERS = ("cg.rep", "cg.as0", "cg.as1")  # vote in the browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.annual_sessions.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


class World:
    township: Any
    session_id: int
    motion_id: int
    election_id: int
    office: Any
    reps: list[tuple[int, str, int]]  # 应到: (rep id, name, user id), the browser voters first


def _prepare(live_server: LiveServer, clock: Clock) -> World:
    """The module on; a session with a fixed agenda; every representative of the session with
    an account (two more with the demo password to vote in the browser)."""
    world = World()
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        row = db.session.scalar(
            select(TownshipModule).where(
                TownshipModule.township_id == township.id,
                TownshipModule.module_key == "annual_sessions",
            )
        )
        if row is None:
            row = TownshipModule(
                township_id=township.id, module_key="annual_sessions", enabled=True, settings={}
            )
            db.session.add(row)
        row.enabled = True
        db.session.commit()
        users = {
            u.username: u
            for u in db.session.scalars(
                select(User).where(User.username.in_(["cg.admin", "cg.staff", "cg.committee"]))
            )
        }
        admin, office = actor_for(users["cg.admin"]), actor_for(users["cg.staff"])
        committee = actor_for(users["cg.committee"])
        with tenant_context(township.id):
            made = service.create_session(
                office, township, SessionInput(title=TITLE, held_on=SESSION_DAY, place="镇会议中心")
            )
            ids = []
            for title, kind in ((MOTION, "motion"), (ELECTION, "election")):
                item = service.propose_item(
                    committee,
                    township,
                    made.id,
                    ItemInput(title=title, kind=kind, proposer="committee"),
                )
                service.decide_item(committee, township, item.id, accept=True)
                ids.append(item.id)
            service.fix_agenda(office, township, made.id)
            expected = service.expected_reps(township, made)
            voters = []
            n = 0
            for rep in expected:
                if rep.user_id is None:
                    people.link_account(admin, township, rep.id, username=f"cg.as{n}")
                    n += 1
            usernames = {
                u.id: u.username
                for u in db.session.scalars(
                    select(User).where(User.id.in_([r.user_id for r in expected]))
                )
            }
            for rep in expected:
                if usernames[rep.user_id] in ("cg.as0", "cg.as1"):
                    user = db.session.get(User, rep.user_id)
                    user.password_hash = hash_password(live_server.demo_password)
            db.session.commit()
            rows = [(r.id, r.name, r.user_id) for r in expected]
            voters = [r for r in rows if usernames[r[2]] in VOTERS]
            assert len(voters) == 3
            world.reps = voters + [r for r in rows if r not in voters]
        world.township = township
        world.session_id, (world.motion_id, world.election_id) = made.id, ids
        world.office = office
        db.session.remove()
    clock.today = SESSION_DAY
    return world


def _context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _as(browser: Any, base: str, username: str, password: str, **options: Any) -> Any:
    page = _context(browser, **options).new_page()
    log_in(page, base, username, password)
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def _in_app(live_server: LiveServer, world: World, fn: Any) -> Any:
    with live_server.app.app_context():
        with tenant_context(world.township.id):
            township = tenants.township_by_slug("chengguan")
            out = fn(township)
        db.session.remove()
    return out


def test_check_in_to_quorum_a_show_of_hands_and_a_secret_election(
    browser: Any, live_server: LiveServer, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(PLANNING_DAY)
    monkeypatch.setattr(deadlines, "shanghai_today", clock)
    world = _prepare(live_server, clock)
    base, password = live_server.url, live_server.demo_password
    url = f"{base}/t/chengguan/annual_sessions/{world.session_id}"
    expected = len(world.reps)
    quorum = -(-expected * 80 // 100)

    # cg.staff watches the live count while most representatives are checked in.
    staff = _as(browser, base, "cg.staff", password)
    staff.goto(f"{url}/attendance")
    expect(staff.locator("#expected")).to_have_text(str(expected))
    expect(staff.locator("#quorum-needed")).to_have_text(str(quorum))
    expect(staff.locator("#present")).to_have_text("0")
    expect(staff.locator("#qr svg")).to_be_visible()
    staff.evaluate("window.__sameLoad = true")
    early = world.reps[: quorum - 2]

    def check_in(township: Any) -> None:
        for rep_id, _name, _user in early:
            service.check_in(world.office, township, world.session_id, rep_id)

    _in_app(live_server, world, check_in)
    expect(staff.locator("#present")).to_have_text(str(quorum - 2))
    expect(staff.locator("#quorum")).to_contain_text("还差 2 人")
    assert staff.evaluate("window.__sameLoad === true"), "the count came from a reload"
    for rep_id, name, _user in world.reps[quorum - 2 : quorum]:
        staff.locator(f"#rep-{rep_id}").get_by_role("button", name=f"签到 {name}").click()
        expect(staff.locator(f"#rep-{rep_id} .status")).to_contain_text("已签到")
    expect(staff.locator("#present")).to_have_text(str(quorum))
    expect(staff.locator("#quorum")).to_contain_text("已达到法定人数")
    shoot(staff, str(screens / "as-attendance.png"), full_page=True)

    # The session opens; a show of hands on the motion.
    staff.goto(url)
    staff.get_by_role("button", name="宣布开会").click()
    expect(staff.locator("#state")).to_have_text("会议进行中")
    motion = staff.locator(f"#item-{world.motion_id}")
    motion.locator("details.new-vote summary").click()
    motion.locator("select[name=method]").select_option("hands")
    motion.locator("form.form-vote button[type=submit]").click()
    motion = staff.locator(f"#item-{world.motion_id}")
    motion.get_by_label("赞成").fill(str(quorum - 3))
    motion.get_by_label("反对").fill("2")
    motion.get_by_label("弃权").fill("1")
    motion.get_by_role("button", name="录入举手结果").click()
    expect(staff.locator(f"#item-{world.motion_id} .vote-result")).to_contain_text("通过")
    expect(staff.locator(f"#item-{world.motion_id} .vote-result")).to_contain_text(
        f"赞成 {quorum - 3}"
    )

    # A secret online election of two among three.
    election = staff.locator(f"#item-{world.election_id}")
    election.locator("details.new-vote summary").click()
    election.locator("select[name=channel]").select_option("online")
    election.get_by_label("应选名额").fill("2")
    election.get_by_label("候选人（每行一名）").fill("\n".join(CANDIDATES))
    election.locator("form.form-vote button[type=submit]").click()
    expect(staff.locator(f"#item-{world.election_id} .vote-state")).to_have_text("投票中")

    # Three representatives vote on their phones.
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
    for n, username in enumerate(VOTERS):
        page = _as(browser, base, username, password, **phone)
        page.goto(url)
        page.get_by_role("link", name="去投票").click()
        expect(page.locator("#item-title")).to_have_text(ELECTION)
        expect(page.locator("#form-ballot")).to_contain_text("最多选 2 名")
        page.get_by_label(CANDIDATES[0]).check()
        page.get_by_label(CANDIDATES[1 + n % 2]).check()
        if n == 0:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the ballot scrolls sideways on a phone: {width}px"
            shoot(page, str(screens / "as-ballot-phone.png"), full_page=True)
        page.get_by_role("button", name="投票", exact=True).click()
        expect(page.locator("#voted")).to_have_text("已投票")
        page.context.close()

    # The others present vote through the service: 王建国 and 李秀英 on most ballots.
    def the_rest(township: Any) -> None:
        vote = next(
            v
            for v in service.votes(world.office, township, world.session_id)
            if v.item_id == world.election_id
        )
        ids = {c.name: c.id for c in service.candidates(vote)}
        for n, (_rep, _name, user_id) in enumerate(world.reps[3:quorum]):
            user = db.session.get(User, user_id)
            pick = [CANDIDATES[0], CANDIDATES[2] if n % 5 == 0 else CANDIDATES[1]]
            service.cast_secret(
                actor_for(user),
                township,
                vote.id,
                BallotInput(candidate_ids=[ids[p] for p in pick]),
            )

    _in_app(live_server, world, the_rest)

    staff.goto(url)
    election = staff.locator(f"#item-{world.election_id}")
    expect(election.locator(".turnout")).to_have_text(f"已投 {quorum} 票")
    expect(election.locator(".vote-result")).to_have_count(0)
    election.get_by_role("button", name="结束投票并计票").click()
    result = staff.locator(f"#item-{world.election_id} .vote-result")
    expect(result.locator(".elected")).to_have_text(f"{CANDIDATES[0]}、{CANDIDATES[1]}")
    expect(result).to_contain_text(f"收回选票 {quorum} 张")
    shoot(staff, str(screens / "as-session-results.png"), full_page=True)
