"""The pre-session reports through the API: the office lists which groups filed for a session
and which have not, and files them with the session's documents, calling the pages' use cases;
another township's session is 404, a representative 403, nothing filed yet 409."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import Document, Session
from tests.helpers import assert_error, bearer

BASE = "/api/v1/t/jia-zhen/group_activities"


def test_the_office_lists_and_files_the_reports(world, clock, people, session_id, client):
    _reps, users, (one, two) = people
    staff = bearer(world.users["township_staff"])
    assert_error(client.post(f"{BASE}/sessions/{session_id}/file", headers=staff), 409)
    filed = client.post(
        f"{BASE}/groups/{one}/reports",
        json={"session_id": session_id, "body": "一组报告"},
        headers=bearer(users[0]),
    )
    assert filed.status_code == 201
    listed = client.get(f"{BASE}/sessions/{session_id}/reports", headers=staff)
    assert listed.status_code == 200, listed.get_json()
    rows = {r["group_id"]: r for r in listed.get_json()}
    assert rows[one]["filed"] and rows[one]["report"]["body"] == "一组报告"
    assert not rows[two]["filed"] and rows[two]["report"] is None
    assert rows[two]["due_on"] == "2026-06-05"
    assert (
        client.get(f"{BASE}/sessions/{session_id}/reports", headers=bearer(users[0])).status_code
        == 403
    )
    made = client.post(f"{BASE}/sessions/{session_id}/file", headers=staff)
    assert made.status_code == 201, made.get_json()
    document = made.get_json()
    assert document["session_id"] == session_id and document["title"] == "各代表小组书面联络报告"
    with tenant_context(world.township.id):
        assert db.session.get(Document, (world.township.id, document["id"])) is not None


def test_another_townships_session_is_not_found(world, clock, people, session_id, client):
    with tenant_context(world.other.id):
        foreign = Session(
            title="别镇年会",
            held_on=date(2026, 6, 20),
            ends_on=date(2026, 6, 20),
            place="",
            checkin_token="y" * 24,
        )
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    staff = bearer(world.users["township_staff"])
    assert_error(client.get(f"{BASE}/sessions/{foreign_id}/reports", headers=staff), 404)
    assert_error(client.post(f"{BASE}/sessions/{foreign_id}/file", headers=staff), 404)
    with tenant_context(world.other.id):
        assert db.session.scalars(select(Document)).all() == []


def _documents(world, session_id):
    with tenant_context(world.township.id):
        return [
            d.title
            for d in db.session.scalars(
                select(Document).where(Document.session_id == session_id).order_by(Document.id)
            )
        ]


def test_filing_again_is_refused_until_a_new_report_comes(world, clock, people, session_id, client):
    """Filed once, filing again with the same reports is a 409 and adds nothing; once another
    group has reported, filing again files the updated collection (the earlier one stays as
    what was filed then)."""
    _reps, users, (one, two) = people
    staff = bearer(world.users["township_staff"])
    for group, user in ((one, users[0]),):
        client.post(
            f"{BASE}/groups/{group}/reports",
            json={"session_id": session_id, "body": "一组报告"},
            headers=bearer(user),
        )
    assert client.post(f"{BASE}/sessions/{session_id}/file", headers=staff).status_code == 201
    again = assert_error(
        client.post(f"{BASE}/sessions/{session_id}/file", headers=staff),
        409,
        "group_activity_rule",
    )
    assert "已列入年会文件" in again["message"]
    assert _documents(world, session_id) == ["各代表小组书面联络报告"]
    client.post(
        f"{BASE}/groups/{two}/reports",
        json={"session_id": session_id, "body": "二组报告"},
        headers=bearer(users[3]),
    )
    made = client.post(f"{BASE}/sessions/{session_id}/file", headers=staff)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["title"] == "各代表小组书面联络报告（更新）"
    assert_error(client.post(f"{BASE}/sessions/{session_id}/file", headers=staff), 409)
    assert _documents(world, session_id) == [
        "各代表小组书面联络报告",
        "各代表小组书面联络报告（更新）",
    ]


def test_the_page_files_once(world, clock, people, session_id, client):
    from tests.helpers import login

    _reps, users, (one, _two) = people
    client.post(
        f"{BASE}/groups/{one}/reports",
        json={"session_id": session_id, "body": "一组报告"},
        headers=bearer(users[0]),
    )
    login(client, world.users["township_staff"])
    url = f"/t/jia-zhen/group_activities/sessions/{session_id}/file"
    first = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "已列入年会文件" in first
    second = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "此后没有新提交的报告" in second
    assert _documents(world, session_id) == ["各代表小组书面联络报告"]
