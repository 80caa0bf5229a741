"""Casework through the pages and the API: office → unit → office, the county's queue, errors.

Each test runs on SQLite and PostgreSQL. The office is the township's staff; handling units are
created in the township with a user each (a `handling_unit` membership scoped to the unit).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import g
from sqlalchemy import func, select

from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.casework import service as cases
from lianxin.casework.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseReply,
    CountyEscalation,
    DeadlineExtension,
)
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor, grant, make_user
from tests.helpers import assert_error, bearer, login

PHONE = "13800138000"


@dataclass
class Desk:
    """The office, a representative, three units with a user each, and the county admin."""

    world: Any
    office: User
    rep: int  # ids: the rows are read only inside the township's context
    lead: int
    co: int
    third: int
    lead_user: User
    co_user: User
    third_user: User

    @property
    def slug(self) -> str:
        return str(self.world.township.slug)


def _unit_user(world: Any, unit_id: int, username: str) -> User:
    user = make_user(username)
    membership = grant(user, Role.HANDLING_UNIT, township=world.township)
    membership.unit_id = unit_id
    db.session.commit()
    return user


@pytest.fixture
def desk(world) -> Desk:
    office = world.users["township_staff"]
    township = world.township
    # The simple/complex rule on: a simple case (10 days) leaves room for an extension.
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        township.id,
        "casework",
        {"simple_complex": True},
    )
    with tenant_context(township.id):
        staff = actor(office)
        rep = people.create_representative(
            staff,
            township,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": "张秀英",
                    "gender": "女",
                    "birth_date": "1975-03-01",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                },
            ),
        )
        rep_id = rep.id
        lead = people.create_unit(staff, township, people.UnitInput(name="镇交通办")).id
        co = people.create_unit(staff, township, people.UnitInput(name="镇财政所")).id
        third = people.create_unit(staff, township, people.UnitInput(name="镇派出所")).id
        db.session.commit()
    return Desk(
        world,
        office,
        rep_id,
        lead,
        co,
        third,
        _unit_user(world, lead, "unit.lead"),
        _unit_user(world, co, "unit.co"),
        _unit_user(world, third, "unit.third"),
    )


class Browser:
    """One user's test client. The tests hold an app context across requests, and Flask-Login
    keeps the loaded user in `g`; each request here starts without it, as in production."""

    def __init__(self, app: Any, user: User) -> None:
        self.client = app.test_client()
        g.pop("_login_user", None)
        login(self.client, user)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        g.pop("_login_user", None)
        return self.client.get(*args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> Any:
        g.pop("_login_user", None)
        return self.client.post(*args, **kwargs)


def _client(app: Any, user: User) -> Browser:
    return Browser(app, user)


def _case(world: Any, case_id: int) -> Case:
    db.session.expire_all()
    with tenant_context(world.township.id):
        case = db.session.get(Case, (world.township.id, case_id))
        assert case is not None
        db.session.refresh(case)
        return case


def _count(world: Any, model: Any, case_id: int) -> int:
    db.session.expire_all()
    with tenant_context(world.township.id):
        return int(db.session.scalar(select(func.count()).where(model.case_id == case_id)) or 0)


def _register(desk: Desk, title: str = "村道破损影响出行", **extra: Any) -> int:
    with tenant_context(desk.world.township.id):
        return cases.register(
            actor(desk.office),
            desk.world.township,
            cases.CaseInput(
                channel="phone",
                title=title,
                body="东村到镇上的道路坑洼，雨天积水。",
                raiser_name="李大爷",
                raiser_phone=PHONE,
                **extra,
            ),
        ).case.id


def _flash(response: Any) -> str:
    return response.get_data(as_text=True)


# --- pages ----------------------------------------------------------------------------------------


def test_the_office_unit_office_flow_through_the_pages(app, desk):
    world, slug = desk.world, desk.slug
    office = _client(app, desk.office)
    base = f"/t/{slug}/cases"

    # Register on someone's behalf: the staff member is recorded, the code is shown once.
    assert office.get(f"{base}/new").status_code == 200
    response = office.post(
        f"{base}/new",
        data={
            "channel": "phone",
            "category": "基础设施",
            "raiser_name": "李大爷",
            "raiser_phone": PHONE,
            "title": "村道破损影响出行",
            "body": "东村到镇上的道路坑洼，雨天积水。",
            "received_by_id": str(desk.rep),
        },
    )
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert re.search(r"查询码：[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", page)
    case = _case(world, case_id)
    assert case.on_behalf and case.recorded_by_id == desk.office.id
    assert case.received_by_id == desk.rep and case.state == "registered"
    # Only the forms its state allows.
    assert 'id="form-receive"' in page and 'id="form-refer"' not in page
    assert 'id="form-archive"' not in page and "工作人员代为登记" in page

    assert office.post(f"{base}/{case_id}/receive").status_code == 302
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert _case(world, case_id).state == "received"
    assert 'id="form-refer"' in page and 'id="form-receive"' not in page

    # Assessed as simple (10 days), which leaves room for an extension within the 60 days.
    response = office.post(
        f"{base}/{case_id}/refer",
        data={
            "lead_unit_id": str(desk.lead),
            "co_unit_ids": [str(desk.co)],
            "complexity": "simple",
        },
    )
    assert response.status_code == 302
    assert _case(world, case_id).state == "referred"

    # A case of another unit: the co-unit neither lists nor opens it.
    other_id = _register(desk, "派出所的诉求")
    with tenant_context(world.township.id):
        staff = actor(desk.office)
        cases.receive(staff, world.township, other_id)
        cases.refer(staff, world.township, other_id, cases.ReferInput(lead_unit_id=desk.third))

    co = _client(app, desk.co_user)
    inbox = co.get(f"{base}/unit").get_data(as_text=True)
    assert "村道破损影响出行" in inbox and "派出所的诉求" not in inbox
    assert co.get(f"{base}/{other_id}").status_code == 404
    page = co.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="form-reply"' in page and 'id="office-actions"' not in page

    # The co-unit's reply is recorded; the case waits for the lead unit.
    co.post(f"{base}/{case_id}/reply", data={"text": "财政所：资金已列入计划。"})
    assert _case(world, case_id).state == "referred"
    assert _count(world, CaseReply, case_id) == 1

    # A unit not on the case cannot answer it: 404, nothing changed.
    third = _client(app, desk.third_user)
    assert third.post(f"{base}/{case_id}/reply", data={"text": "越权"}).status_code == 404
    assert _count(world, CaseReply, case_id) == 1

    # The lead unit asks for more time; the office approves and the due date moves.
    lead = _client(app, desk.lead_user)
    due = _case(world, case_id).due_on
    assert due is not None
    until = due + timedelta(days=15)
    lead.post(f"{base}/{case_id}/extension", data={"until": until.isoformat(), "reason": "需招标"})
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="pending-extension"' in page
    office.post(f"{base}/{case_id}/extension-decision", data={"decision": "approve"})
    assert _case(world, case_id).due_on == until

    lead.post(f"{base}/{case_id}/reply", data={"text": "交通办：下月修复。"})
    case = _case(world, case_id)
    assert case.state == "replied" and case.answer == "交通办：下月修复。"

    office.post(f"{base}/{case_id}/feedback", data={"note": "电话告知"})
    assert _case(world, case_id).state == "feedback_given"
    office.post(f"{base}/{case_id}/rate", data={"rating": "unsatisfied", "comment": "太慢"})
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert _case(world, case_id).state == "rated" and 'id="form-reassign"' in page

    # 再交办: a new round to another unit, the whole history kept.
    events_before = _count(world, CaseEvent, case_id)
    office.post(f"{base}/{case_id}/reassign", data={"lead_unit_id": str(desk.third)})
    case = _case(world, case_id)
    assert case.state == "referred" and case.reassign_count == 1
    assert _count(world, CaseEvent, case_id) > events_before
    with tenant_context(world.township.id):
        rounds = db.session.execute(
            select(CaseAssignment.unit_id, CaseAssignment.round, CaseAssignment.status)
            .where(CaseAssignment.case_id == case_id)
            .order_by(CaseAssignment.id)
        ).all()
    assert [(r.unit_id, r.round) for r in rounds] == [
        (desk.lead, 1),
        (desk.co, 1),
        (desk.third, 2),
    ]
    assert rounds[-1].status == "active"
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert "财政所：资金已列入计划。" in page and "交通办：下月修复。" in page

    # The new unit says it is not its business; the office sees the reason.
    third.post(f"{base}/{case_id}/return", data={"reason": "不属于治安事项"})
    case = _case(world, case_id)
    assert case.state == "referred"
    assert "不属于治安事项" in office.get(f"{base}/{case_id}").get_data(as_text=True)
    # Having returned it, the unit can no longer answer (403 shown as a message, no change).
    third.post(f"{base}/{case_id}/reply", data={"text": "又答复"})
    assert _case(world, case_id).state == "referred"

    # Beyond the township: escalate; the county sees only the copy and answers.
    office.post(f"{base}/{case_id}/escalate", data={"reason": "涉及县道"})
    assert _case(world, case_id).state == "escalated"
    county = _client(app, world.users["county_admin"])
    queue = county.get(f"/c/{world.county.slug}/escalations/").get_data(as_text=True)
    assert "村道破损影响出行" in queue and "涉及县道" in queue and world.township.name in queue
    assert "派出所的诉求" not in queue and PHONE not in queue and "李大爷" not in queue
    with tenant_context(world.township.id):
        item = db.session.scalar(
            select(CountyEscalation).where(CountyEscalation.case_id == case_id)
        )
        assert item is not None
        item_id = item.id
    response = county.post(
        f"/c/{world.county.slug}/escalations/{item_id}/answer", data={"answer": "县交通局已安排"}
    )
    assert response.status_code == 302
    case = _case(world, case_id)
    assert case.state == "replied" and case.answer == "县交通局已安排"
    answered = county.get(f"/c/{world.county.slug}/escalations/?status=answered")
    assert "县交通局已安排" in answered.get_data(as_text=True)
    assert "村道破损影响出行" not in county.get(f"/c/{world.county.slug}/escalations/").get_data(
        as_text=True
    )
    # A county viewer reads the queue but cannot answer; another county does not see it.
    far = _client(app, world.users["far_county_admin"])
    assert far.get(f"/c/{world.county.slug}/escalations/").status_code == 404


def test_an_illegal_step_on_a_page_is_a_chinese_message_and_changes_nothing(app, desk):
    case_id = _register(desk)
    office = _client(app, desk.office)
    base = f"/t/{desk.slug}/cases"
    events = _count(desk.world, CaseEvent, case_id)
    response = office.post(f"{base}/{case_id}/archive", follow_redirects=True)
    assert response.status_code == 200
    assert "“已登记”的诉求不能执行此操作" in _flash(response)
    assert _case(desk.world, case_id).state == "registered"
    assert _count(desk.world, CaseEvent, case_id) == events
    # Bad input: a refer without a unit, a blank inadmissible reason.
    office.post(f"{base}/{case_id}/receive")
    response = office.post(f"{base}/{case_id}/refer", data={}, follow_redirects=True)
    assert "请选择" in _flash(response)
    response = office.post(
        f"{base}/{case_id}/inadmissible",
        data={"reason": " ", "referral_text": ""},
        follow_redirects=True,
    )
    assert "不予受理的理由" in _flash(response)
    assert _case(desk.world, case_id).state == "received"
    # Units cannot act for the office.
    unit = _client(app, desk.lead_user)
    assert unit.post(f"{base}/{case_id}/archive").status_code == 404  # not assigned: not visible


def test_registering_with_bad_input_names_the_fields(app, desk):
    office = _client(app, desk.office)
    response = office.post(
        f"/t/{desk.slug}/cases/new", data={"channel": "", "title": "", "body": "有内容"}
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "请填写标题" in text and "请选择来源渠道" in text
    with tenant_context(desk.world.township.id):
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    # A unit user may not register.
    assert _client(app, desk.lead_user).get(f"/t/{desk.slug}/cases/new").status_code == 403


def test_an_overdue_case_is_flagged_wherever_it_is_listed(app, desk):
    world = desk.world
    late = _register(desk, "早已逾期的诉求")
    soon = _register(desk, "即将到期的诉求")
    fine = _register(desk, "时间充裕的诉求")
    with tenant_context(world.township.id):
        staff = actor(desk.office)
        for case_id in (late, soon, fine):
            cases.receive(staff, world.township, case_id)
            cases.refer(staff, world.township, case_id, cases.ReferInput(lead_unit_id=desk.lead))
        today = cases.deadlines.shanghai_today()
        db.session.get(Case, (world.township.id, late)).due_on = today - timedelta(days=3)
        db.session.get(Case, (world.township.id, soon)).due_on = today + timedelta(days=1)
        db.session.commit()

    def flags(html: str) -> dict[int, str]:
        out = {}
        for case_id in (late, soon, fine):
            row = re.search(rf'<tr data-case="{case_id}".*?</tr>', html, re.S)
            assert row, case_id
            out[case_id] = (
                "overdue"
                if "逾期</span>" in row.group(0) and "即将" not in row.group(0)
                else "soon"
                if "即将到期" in row.group(0)
                else ""
            )
        return out

    office = _client(app, desk.office)
    listing = office.get(f"/t/{desk.slug}/cases/").get_data(as_text=True)
    assert flags(listing) == {late: "overdue", soon: "soon", fine: ""}
    only = office.get(f"/t/{desk.slug}/cases/?overdue=1").get_data(as_text=True)
    assert "早已逾期的诉求" in only and "时间充裕的诉求" not in only
    inbox = _client(app, desk.lead_user).get(f"/t/{desk.slug}/cases/unit").get_data(as_text=True)
    assert flags(inbox) == {late: "overdue", soon: "soon", fine: ""}
    detail = office.get(f"/t/{desk.slug}/cases/{late}").get_data(as_text=True)
    assert "badge overdue" in detail
    body = office.get(
        f"/api/v1/t/{desk.slug}/cases/?overdue=true", headers=bearer(desk.office)
    ).get_json()
    assert [(c["id"], c["overdue"]) for c in body] == [(late, True)]


# --- API ------------------------------------------------------------------------------------------


def test_the_whole_flow_through_the_api(app, client, desk):
    world = desk.world
    base = f"/api/v1/t/{desk.slug}/cases"
    office, lead, co, third = (
        bearer(u) for u in (desk.office, desk.lead_user, desk.co_user, desk.third_user)
    )

    response = client.post(
        f"{base}/",
        headers=office,
        json={
            "channel": "paper",
            "title": "路灯不亮",
            "body": "西村三组路灯坏了一个月。",
            "raiser_phone": PHONE,
            "received_by_id": desk.rep,
            "category": "基础设施",
        },
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    case_id = created["id"]
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", created["tracking_code"])
    assert created["on_behalf"] is True and created["state"] == "registered"
    assert created["state_label"] == "已登记" and created["due_on"]
    detail = client.get(f"{base}/{case_id}", headers=office).get_json()
    assert "tracking_code" not in detail and "tracking_hash" not in detail
    assert [e["action"] for e in detail["history"]["events"]] == ["register"]

    # An illegal step: 409 illegal_transition, nothing changed.
    assert_error(
        client.post(f"{base}/{case_id}/archive", headers=office, json={}), 409, "illegal_transition"
    )
    assert _case(world, case_id).state == "registered"

    assert client.post(f"{base}/{case_id}/receive", headers=office, json={}).status_code == 200
    response = client.post(
        f"{base}/{case_id}/refer",
        headers=office,
        json={"lead_unit_id": desk.lead, "co_unit_ids": [desk.co], "complexity": "simple"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "referred"
    assert {(a["unit_id"], a["role"]) for a in body["history"]["assignments"]} == {
        (desk.lead, "lead"),
        (desk.co, "co"),
    }

    # Units see their own cases only.
    other_id = _register(desk, "别家的诉求")
    assert [c["id"] for c in client.get(f"{base}/", headers=co).get_json()] == [case_id]
    assert_error(client.get(f"{base}/{other_id}", headers=co), 404, "not_found")
    assert client.get(f"{base}/", headers=third).get_json() == []

    # Co-unit reply: recorded, state unchanged. An unassigned unit: 404, nothing changed.
    body = client.post(f"{base}/{case_id}/reply", headers=co, json={"text": "协办意见"}).get_json()
    assert body["state"] == "referred" and len(body["history"]["replies"]) == 1
    assert_error(client.post(f"{base}/{case_id}/reply", headers=third, json={"text": "x"}), 404)
    assert _count(world, CaseReply, case_id) == 1
    # The co-unit answered already: its assignment is done, another reply is refused.
    assert_error(
        client.post(f"{base}/{case_id}/reply", headers=co, json={"text": "再答"}),
        403,
        "permission_denied",
    )

    # Extension: requested by the lead unit, approved by the office; due date moves.
    due = date.fromisoformat(body["due_on"])
    until = due + timedelta(days=20)
    response = client.post(
        f"{base}/{case_id}/extension",
        headers=lead,
        json={"until": until.isoformat(), "reason": "需采购灯具"},
    )
    assert response.status_code == 201, response.get_json()
    extension_id = response.get_json()["id"]
    assert_error(
        client.post(
            f"{base}/extensions/{extension_id}/decision", headers=lead, json={"approve": True}
        ),
        403,
    )
    response = client.post(
        f"{base}/extensions/{extension_id}/decision", headers=office, json={"approve": True}
    )
    assert response.get_json()["status"] == "approved"
    assert client.get(f"{base}/{case_id}", headers=office).get_json()["due_on"] == until.isoformat()
    assert_error(
        client.post(
            f"{base}/extensions/{extension_id}/decision", headers=office, json={"approve": False}
        ),
        409,
    )

    body = client.post(f"{base}/{case_id}/reply", headers=lead, json={"text": "已更换"}).get_json()
    assert body["state"] == "replied" and body["answer"] == "已更换"
    body = client.post(f"{base}/{case_id}/feedback", headers=office, json={}).get_json()
    assert body["state"] == "feedback_given"
    body = client.post(
        f"{base}/{case_id}/rate", headers=office, json={"rating": "unsatisfied"}
    ).get_json()
    assert body["state"] == "rated" and body["rating"] == "unsatisfied"
    body = client.post(
        f"{base}/{case_id}/reassign", headers=office, json={"lead_unit_id": desk.third}
    ).get_json()
    assert body["state"] == "referred" and body["reassign_count"] == 1
    assert len(body["history"]["replies"]) == 2  # the first round's answers are kept
    assert [a["round"] for a in body["history"]["assignments"]] == [1, 1, 2]

    body = client.post(
        f"{base}/{case_id}/return", headers=third, json={"reason": "非本单位职责"}
    ).get_json()
    assert body["state"] == "referred"
    assert body["history"]["assignments"][-1]["status"] == "returned"

    body = client.post(
        f"{base}/{case_id}/escalate", headers=office, json={"reason": "需县级协调"}
    ).get_json()
    assert body["state"] == "escalated"

    county = bearer(world.users["county_admin"])
    queue_url = f"/api/v1/c/{world.county.slug}/escalations/"
    items = client.get(queue_url, headers=county).get_json()
    assert len(items) == 1
    item = items[0]
    assert set(item) == {
        "id",
        "township_id",
        "township_name",
        "case_id",
        "round",
        "title",
        "summary",
        "reason",
        "status",
        "answer",
        "answered_at",
        "created_at",
    }
    assert (item["title"], item["township_name"], item["reason"]) == (
        "路灯不亮",
        "甲镇",
        "需县级协调",
    )
    assert PHONE not in json.dumps(items)
    viewer = bearer(world.users["county_viewer"])
    assert client.get(queue_url, headers=viewer).status_code == 200
    assert_error(
        client.post(f"{queue_url}{item['id']}/answer", headers=viewer, json={"answer": "x"}), 403
    )
    response = client.post(
        f"{queue_url}{item['id']}/answer", headers=county, json={"answer": "县里办"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "answered"
    detail = client.get(f"{base}/{case_id}", headers=office).get_json()
    assert detail["state"] == "replied" and detail["answer"] == "县里办"
    assert detail["history"]["replies"][-1]["source"] == "county"
    assert client.get(queue_url, headers=county).get_json() == []
    assert len(client.get(f"{queue_url}?status=answered", headers=county).get_json()) == 1
    far = bearer(world.users["far_county_admin"])
    assert_error(client.get(queue_url, headers=far), 404)

    with tenant_context(world.township.id):
        assert _count(world, DeadlineExtension, case_id) == 1


def test_the_api_list_is_paginated_and_filtered(app, client, desk):
    for n in range(3):
        _register(desk, f"诉求{n}")
    base = f"/api/v1/t/{desk.slug}/cases/"
    office = bearer(desk.office)
    response = client.get(f"{base}?page=1&page_size=2", headers=office)
    assert response.status_code == 200 and len(response.get_json()) == 2
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    assert client.get(f"{base}?state=referred", headers=office).get_json() == []
    assert_error(client.get(f"{base}?state=nonsense", headers=office), 422)
    assert_error(
        client.post(base, headers=office, json={"channel": "phone", "title": "", "body": ""}), 422
    )


def test_another_townships_case_and_escalation_are_not_found(app, client, desk):
    world = desk.world
    other_admin = world.users["other_admin"]
    with tenant_context(world.other.id):
        theirs = actor(other_admin)
        case_id = cases.register(
            theirs,
            world.other,
            cases.CaseInput(channel="phone", title="乙镇专属诉求", body="乙镇"),
        ).case.id
        cases.receive(theirs, world.other, case_id)
        cases.escalate(theirs, world.other, case_id, reason="乙镇上报")
    office = _client(app, desk.office)
    for path in ("", "/receive", "/archive", "/escalate"):
        method = office.get if not path else office.post
        assert method(f"/t/{desk.slug}/cases/{case_id}{path}").status_code == 404
    headers = bearer(desk.office)
    api = f"/api/v1/t/{desk.slug}/cases"
    assert_error(client.get(f"{api}/{case_id}", headers=headers), 404)
    assert_error(client.post(f"{api}/{case_id}/archive", headers=headers, json={}), 404)
    assert "乙镇专属诉求" not in office.get(f"/t/{desk.slug}/cases/").get_data(as_text=True)
    assert client.get(f"{api}/", headers=headers).get_json() == []
    # The county of both townships sees the copy; another county neither lists nor answers it.
    with tenant_context(world.other.id):
        item_id = db.session.scalar(
            select(CountyEscalation.id).where(CountyEscalation.case_id == case_id)
        )
    far = bearer(world.users["far_county_admin"])
    assert_error(
        client.post(
            f"/api/v1/c/{world.far_county.slug}/escalations/{item_id}/answer",
            headers=far,
            json={"answer": "越权"},
        ),
        404,
    )
    with tenant_context(world.other.id):
        assert _case_in(world.other, case_id).state == "escalated"


def _case_in(township: Any, case_id: int) -> Case:
    db.session.expire_all()
    case = db.session.get(Case, (township.id, case_id))
    assert case is not None
    return case
