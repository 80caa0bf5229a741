"""The annual sessions on the to-do home: the items the committee (and the office) must decide
for the agenda, the leave requests the office must answer, a representative's next session.
A representative never sees the committee's or the office's lines."""

from __future__ import annotations

from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service, todo
from tests.factories import actor
from tests.modules.annual_sessions.test_service import _item


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_items_to_decide_leave_to_answer_and_the_next_session(
    app, clock, cast, tctx, office, world
):
    session_page = f"/t/{tctx.slug}/annual_sessions/{cast.session}"
    rep = cast.actors[2]
    mine = _items(app, rep, tctx)
    assert set(mine) == {"annual_sessions.next"}
    assert mine["annual_sessions.next"].url == session_page
    assert "3月20日" in str(mine["annual_sessions.next"].note)
    assert "镇会议中心" in str(mine["annual_sessions.next"].note)
    committee = actor(world.users["committee_member"])
    assert _items(app, committee, tctx) == {}

    item = _item(cast, tctx, rep)
    for who in (committee, office):
        waiting = _items(app, who, tctx)["annual_sessions.items"]
        assert waiting.count == 1 and waiting.url == session_page
    service.request_leave(cast.actors[3], tctx, cast.session, "外出学习")
    leave = _items(app, office, tctx)["annual_sessions.leave"]
    assert leave.count == 1 and leave.urgent
    assert leave.url == f"{session_page}/attendance"
    assert "annual_sessions.leave" not in _items(app, committee, tctx)
    assert set(_items(app, rep, tctx)) == {"annual_sessions.next"}

    service.decide_item(committee, tctx, item.id, accept=True)
    service.decide_leave(office, tctx, cast.session, cast.reps[3], approve=True)
    assert set(_items(app, office, tctx)) == set()
    with tenant_context(world.other.id):
        assert _items(app, actor(world.users["other_admin"]), world.other) == {}
