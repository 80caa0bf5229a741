"""The to-do lines: a group leader's activities to record and report due; the office's groups
behind and reports overdue."""

from __future__ import annotations

from datetime import date, timedelta

from lianxin.modules.group_activities import todo
from tests.factories import actor
from tests.modules.group_activities.conftest import SESSION_DAY


def test_the_leader_and_the_office_see_their_lines(
    app, world, clock, office, people, tctx, session_id
):
    _reps, users, _groups = people
    with app.test_request_context():
        keys = {i.key for i in todo.items(actor(users[0]), tctx)}
        assert {"group_activities.to_record", "group_activities.report_due"} <= keys
        assert not {i.key for i in todo.items(actor(users[1]), tctx)}
        clock.today = SESSION_DAY - timedelta(days=14)  # a day after the reports' due day
        assert "group_activities.overdue" in {i.key for i in todo.items(office, tctx)}
        clock.today = date(2026, 7, 1)  # the first half-year is over
        assert "group_activities.behind" in {i.key for i in todo.items(office, tctx)}
