"""The to-do home (issue 21): every township role's home lists what waits for that person, from
every part that is on, each line one tap to its list or its item; and every notification
links to its object.

One township's day of work: cases registered, one referred to a unit; a draft proposal with an
invitation to co-sign, a suggestion submitted for review, an inquiry accepted for the committee.
Each role's home is read as its user sees it, and must show exactly that role's lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from lianxin.auth.models import User
from lianxin.auth.passwords import hash_password
from lianxin.casework import service as cases
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules import kit
from lianxin.modules.proposals import service as proposals
from lianxin.modules.proposals.inputs import DraftInput, WindowInput
from lianxin.modules.registry import FIRST_PARTY
from lianxin.notify import service as notify
from lianxin.notify.models import Notification, OutboxMessage
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, make_represented
from tests.helpers import PASSWORD, login
from tests.web.home import home, lines, links, order

MODULE_KEYS = tuple(path.split(".")[-2] for path in FIRST_PARTY)
CASE = {
    "channel": "phone",
    "category": "基础设施",
    "body": "东关村3组路灯坏了两个月。",
    "raiser_name": "王大爷",
}


@pytest.fixture
def app_modules():
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


@pytest.fixture
def world(app):
    return world_with_modules()


def world_with_modules() -> Any:
    """The tests' world with every first-party module switched on in every township."""
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key.in_(MODULE_KEYS))
        .values(enabled=True)
    )
    db.session.commit()
    return built


@dataclass
class Day:
    """Ids of the day's work, captured as plain values."""

    office: Any
    rep_users: list[User]
    unit_user: User
    other_unit_user: User
    registered: int  # a case waiting to be received
    referred: int  # a case referred to the unit
    invitation: int  # a draft proposal rep_users[1] is invited to co-sign
    suggestion: int  # submitted, waiting for review
    inquiry: int  # accepted, waiting for the committee's answer


def _case(township: Any, who: Any, title: str) -> int:
    with tenant_context(township.id):
        return cases.register(who, township, cases.CaseInput(title=title, **CASE)).case.id


def _unit(world: Any, name: str, username: str) -> tuple[int, User]:
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        unit = people.create_unit(admin, world.township, people.UnitInput(name=name))
        added = people.add_unit_user(
            admin, world.township, unit.id, username=username, display_name=name + "答复人"
        )
        user = db.session.get(User, added.membership.user_id)
        user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        return unit.id, user


@pytest.fixture
def day(world) -> Day:
    return make_day(world)


def make_day(world: Any) -> Day:
    """The day's work in our township of `world` (also served to a phone by the browser test)."""
    office = actor(world.users["township_staff"])
    township = world.township
    _reps, users = make_represented(township, 3, "todo.rep")
    reps = [actor(u) for u in users]
    unit_id, unit_user = _unit(world, "镇城建办", "todo.unit")
    _other_id, other_unit_user = _unit(world, "镇农业农村办", "todo.unit2")
    registered = _case(township, office, "村道路灯不亮")
    referred = _case(township, office, "水渠堵塞")
    with tenant_context(township.id):
        cases.receive(office, township, referred)
        cases.refer(office, township, referred, cases.ReferInput(lead_unit_id=unit_id))
        today = kit.today()
        proposals.add_window(
            office,
            township,
            WindowInput(
                title="提案征集",
                opens_on=today - timedelta(days=10),
                closes_on=today + timedelta(days=30),
            ),
        )
        rep_ids = [r.id for r in _reps]
        draft = proposals.create_draft(
            reps[0], township, DraftInput(kind="proposal", title="修建村级文化广场", body="……")
        )
        proposals.invite(reps[0], township, draft.id, [rep_ids[1]])
        suggestion = proposals.create_draft(
            reps[0], township, DraftInput(kind="suggestion", title="增设公交站点", body="……")
        )
        proposals.submit(reps[0], township, suggestion.id)
        inquiry = proposals.create_draft(
            reps[2], township, DraftInput(kind="inquiry", title="关于集体资金使用", body="……")
        )
        proposals.submit(reps[2], township, inquiry.id)
        proposals.accept(office, township, inquiry.id)
        ids = (draft.id, suggestion.id, inquiry.id)
    # What the day's steps told people is delivered (the worker's job) before each test reads.
    for message_id in db.session.scalars(select(OutboxMessage.id)).all():
        notify.deliver(message_id)
    return Day(office, users, unit_user, other_unit_user, registered, referred, *ids)


def _home_of(client: Any, user: User, township: Any) -> str:
    login(client, user)
    return home(client, township)


# --- each role sees exactly its own lines --------------------------------------------------------


def test_the_office_sees_cases_to_receive_and_proposals_to_review(client, world, day):
    page = _home_of(client, world.users["township_staff"], world.township)
    # …and, with sittings on, the representatives who have not sat in this term yet (all 3).
    assert lines(page) == {
        "casework.registered": 1,
        "proposals.to_review": 1,
        "sittings.not_yet": 3,
    }
    slug = world.township.slug
    # One of a kind: the tap opens it; the page tells of the roles and keeps every feature.
    assert links(page)["casework.registered"] == f"/t/{slug}/cases/{day.registered}"
    assert links(page)["proposals.to_review"] == f"/t/{slug}/proposals/{day.suggestion}"
    assert 'id="all-features"' in page and 'data-module="proposals"' in page


def test_a_unit_sees_its_assigned_case_with_its_due_date(client, world, day):
    page = _home_of(client, day.unit_user, world.township)
    assert lines(page) == {"casework.unit": 1}
    assert links(page)["casework.unit"] == f"/t/{world.township.slug}/cases/{day.referred}"
    with tenant_context(world.township.id):
        due = db.session.get(Case, (world.township.id, day.referred)).due_on
    assert f"{due.month}月{due.day}日" in page
    assert client.get(links(page)["casework.unit"]).status_code == 200


def test_a_unit_with_nothing_assigned_sees_the_empty_state(client, world, day):
    page = _home_of(client, day.other_unit_user, world.township)
    assert lines(page) == {}
    assert 'id="todo-empty"' in page and "眼下没有需要您办理的事项" in page


def test_an_invited_representative_sees_the_invitation_and_never_office_work(client, world, day):
    page = _home_of(client, day.rep_users[1], world.township)
    # Their own duties besides: this quarter's report on their work (三联).
    assert lines(page) == {"proposals.invitations": 1, "liaison.report": 1}
    target = links(page)["proposals.invitations"]
    assert target == f"/t/{world.township.slug}/proposals/{day.invitation}"
    assert "修建村级文化广场" in client.get(target).get_data(as_text=True)


def test_the_author_of_a_submitted_suggestion_has_only_their_report_waiting(client, world, day):
    assert lines(_home_of(client, day.rep_users[0], world.township)) == {"liaison.report": 1}


def test_the_committee_sees_the_inquiry_to_answer(client, world, day):
    page = _home_of(client, world.users["committee_member"], world.township)
    # And this quarter's meeting with the representatives they keep in touch with (三联).
    assert lines(page) == {"proposals.inquiries": 1, "liaison.meetings": 1}
    assert links(page)["proposals.inquiries"].endswith(f"/proposals/{day.inquiry}")


def test_a_branch_liaison_sees_their_branchs_cases_only(client, world, day):
    with tenant_context(world.township.id):
        ours = cases.register(
            day.office,
            world.township,
            cases.CaseInput(title="东村水管漏水", branch_id=world.branches["t"].id, **CASE),
        ).case.id
    page = _home_of(client, world.users["branch_liaison"], world.township)
    assert lines(page) == {"casework.branch.in_progress": 1}
    assert links(page)["casework.branch.in_progress"].endswith(f"/cases/{ours}")
    assert client.get(links(page)["casework.branch.in_progress"]).status_code == 200


def test_a_representative_role_without_a_roll_entry_sees_nothing(client, world, day):
    assert lines(_home_of(client, world.users["representative"], world.township)) == {}


# --- another township, a switched-off module, the order -----------------------------------------


def test_another_townships_work_never_counts(client, world, day):
    other_office = actor(world.users["other_admin"])
    for title in ("乙镇的诉求一", "乙镇的诉求二"):
        _case(world.other, other_office, title)
    ours = lines(_home_of(client, world.users["township_staff"], world.township))
    assert ours["casework.registered"] == 1
    client.post("/auth/logout")
    theirs = lines(_home_of(client, world.users["other_admin"], world.other))
    assert theirs == {"casework.registered": 2}


def test_a_switched_off_module_contributes_nothing(client, world, day, monkeypatch):
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.township_id == world.township.id,
            TownshipModule.module_key == "proposals",
        )
        .values(enabled=False)
    )
    db.session.commit()
    from lianxin.modules.proposals import todo

    def refuse(*_args: Any) -> None:
        raise AssertionError("a switched-off module is not asked")

    monkeypatch.setattr(todo, "items", refuse)
    assert lines(_home_of(client, day.rep_users[1], world.township)) == {"liaison.report": 1}
    client.post("/auth/logout")
    assert lines(_home_of(client, world.users["township_staff"], world.township)) == {
        "casework.registered": 1,
        "sittings.not_yet": 3,
    }


def test_overdue_work_comes_first_then_the_newest(client, world, day):
    with tenant_context(world.township.id):
        late = _case(world.township, day.office, "早已逾期的诉求")
        db.session.get(Case, (world.township.id, late)).due_on = date(2020, 1, 1)
        db.session.commit()
    page = _home_of(client, world.users["township_staff"], world.township)
    assert lines(page)["casework.overdue"] == 1
    assert order(page)[0] == "casework.overdue"
    assert 'class="todo-item urgent"' in page
    assert lines(page)["casework.registered"] == 2  # the late one waits to be received too


def test_tap_targets_are_large_on_a_phone(client, world, day):
    """Each line is one link, at least 44 px high (3.5rem in todo.css)."""
    page = _home_of(client, world.users["township_staff"], world.township)
    assert "css/todo.css" in page
    response = client.get("/static/css/todo.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "min-height: 3.5rem" in css


# --- notifications link to their object -------------------------------------------------------


def _inbox(user: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_a_referral_tells_the_unit_with_a_link_that_opens_the_case(client, world, day):
    (told,) = _inbox(day.unit_user)
    slug = world.township.slug
    assert told.link == f"/t/{slug}/cases/{day.referred}"
    assert "水渠堵塞" in told.title
    login(client, day.unit_user)
    inbox = client.get("/me/inbox").get_data(as_text=True)
    assert f'<a href="{told.link}">{told.title}</a>' in inbox
    assert told.link not in inbox.replace(f'href="{told.link}"', "")  # no raw path as text
    opened = client.get(told.link)
    assert opened.status_code == 200 and "水渠堵塞" in opened.get_data(as_text=True)


def test_a_new_case_tells_the_office_with_a_link_that_opens_it(client, world, day):
    told = [n for n in _inbox(world.users["township_staff"]) if "村道路灯不亮" in n.title]
    assert [n.link for n in told] == [f"/t/{world.township.slug}/cases/{day.registered}"]
    login(client, world.users["township_staff"])
    assert client.get(told[0].link).status_code == 200


def test_a_proposal_notification_opens_the_proposal_for_its_recipient(client, world, day):
    (invited,) = _inbox(day.rep_users[1])
    assert invited.link == f"/t/{world.township.slug}/proposals/{day.invitation}"
    login(client, day.rep_users[1])
    inbox = client.get("/me/inbox").get_data(as_text=True)
    assert f'<a href="{invited.link}">{invited.title}</a>' in inbox
    assert client.get(invited.link).status_code == 200


def test_every_notification_of_the_day_has_a_link_and_a_kind(app, world, day):
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "notify"))
    payloads = [m.payload for m in messages]
    assert payloads
    assert all(p["link"] for p in payloads), payloads
    assert all(p["kind"] != "general" for p in payloads), payloads


def test_a_name_formatted_into_a_todo_note_is_escaped_on_the_home(app):
    """A lazy gettext string is safe markup to Jinja: a station named `<script>` put into a
    note must still come out as text (it did not: test_xss_walk found it on cg.rep's home)."""
    from flask import render_template_string
    from flask_babel import lazy_gettext as _l

    from lianxin.modules.registry import TodoItem

    item = TodoItem(
        key="workstations.next_shift",
        label=_l("我的工作站值班"),
        count=1,
        url="/",
        note=_l("下次：%(s)s", s="<script>lx(0)</script>"),
    )
    with app.test_request_context():
        html = render_template_string("{{ item.label }}|{{ item.note }}", item=item)
    assert "<script>" not in html
    assert "&lt;script&gt;lx(0)&lt;/script&gt;" in html
