"""The casework state machine and its rules, through the service."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework import service as cases
from lianxin.casework.inputs import CaseInputSchema, InadmissibleInputSchema
from lianxin.casework.models import (
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseEvent,
    CountyEscalation,
)
from lianxin.casework.states import TRANSITIONS, actions_from
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.notify.models import Notification, OutboxMessage
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor

CASE = {
    "channel": "regular_visit",
    "title": "村道路灯不亮",
    "body": "东关村3组路灯坏了两个月。",
    "category": "基础设施",
    "raiser_name": "王大爷",
    "raiser_phone": "13800000001",
}


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@pytest.fixture
def units(world):
    """Two units of our township, each with a user who answers for it."""
    admin = actor(world.users["township_admin"])
    made = {}
    with tenant_context(world.township.id):
        for key, name in (("roads", "镇城建办"), ("farm", "镇农业农村办")):
            unit = people.create_unit(admin, world.township, people.UnitInput(name=name))
            added = people.add_unit_user(
                admin, world.township, unit.id, username=f"u.{key}", display_name=name + "答复人"
            )
            user = db.session.get(User, added.membership.user_id)
            made[key] = (unit, actor_for(user))
    return made


def _new(world, office, **extra):
    with tenant_context(world.township.id):
        return cases.register(office, world.township, cases.CaseInput(**{**CASE, **extra}))


def _state(world, case_id):
    with tenant_context(world.township.id):
        return db.session.get(Case, (world.township.id, case_id)).state


def test_register_records_who_how_and_a_due_date(app, world, office):
    new = _new(world, office)
    case = new.case
    assert case.state == "registered" and case.on_behalf and case.recorded_by_id
    from lianxin.casework import deadlines

    assert case.due_on == deadlines.shanghai_today() + timedelta(days=60)
    assert len(new.tracking_code) == 19 and case.tracking_hash == cases.code_digest(
        new.tracking_code
    )
    assert new.tracking_code not in (case.title, case.body, case.tracking_hash)
    with tenant_context(world.township.id):
        assert cases.find_by_code(world.township, new.tracking_code.lower()).id == case.id
        with pytest.raises(NotFound):
            cases.find_by_code(world.township, "AAAA-BBBB-CCCC-DDDD")


def test_codes_are_long_and_random():
    codes = {cases.new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(set(c.replace("-", "")) <= set(cases.CODE_ALPHABET) for c in codes)


def test_bad_input_is_named_and_nothing_is_written(app, world, office):
    bad = {**CASE, "title": "", "channel": "carrier-pigeon", "raiser_phone": "12ab"}
    with pytest.raises(ValidationFailed) as exc:
        load_input(CaseInputSchema, bad)
    assert {"title", "channel"} <= set(exc.value.errors)
    # The phone is checked by the use case, after the representative (another township's is
    # 404 whatever else a request says), so it is named once the form's fields are right.
    with pytest.raises(ValidationFailed) as exc, tenant_context(world.township.id):
        cases.register(office, world.township, cases.CaseInput(**{**CASE, "raiser_phone": "12ab"}))
    assert "raiser_phone" in exc.value.errors
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_full_life_of_a_case(app, world, office, units):
    lead, lead_actor = units["roads"]
    co, co_actor = units["farm"]
    case_id = _new(world, office).case.id
    t = world.township
    with tenant_context(t.id):
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=lead.id, co_unit_ids=[co.id]))
        cases.unit_reply(co_actor, t, case_id, "协办意见：配合更换。")
        assert _state(world, case_id) == "referred"  # a co-unit's answer does not close it
        cases.unit_reply(lead_actor, t, case_id, "已安排本周更换路灯。")
        assert _state(world, case_id) == "replied"
        cases.give_feedback(office, t, case_id, "已电话告知")
        case = db.session.get(Case, (t.id, case_id))
        cases.rate(t, case, "satisfied")
        cases.archive(office, t, case_id)
        actions = db.session.scalars(
            select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
        assert actions == [
            "register",
            "receive",
            "refer",
            "attach",
            "reply",
            "give_feedback",
            "rate",
            "archive",
        ]
        events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        assert all(e.actor_name and e.created_at for e in events)
        assert db.session.get(Case, (t.id, case_id)).closed_at is not None
        sms = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "sms")).all()
        assert [m.payload["phone"] for m in sms] == ["13800000001"]


@pytest.mark.parametrize(
    "action",
    sorted(
        a
        for a, t in TRANSITIONS.items()
        if t.target and "registered" not in {str(s) for s in t.sources}
    ),
)
def test_every_illegal_transition_is_refused(app, world, office, action):
    case = _new(world, office).case
    assert action not in actions_from("registered")
    with tenant_context(world.township.id):
        before = db.session.scalar(select(func.count()).select_from(CaseEvent))
        with pytest.raises(cases.IllegalTransition):
            cases._move(db.session.get(Case, (world.township.id, case.id)), action, office)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == before
        assert _state(world, case.id) == "registered"


def test_inadmissible_and_on_the_spot(app, world, office):
    t = world.township
    a, b = _new(world, office).case.id, _new(world, office, title="低保咨询").case.id
    with tenant_context(t.id):
        with pytest.raises(ValidationFailed):
            load_input(InadmissibleInputSchema, {"reason": "", "referral_text": ""})
        cases.mark_inadmissible(
            office, t, a, reason="已进入诉讼程序", referral_text="请向人民法院了解进展。"
        )
        assert db.session.get(Case, (t.id, a)).answer == "请向人民法院了解进展。"
        cases.receive(office, t, b)
        cases.handle_on_spot(office, t, b, "当场解释了低保申请条件。")
        assert _state(world, b) == "handled_on_spot"


def test_units_see_only_their_cases_and_answer_only_them(app, world, office, units):
    t = world.township
    roads, roads_actor = units["roads"]
    farm, farm_actor = units["farm"]
    case_id = _new(world, office).case.id
    with tenant_context(t.id):
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=roads.id))
        assert [r.case.id for r in cases.list_cases(roads_actor, t)[0]] == [case_id]
        assert cases.list_cases(farm_actor, t)[1] == 0
        with pytest.raises(NotFound):
            cases.unit_reply(farm_actor, t, case_id, "不是我们的事")
        with pytest.raises(PermissionDenied):
            cases.refer(roads_actor, t, case_id, cases.ReferInput(lead_unit_id=farm.id))
        assert _state(world, case_id) == "referred"


def test_return_extension_and_reroute(app, world, office, units):
    t = world.township
    roads, roads_actor = units["roads"]
    farm, farm_actor = units["farm"]
    # A simple case (10 days) leaves room for an extension within the 60 calendar days.
    tenants.update_module_settings(
        actor(world.users["county_admin"]), world.county, t.id, "casework", {"simple_complex": True}
    )
    case_id = _new(world, office, complexity="simple").case.id
    with tenant_context(t.id):
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=farm.id))
        cases.return_to_office(farm_actor, t, case_id, "路灯归城建办管理")
        returned = db.session.scalar(
            select(CaseAssignment).where(CaseAssignment.case_id == case_id)
        )
        assert returned.status == AssignmentStatus.RETURNED
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=roads.id))
        due = db.session.get(Case, (t.id, case_id)).due_on
        with pytest.raises(ValidationFailed):
            cases.request_extension(roads_actor, t, case_id, until=due, reason="材料未到")
        ext = cases.request_extension(
            roads_actor, t, case_id, until=due + timedelta(days=15), reason="需采购灯具"
        )
        cases.decide_extension(office, t, ext.id, approve=True)
        assert db.session.get(Case, (t.id, case_id)).due_on == due + timedelta(days=15)


def test_unsatisfied_is_reassigned_then_escalated_to_the_county(app, world, office, units):
    t = world.township
    roads, roads_actor = units["roads"]
    county_admin = actor(world.users["county_admin"])
    tenants.update_module_settings(
        county_admin, world.county, t.id, "casework", {"max_reassignments": 1}
    )
    case_id = _new(world, office).case.id
    with tenant_context(t.id):
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=roads.id))
        cases.unit_reply(roads_actor, t, case_id, "已处理。")
        cases.rate(t, db.session.get(Case, (t.id, case_id)), "unsatisfied")
        cases.reassign(office, t, case_id, lead_unit_id=roads.id)  # 再交办 #1
        case = db.session.get(Case, (t.id, case_id))
        assert case.state == "referred" and case.reassign_count == 1 and case.rating is None
        assert db.session.scalar(select(func.count()).select_from(CaseAssignment)) == 2
        cases.unit_reply(roads_actor, t, case_id, "再次处理。")
        cases.rate(t, db.session.get(Case, (t.id, case_id)), "unsatisfied")
        cases.reassign(office, t, case_id, lead_unit_id=roads.id)  # over the limit: county
        assert _state(world, case_id) == "escalated"
    queue = cases.county_queue(county_admin, world.county)
    assert [(q.tenant_id, q.case_id, q.title) for q in queue] == [(t.id, case_id, CASE["title"])]
    with pytest.raises(NotFound):
        cases.county_queue(actor(world.users["far_county_admin"]), world.county)
    cases.county_answer(county_admin, world.county, queue[0].id, "县交通局统一安排。")
    assert _state(world, case_id) == "replied"
    with tenant_context(t.id):
        assert db.session.get(Case, (t.id, case_id)).answer == "县交通局统一安排。"
    assert db.session.get(CountyEscalation, queue[0].id).status == "answered"


def test_working_day_deadlines_follow_the_settings(app, world, office):
    county_admin = actor(world.users["county_admin"])
    tenants.update_module_settings(
        county_admin,
        world.county,
        world.township.id,
        "casework",
        {"simple_complex": True, "day_count": "working"},
    )
    case = _new(world, office, complexity="simple").case
    from lianxin.casework import deadlines

    expected = deadlines.add_days(deadlines.shanghai_today(), 10, deadlines.DayCount.WORKING)
    assert case.due_on == expected


def test_reminders_are_sent_once_per_due_date(app, world, office, units):
    t = world.township
    roads, roads_actor = units["roads"]
    case_id = _new(world, office).case.id
    today = date(2026, 3, 2)
    with tenant_context(t.id):
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=roads.id))
        db.session.get(Case, (t.id, case_id)).due_on = today + timedelta(days=2)
        db.session.commit()
        assert cases.send_reminders(t, today) == {"due_soon": 1, "overdue": 0}
        assert cases.send_reminders(t, today) == {"due_soon": 0, "overdue": 0}
        late = today + timedelta(days=3)
        assert cases.send_reminders(t, late) == {"due_soon": 0, "overdue": 1}
        assert cases.send_reminders(t, late) == {"due_soon": 0, "overdue": 0}
        titles = db.session.scalars(
            select(Notification.title)
            .where(Notification.user_id == roads_actor.user_id)
            .order_by(Notification.id)
        ).all()
        assert [t_.split("：")[0] for t_ in titles] == ["交办", "即将到期", "已逾期"]


def test_another_townships_case_is_not_found(app, world, office):
    case_id = _new(world, office).case.id
    other = actor(world.users["other_admin"])
    with tenant_context(world.other.id), pytest.raises(NotFound):
        cases.receive(other, world.other, case_id)
    with tenant_context(world.township.id):
        assert _state(world, case_id) == "registered"


def test_representatives_see_the_cases_they_received(app, world, office):
    rep_user = world.users["representative"]
    with tenant_context(world.township.id):
        rep = people.create_representative(
            office,
            world.township,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": "赵代表",
                    "gender": "男",
                    "birth_date": "1970-01-01",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                },
            ),
        )
        rep.user_id = rep_user.id
        db.session.commit()
        mine = cases.register(
            office, world.township, cases.CaseInput(**{**CASE, "received_by_id": rep.id})
        ).case
        cases.register(office, world.township, cases.CaseInput(**{**CASE, "title": "别人的"}))
        seen = cases.list_cases(actor(rep_user), world.township)[0]
        assert [r.case.id for r in seen] == [mine.id]


def test_attachments_from_the_office_and_the_assigned_unit_only(app, world, office, units, client):
    import io

    from tests.helpers import bearer
    from tests.test_isolation_walk import PNG

    t = world.township
    roads, roads_actor = units["roads"]
    _farm, farm_actor = units["farm"]
    case_id = _new(world, office).case.id
    with tenant_context(t.id):
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=roads.id))
        cases.attach(office, t, case_id, io.BytesIO(PNG), "现场照片.png")
        cases.attach(roads_actor, t, case_id, io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n"), "答复.pdf")
        with pytest.raises(NotFound):
            cases.attach(farm_actor, t, case_id, io.BytesIO(PNG), "x.png")
        with pytest.raises(ValidationFailed):
            cases.attach(office, t, case_id, io.BytesIO(b"MZ\x90\x00" * 20), "x.pdf")
        names = [f.filename for f in cases.attachments(office, t, case_id)]
        assert names == ["现场照片.png", "答复.pdf"]
    headers = bearer(world.users["township_staff"])
    listed = client.get(f"/api/v1/t/{t.slug}/cases/{case_id}/attachments", headers=headers)
    assert [a["filename"] for a in listed.get_json()] == names
    posted = client.post(
        f"/api/v1/t/{t.slug}/cases/{case_id}/attachments",
        headers=headers,
        data={"file": (io.BytesIO(PNG), "补充.png")},
    )
    assert posted.status_code == 201
