"""A rating reads as 满意 / 基本满意 / 不满意 in the case's history, on the page and in the API,
never as its code (the event keeps the code: `satisfied`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework import service as cases
from lianxin.casework.models import CaseEvent
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from tests.factories import actor
from tests.helpers import bearer, login
from tests.web.visible_text import visible_text

CASE = {
    "channel": "regular_visit",
    "title": "村道路灯不亮",
    "body": "东关村3组路灯坏了两个月。",
    "category": "基础设施",
}


@pytest.fixture
def rated(world):
    """A case answered by a unit, told to the person and rated 基本满意 by phone."""
    t, office = world.township, actor(world.users["township_staff"])
    admin = actor(world.users["township_admin"])
    with tenant_context(t.id):
        unit = people.create_unit(admin, t, people.UnitInput(name="镇城建办"))
        added = people.add_unit_user(admin, t, unit.id, username="u.roads", display_name="答复人")
        answerer = actor_for(db.session.get(User, added.membership.user_id))
        case_id = cases.register(office, t, cases.CaseInput(**CASE)).case.id
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=unit.id))
        cases.unit_reply(answerer, t, case_id, "已安排本周更换路灯。")
        cases.give_feedback(office, t, case_id, "已电话告知")
        cases.record_rating(office, t, case_id, "basically_satisfied", "希望快些")
        db.session.commit()
    return case_id


def test_the_history_page_names_the_rating(app, world, client, rated):
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/cases/{rated}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    events = html[html.index('id="events"') : html.index("</table>", html.index('id="events"'))]
    assert "基本满意" in events
    assert "satisfied" not in visible_text(html)


def test_the_api_history_names_the_rating(app, world, client, rated):
    response = client.get(
        f"/api/v1/t/{world.township.slug}/cases/{rated}",
        headers=bearer(world.users["township_staff"]),
    )
    assert response.status_code == 200
    events = response.get_json()["history"]["events"]
    rate = next(e for e in events if e["action"] == "rate")
    assert rate["note"] == "基本满意"
    with tenant_context(world.township.id):
        stored = db.session.scalar(select(CaseEvent.note).where(CaseEvent.action == "rate"))
    assert stored == "basically_satisfied"  # the record keeps the code


def test_other_notes_are_shown_as_written(app):
    from lianxin.casework.schemas import event_note

    class Event:
        def __init__(self, action, note):
            self.action, self.note = action, note

    assert event_note(Event("give_feedback", "satisfied?")) == "satisfied?"
    assert event_note(Event("rate", "unsatisfied")) == "不满意"
    assert event_note(Event("rate", "满意：很好")) == "满意：很好"
    assert event_note(Event("rate", None)) == ""
