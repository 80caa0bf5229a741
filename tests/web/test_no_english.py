"""No English on the pages (issue 21, 界面文字): every role of a world with every first-party
module on, and some records in it, opens its pages and the pages they link to; no visible text
holds a Latin word outside the allow-list (API, PDF, Excel, QR, …) and the data (usernames,
slugs, addresses). The demo's pages are walked the same way in tests/test_demo.py, on the demo
it loads once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from lianxin.auth.models import Membership, User
from lianxin.casework import service as cases
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants.models import County, Township, TownshipModule
from lianxin.usecases import load_input
from tests.factories import PASSWORD, actor
from tests.helpers import login
from tests.web.visible_text import EXAMPLES, english_words

# Links not to follow: leaving, files and exports, the API, assets, pages printed on paper.
SKIP = re.compile(
    r"/logout|/files/|/export|\.xlsx|\.csv|\.pdf|/download|^/api/|/static/|/vendor/|"
    r"/print|/poster|/qr|/card\b|\.png|\.svg|format=json"
)
PAGES_PER_USER = 90
DEPTH = 2


@pytest.fixture
def app_modules():
    """The real first-party modules, as `make run` serves them."""
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


@pytest.fixture
def world(app):
    """Every first-party module on (the test modules off), a unit its member answers for, a
    representative and a case that went round once."""
    from tests.factories import build_world

    built = build_world()
    on = TownshipModule.module_key.not_in(("pilot", "survey"))
    db.session.execute(update(TownshipModule).values(enabled=on))
    t = built.township
    admin, office = actor(built.users["township_admin"]), actor(built.users["township_staff"])
    with tenant_context(t.id):
        unit = people.create_unit(admin, t, people.UnitInput(name="镇水利站"))
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == built.users["handling_unit"].id)
            .values(unit_id=unit.id)
        )
        people.create_representative(
            office,
            t,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": "张秀英",
                    "gender": "女",
                    "birth_date": "1975-03-01",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                    "phone": "13800138000",
                },
            ),
        )
        case_id = cases.register(
            office,
            t,
            cases.CaseInput(
                channel="phone", title="村道路灯不亮", body="东关村3组路灯坏了。", category="其他"
            ),
        ).case.id
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=unit.id))
    db.session.commit()
    return built


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])


def _data_words() -> list[str]:
    """What people named or typed: usernames, slugs, emails, and the pinyin of people's names
    (held for search; a person's export shows it as held)."""
    from lianxin.people.models import Representative

    words = [*db.session.scalars(select(User.username))]
    for township_id in db.session.scalars(select(Township.id)):
        with tenant_context(township_id):
            words += [p for p in db.session.scalars(select(Representative.name_pinyin)) if p]
    words += [e for e in db.session.scalars(select(User.email)) if e]
    words += [*db.session.scalars(select(Township.slug)), *db.session.scalars(select(County.slug))]
    return words + list(EXAMPLES)


def walk(client: Any, starts: Iterable[str], data: list[str]) -> tuple[int, list[str]]:
    """Open `starts` and what they link to (DEPTH links deep): (pages read, English found)."""
    found: list[str] = []
    seen: set[str] = set()
    queue = [(path, 0) for path in starts]
    while queue and len(seen) < PAGES_PER_USER:
        path, depth = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = client.get(path, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        html = response.get_data(as_text=True)
        found += [f"{path}: {word}" for word in english_words(html, data)]
        if depth < DEPTH:
            parser = Links()
            parser.feed(html)
            queue += [(link, depth + 1) for link in parser.links if link not in seen]
    return len(seen), found


USERS = (
    "platform",
    "county_admin",
    "county_viewer",
    "township_admin",
    "township_staff",
    "committee_member",
    "representative",
    "group_leader",
    "branch_liaison",
    "handling_unit",
)


@pytest.mark.slow
def test_no_page_of_any_role_shows_english(app, world, client):
    data = _data_words()
    slug = world.township.slug
    read, found = walk(client, [f"/p/{slug}/", f"/p/{slug}/cases/new", "/login"], data)
    for who in USERS:
        login(client, world.users[who], PASSWORD)
        pages, english = walk(client, ["/", "/me", "/me/inbox"], data)
        read += pages
        found += [f"{who} {line}" for line in english]
        client.post("/logout")
    assert read > 150
    assert not found, "\n".join(sorted(set(found)))


PLATFORM = Path(__file__).resolve().parents[2] / "platform"
JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)


def test_no_template_writes_english_text():
    """Every template's own text (outside `{{ }}`, `{% %}` and comments): what a page the walks
    above do not reach would still show."""
    allowed = {w.lower() for w in EXAMPLES}
    found = []
    for path in sorted(PLATFORM.rglob("templates/**/*.html")):
        source = JINJA.sub(" ", path.read_text("utf-8"))
        words = [w for w in english_words(source) if w.lower() not in allowed]
        if words:
            found.append(f"{path.relative_to(PLATFORM)}: {sorted(set(words))}")
    assert not found, "\n".join(found)
