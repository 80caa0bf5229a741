"""Menus by role (issue 21): the header, the township's menu and the sub-menus offer each viewer
only what opens for them. Every link of every menu is requested as each township role, and as
a county drilling down; none may answer 403 or 404. A handling unit sees its cases and
proposals, not the roster nor the representatives' modules; 消息 shows the unread count; /me
names each role with its place.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import update

from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.notify.models import Notification
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.web.readonly import without_township_writes
from tests.factories import actor
from tests.helpers import login

TOWNSHIP_USERS = (
    "township_admin",
    "township_staff",
    "committee_member",
    "representative",
    "group_leader",
    "branch_liaison",
    "handling_unit",
)


@pytest.fixture
def app_modules():
    """The real first-party modules, as `make run` serves them."""
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


@pytest.fixture
def world(app):
    """Every first-party module on in every township (the test modules off); the unit member
    answers for a real unit."""
    from tests.factories import build_world

    built = build_world()
    on = TownshipModule.module_key.not_in(("pilot", "survey"))
    db.session.execute(update(TownshipModule).values(enabled=on))
    with tenant_context(built.township.id):
        unit = people.create_unit(
            actor(built.users["township_admin"]), built.township, people.UnitInput(name="镇水利站")
        )
    db.session.execute(
        update(Membership)
        .where(Membership.user_id == built.users["handling_unit"].id)
        .values(unit_id=unit.id)
    )
    db.session.commit()
    return built


class Menus(HTMLParser):
    """The links of a page's menus: the header (brand, 消息, the user menu, the township's menu)
    and every sub-menu (nav.subnav); and the page's forms that post, by action."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[tuple[str, str]] = []
        self.modnav: list[tuple[str, str]] = []
        self.subnav: list[tuple[str, str]] = []
        self.posts: list[str] = []
        self.submits: list[tuple[str, bool]] = []  # (the form's action, inside a disabled set)
        self._form: str | None = None
        self._disabled = False
        self._in: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "header":
            self._in.append("header")
        elif tag == "nav" and "modnav" in a.get("class", ""):
            self._in.append("modnav")
        elif tag == "nav" and "subnav" in a.get("class", ""):
            self._in.append("subnav")
        elif tag == "a" and self._in:
            self._href, self._text = a.get("href", ""), []
        elif tag == "form":
            posts = a.get("method", "get").lower() == "post"
            self._form = a.get("action", "") if posts else None
            if posts:
                self.posts.append(a.get("action", ""))
        elif tag == "fieldset" and "disabled" in a and self._form is not None:
            self._disabled = True
        if self._form is not None and (
            tag == "button" or (tag == "input" and a.get("type") in ("submit", "image"))
        ):
            self.submits.append((self._form, self._disabled))

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def buttons_posting_inside(self, inside: str) -> list[str]:
        """The usable buttons of forms that post to the township (`inside`, its URL prefix)."""
        return [
            action
            for action, disabled in self.submits
            if not disabled and (action == "" or action.startswith(inside))
        ]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form, self._disabled = None, False
        if tag == "a" and self._href is not None:
            getattr(self, self._in[-1]).append((self._href, "".join(self._text).strip()))
            self._href = None
        elif (tag == "header" and self._in[-1:] == ["header"]) or (
            tag == "nav" and self._in[-1:] in (["modnav"], ["subnav"])
        ):
            self._in.pop()


def menus(response: Any) -> Menus:
    assert response.status_code == 200, response.request.path
    parsed = Menus()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def walk(client: Any, start: str) -> dict[str, int]:
    """Every menu link from `start`, and the sub-menus of every page they lead to: the status
    each answers (redirects followed)."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue:
        path = queue.pop(0)
        response = client.get(path, follow_redirects=True)
        seen[path] = response.status_code
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = menus(response)
        for href, _text in [*page.header, *page.modnav, *page.subnav]:
            href = href.split("#")[0]
            if href.startswith("/") and href not in seen and href not in queue:
                queue.append(href)
    return seen


def labels(items: list[tuple[str, str]]) -> list[str]:
    return [text for _href, text in items]


@pytest.mark.parametrize("who", TOWNSHIP_USERS)
def test_no_menu_link_answers_403_or_404(world, client, who):
    login(client, world.users[who])
    answered = walk(client, f"/t/{world.township.slug}/")
    refused = {path: status for path, status in answered.items() if status in (403, 404)}
    assert refused == {}
    assert len(answered) > 3


def test_a_county_drilling_down_is_offered_no_link_it_cannot_open(world, client):
    login(client, world.users["county_viewer"])
    client.post(f"/c/{world.county.slug}/comparison/drill/{world.township.id}")
    answered = walk(client, f"/t/{world.township.slug}/")
    assert {p: s for p, s in answered.items() if s in (403, 404)} == {}
    # The office's roster import holds every personal field: not offered to the county.
    roster = menus(client.get(f"/t/{world.township.slug}/people/"))
    assert "导入导出" not in labels(roster.subnav)


def test_each_role_sees_the_menu_meant_for_it(world, client):
    home = f"/t/{world.township.slug}/"
    seen = {}
    for who in TOWNSHIP_USERS:
        login(client, world.users[who])
        seen[who] = labels(menus(client.get(home)).modnav)
        client.post("/logout")
    # The unit answers its cases and proposals: nothing of the roster or the other modules.
    assert seen["handling_unit"] == ["首页", "诉求", "提案"]
    # The township admin alone answers for a person's rights (lianxin.privacy).
    assert seen["township_admin"][-2:] == ["消息送达", "个人信息"]
    assert seen["township_staff"][-1] == "消息送达"
    for who in ("township_admin", "township_staff"):
        assert {"代表名册", "工作站", "接待日", "年会", "评议", "三联"} <= set(seen[who])
    for who in ("committee_member", "representative", "group_leader", "branch_liaison"):
        assert "消息送达" not in seen[who]  # the office's delivery report answers 403
        assert "个人信息" not in seen[who]
        assert {"代表名册", "诉求", "工作站", "接待日", "提案", "年会", "评议", "三联"} <= set(
            seen[who]
        )


def test_a_switched_off_module_leaves_the_menu(world, client):
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.township_id == world.township.id)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=False)
    )
    db.session.commit()
    login(client, world.users["representative"])
    shown = labels(menus(client.get(f"/t/{world.township.slug}/")).modnav)
    assert "工作站" not in shown and "接待日" in shown


@pytest.mark.parametrize(
    ("who", "roster_import", "compliance"),
    [
        ("township_staff", True, True),
        ("committee_member", False, True),
        ("branch_liaison", False, True),
        ("representative", False, False),
        ("group_leader", False, False),
    ],
)
def test_sub_menus_offer_only_what_opens(world, client, who, roster_import, compliance):
    """导入导出 only to the office (people.imports.can_import), 季度达标 only to the office, the
    committee and a branch liaison (liaison.can_read_compliance): each link is checked against
    the page it leads to."""
    login(client, world.users[who])
    slug = world.township.slug
    roster = menus(client.get(f"/t/{slug}/people/"))
    assert ("导入导出" in labels(roster.subnav)) is roster_import
    assert client.get(f"/t/{slug}/people/import/").status_code == (200 if roster_import else 403)
    liaison = menus(client.get(f"/t/{slug}/liaison/"))
    assert ("季度达标" in labels(liaison.subnav)) is compliance
    assert client.get(f"/t/{slug}/liaison/compliance").status_code == (200 if compliance else 403)
    # The tab of the page shown is marked.
    assert 'aria-current="page">我的三联' in client.get(f"/t/{slug}/liaison/").get_data(
        as_text=True
    )


def test_the_drill_down_shows_no_button_that_writes(world, client):
    """Every form that posts to the township is read-only: no button, its fields disabled."""
    login(client, world.users["county_viewer"])
    client.post(f"/c/{world.county.slug}/comparison/drill/{world.township.id}")
    inside = f"/t/{world.township.slug}/"
    for path in ("", "people/", "people/new", "people/groups", "cases/", "proposals/"):
        page = menus(client.get(inside + path))
        assert page.buttons_posting_inside(inside) == [], path
        assert "/logout" in page.posts  # the header's own forms stay
    # The same office pages, not drilling down, have them.
    client.post(f"/c/{world.county.slug}/comparison/drill/leave")
    client.post("/logout")
    login(client, world.users["township_staff"])
    assert menus(client.get(inside + "people/groups")).buttons_posting_inside(inside)


def test_the_drill_down_keeps_a_record_readable():
    page = (
        '<form method="post" action="/t/a/cases/1/refer"><button>转办</button></form>'
        '<form method=post><input name="name" value="张秀英">'
        '<input type="submit" value="保存"></form>'
        '<form method="get" action="/t/a/cases/"><input name="q"><button>查找</button></form>'
        "<form method='POST' action='/logout'><button>退出</button></form>"
        '<form method="post" action="/t/ab/x"><button>别的乡镇</button></form>'
    )
    kept = without_township_writes(page, "a", "/t/a/people/1")
    assert "转办" not in kept and "保存" not in kept
    assert '<fieldset class="read-only" disabled><input name="name" value="张秀英">' in kept
    assert "查找" in kept and "退出" in kept and "别的乡镇" in kept
    # A form without an action posts to its page: left alone where that is not the township's.
    assert "保存" in without_township_writes(page, "a", "/c/jia/")


def test_messages_show_the_unread_count(world, client):
    user = world.users["representative"]
    db.session.add_all(
        Notification(user_id=user.id, tenant_id=world.township.id, title=f"提醒{i}")
        for i in range(3)
    )
    db.session.add(Notification(user_id=world.users["township_staff"].id, title="别人的", body=""))
    db.session.commit()
    login(client, user)
    header = client.get(f"/t/{world.township.slug}/").get_data(as_text=True)
    assert 'class="count-badge" aria-hidden="true">3<' in header
    assert "消息，3 条未读" in header
    inbox = client.get("/me/inbox").get_data(as_text=True)  # read as it is shown
    assert "count-badge" not in inbox
    assert "count-badge" not in client.get(f"/t/{world.township.slug}/").get_data(as_text=True)


def test_the_header_keeps_logging_out_apart_from_the_name(world, client):
    login(client, world.users["representative"])
    page = client.get(f"/t/{world.township.slug}/").get_data(as_text=True)
    menu = page[page.index('<details class="user-menu">') : page.index("</details>")]
    name = world.users["representative"].display_name
    assert f'<span class="person-name">{name}</span>' in menu
    assert menu.index("个人设置") < menu.index("退出登录")  # the last, separate action
    assert 'action="/logout"' in menu


def test_me_names_each_role_with_its_place(world, client):
    liaison = world.users["branch_liaison"]
    login(client, liaison)
    page = client.get("/me").get_data(as_text=True)
    roles = page[page.index('id="memberships"') : page.index("</ul>", page.index("memberships"))]
    branch = world.branches["t"].name
    assert Role.BRANCH_LIAISON.label in roles
    assert world.county.name in roles and world.township.name in roles and branch in roles
    client.post("/logout")

    login(client, world.users["handling_unit"])
    page = client.get("/me").get_data(as_text=True)
    assert "承办单位" in page and "镇水利站" in page
    # The API tokens fold away under 高级设置, below 修改密码.
    assert page.index("修改密码") < page.index("高级设置") < page.index("API 令牌</h2>")
    client.post("/logout")

    login(client, world.users["both"])
    page = client.get("/me").get_data(as_text=True)
    assert world.township.name in page and world.other.name in page


def _folded(html: str) -> list[str]:
    """The entries under 更多 (the township menu's fold), by label."""
    inside = html.split('<details class="modnav-more">', 1)
    if len(inside) == 1:
        return []
    panel = inside[1].split("</details>", 1)[0]
    parsed = Menus()
    parsed.feed(f'<nav class="modnav">{panel}</nav>')
    return labels(parsed.modnav)


def test_a_township_running_every_module_folds_its_menu_under_more(world, client):
    """Seven entries in the bar and the rest under 更多 (two rows on a phone, not five); the
    page shown keeps its entry in the bar even when it is one of the folded."""
    from lianxin.web.nav import MENU_SHOWN

    login(client, world.users["township_admin"])
    home = client.get(f"/t/{world.township.slug}/")
    html = home.get_data(as_text=True)
    every = labels(menus(home).modnav)
    folded = _folded(html)
    assert len(every) > MENU_SHOWN + 1
    assert every[:MENU_SHOWN] == [e for e in every if e not in folded]
    assert folded == every[MENU_SHOWN:] and "更多" in html

    # A folded entry's own page: its entry moves into the bar, the others stay folded.
    target = folded[0]
    href = dict((text, href) for href, text in menus(home).modnav)[target]
    page = client.get(href, follow_redirects=True)
    assert target not in _folded(page.get_data(as_text=True))
    assert set(_folded(page.get_data(as_text=True))) == set(folded) - {target}
    current = [t for h, t in menus(page).modnav if t == target]
    assert current == [target]


def test_a_short_menu_is_not_folded(world, client):
    on = TownshipModule.module_key.in_(("workstations", "reception_days"))
    db.session.execute(update(TownshipModule).values(enabled=on))
    db.session.commit()
    login(client, world.users["township_admin"])
    assert 'class="modnav-more"' not in client.get(f"/t/{world.township.slug}/").get_data(
        as_text=True
    )
