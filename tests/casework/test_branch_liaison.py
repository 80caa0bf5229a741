"""A branch's liaison in casework (000 第三篇 第九、十条; 第五篇 工作室制度、联络员职责).

The liaison logs a visit (代为登记), records the receiving representative's proposed handling
(拟办意见) and their signature (by the representative's own account, or 代表已签字 from the paper
log), and only then sends the case on to the branch head and the office; then follows it, feeds
back and archives it. The liaison sees exactly their branch's cases: not another branch's, not
another township's (404), and may take no step outside theirs (403) nor out of order (409).

The scene: our township's branch 东村 (the world's `branch_liaison` is its liaison; the world's
`representative` is its representative 张秀英) and 西村 (its own liaison and representative);
the other township's branch with its liaison and a case of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import g
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.casework.inputs import PaperSignOffInput, ProposedHandlingInputSchema
from lianxin.casework.models import Case, CaseEvent
from lianxin.casework.states import TRANSITIONS
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.notify.models import OutboxMessage
from lianxin.people import service as people
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import load_input
from tests.factories import actor, grant, make_branch, make_user
from tests.helpers import assert_error, bearer, login

VISIT = {
    "channel": "regular_visit",
    "title": "东村水渠淤堵",
    "body": "东村三组灌溉水渠淤堵，春耕用水困难。",
    "category": "农业农村",
    "raiser_name": "王大伯",
    "raiser_phone": "13800138001",
}
PROPOSAL = "建议由镇农业农村办牵头，组织村里在春耕前清淤。"


@dataclass
class Scene:
    world: Any
    township: Township
    office: Actor
    liaison: Actor  # 东村's liaison (the world's branch_liaison)
    west_liaison: Actor
    rep: Actor  # 张秀英 of 东村, by her own account
    west_rep: Actor
    unit: Actor
    east: int
    west: int
    east_rep: int
    west_rep_id: int
    unit_id: int
    other_case: int  # a case of the other township's branch
    other_branch: int
    other_liaison: Actor
    users: dict[str, User]


def _rep(office: Actor, township: Township, name: str, branch_id: int, birth: str) -> int:
    return people.create_representative(
        office,
        township,
        load_input(
            people.RepresentativeInputSchema,
            {
                "name": name,
                "gender": "女",
                "birth_date": birth,
                "education": "大学本科",
                "category": "农民",
                "term": 13,
                "branch_id": branch_id,
            },
        ),
    ).id


@pytest.fixture
def scene(app, world) -> Scene:
    t, other = world.township, world.other
    office = actor(world.users["township_staff"])
    admin = actor(world.users["township_admin"])
    east = world.branches["t"]
    west = make_branch(t, "西村党支部")
    users = {
        "west_liaison": make_user("w.liaison", name="西村联络员"),
        "west_rep": make_user("w.rep", name="李桂兰"),
        "unit": make_user("u.farm", name="农业办答复人"),
        "other_liaison": make_user("o.liaison", name="乙镇联络员"),
    }
    grant(users["west_liaison"], Role.BRANCH_LIAISON, township=t, branch=west)
    grant(users["west_rep"], Role.REPRESENTATIVE, township=t)
    grant(users["other_liaison"], Role.BRANCH_LIAISON, township=other, branch=world.branches["o"])
    with tenant_context(t.id):
        db.session.get(Branch, (t.id, east.id)).secretary_name = "周国平"
        east_rep = _rep(office, t, "张秀英", east.id, "1975-03-01")
        west_rep = _rep(office, t, "李桂兰", west.id, "1970-05-02")
        people.link_account(admin, t, east_rep, user_id=world.users["representative"].id)
        people.link_account(admin, t, west_rep, user_id=users["west_rep"].id)
        unit = people.create_unit(office, t, people.UnitInput(name="镇农业农村办")).id
        db.session.commit()
    membership = grant(users["unit"], Role.HANDLING_UNIT, township=t)
    membership.unit_id = unit
    db.session.commit()
    other_liaison = actor(users["other_liaison"])
    other_branch = world.branches["o"].id
    with tenant_context(other.id):
        other_office = actor(world.users["other_admin"])
        other_rep = _rep(other_office, other, "赵大山", world.branches["o"].id, "1968-01-01")
        db.session.commit()
        other_case = cases.register(
            other_liaison,
            other,
            cases.CaseInput(**{**VISIT, "title": "乙镇的事"}, received_by_id=other_rep),
        ).case.id
    return Scene(
        world,
        t,
        office,
        actor(world.users["branch_liaison"]),
        actor(users["west_liaison"]),
        actor(world.users["representative"]),
        actor(users["west_rep"]),
        actor(users["unit"]),
        east.id,
        west.id,
        east_rep,
        west_rep,
        unit,
        other_case,
        other_branch,
        other_liaison,
        users,
    )


def _log(s: Scene, who: Actor | None = None, **extra: Any) -> int:
    """A visit logged at a branch, by its liaison (東村's by default)."""
    data = {**VISIT, "received_by_id": s.east_rep, **extra}
    with tenant_context(s.township.id):
        return cases.register(who or s.liaison, s.township, cases.CaseInput(**data)).case.id


def _case(s: Scene, case_id: int) -> Case:
    db.session.expire_all()
    with tenant_context(s.township.id):
        case = db.session.get(Case, (s.township.id, case_id))
        assert case is not None
        return case


def _do(s: Scene, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with tenant_context(s.township.id):
        return fn(*args, **kwargs)


def _outbox(s: Scene, title_part: str) -> list[dict[str, Any]]:
    with tenant_context(s.township.id):
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.topic == "notify", OutboxMessage.tenant_id == s.township.id)
            .order_by(OutboxMessage.id)  # oldest first: an UPDATE moves a row in the heap
        ).all()
    return [m.payload for m in rows if title_part in m.payload["title"]]


def _signed(s: Scene) -> int:
    """A logged visit with its proposed handling signed by the representative's account."""
    case_id = _log(s)
    _do(s, cases.propose_handling, s.liaison, s.township, case_id, PROPOSAL)
    _do(s, cases.sign_off, s.rep, s.township, case_id)
    return case_id


# --- whose case it is -------------------------------------------------------------------------


def test_a_logged_visit_waits_at_the_branch_and_the_representative_is_asked(scene):
    s = scene
    case_id = _log(s)
    case = _case(s, case_id)
    assert (case.state, case.branch_id, case.received_by_id) == (
        "branch_registered",
        s.east,
        s.east_rep,
    )
    assert case.on_behalf and case.recorded_by_id == s.liaison.user_id
    # The 60-day clock runs from the visit, whoever holds the case.
    assert case.due_on == deadlines.shanghai_today() + timedelta(days=60)
    with tenant_context(s.township.id):
        (event,) = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
    assert (event.action, event.note) == ("register", "支部联络员代为登记")
    # Not the office's yet; the representative is asked, with a link to the case.
    assert _outbox(s, "新诉求") == []
    (asked,) = _outbox(s, "来访登记")
    assert asked["user_ids"] == [s.rep.user_id]
    assert asked["link"] == f"/t/{s.township.slug}/cases/{case_id}"


def test_a_logged_visit_names_its_receiving_representative_and_only_the_liaisons_branch(scene):
    s = scene
    with pytest.raises(ValidationFailed) as missing:
        _log(s, received_by_id=None)
    assert "received_by_id" in missing.value.errors
    with pytest.raises(ValidationFailed) as elsewhere:
        _log(s, branch_id=s.west)
    assert "branch_id" in elsewhere.value.errors
    # Another township's branch is not found at all.
    with pytest.raises(NotFound):
        _log(s, branch_id=s.other_branch)
    # A representative of another branch on duty here: the visit is still the liaison's branch's.
    assert _case(s, _log(s, received_by_id=s.west_rep_id)).branch_id == s.east


def test_cases_of_others_take_the_receiving_representatives_branch(scene):
    s = scene
    with tenant_context(s.township.id):
        by_office = cases.register(
            s.office, s.township, cases.CaseInput(**VISIT, received_by_id=s.west_rep_id)
        ).case
        unnamed = cases.register(s.office, s.township, cases.CaseInput(**VISIT)).case
        assert (by_office.state, by_office.branch_id) == ("registered", s.west)
        assert unnamed.branch_id is None
        # Received later by a representative: the case becomes that branch's.
        cases.receive(s.office, s.township, unnamed.id, s.east_rep)
        # The office may name the branch itself.
        named = cases.register(
            s.office, s.township, cases.CaseInput(**VISIT, branch_id=s.east)
        ).case
        assert named.branch_id == s.east
    assert _case(s, unnamed.id).branch_id == s.east


# --- the liaison sees exactly their branch's cases ---------------------------------------------


def test_the_liaison_sees_its_branchs_cases_and_no_other(scene):
    s = scene
    ours = _log(s)
    theirs = _log(s, s.west_liaison, received_by_id=s.west_rep_id)
    with tenant_context(s.township.id):
        officed = cases.register(s.office, s.township, cases.CaseInput(**VISIT)).case.id
        rows, total = cases.list_cases(s.liaison, s.township)
        assert [r.case.id for r in rows] == [ours] and total == 1
        assert cases.history(s.liaison, s.township, ours)["events"]
        for hidden in (theirs, officed, s.other_case):
            with pytest.raises(NotFound):
                cases.get_case(s.liaison, s.township, hidden)
            with pytest.raises(NotFound):
                cases.history(s.liaison, s.township, hidden)
        west_rows, _n = cases.list_cases(s.west_liaison, s.township)
        assert [r.case.id for r in west_rows] == [theirs]
    # The other township's liaison, in its own township, does not reach ours.
    with tenant_context(s.world.other.id), pytest.raises(NotFound):
        cases.get_case(s.other_liaison, s.world.other, ours)


def test_the_api_and_pages_answer_404_for_another_branchs_or_townships_case(scene, client):
    s = scene
    ours = _log(s)
    theirs = _log(s, s.west_liaison, received_by_id=s.west_rep_id)
    slug, liaison = s.township.slug, s.world.users["branch_liaison"]
    api = f"/api/v1/t/{slug}/cases"
    listed = client.get(f"{api}/", headers=bearer(liaison))
    assert [c["id"] for c in listed.get_json()] == [ours]
    mine = client.get(f"{api}/{ours}", headers=bearer(liaison)).get_json()
    assert mine["branch_id"] == s.east and mine["state"] == "branch_registered"
    # The liaison feeds back to the person: their name and phone are the liaison's to see.
    assert (mine["raiser_name"], mine["raiser_phone"]) == ("王大伯", "13800138001")
    for case_id in (theirs, s.other_case):
        assert_error(client.get(f"{api}/{case_id}", headers=bearer(liaison)), 404)
        assert_error(client.post(f"{api}/{case_id}/send-on", json={}, headers=bearer(liaison)), 404)
        assert_error(client.post(f"{api}/{case_id}/archive", json={}, headers=bearer(liaison)), 404)
    # Another township's liaison through its own URL does not reach ours either.
    other = f"/api/v1/t/{s.world.other.slug}/cases/{ours}"
    assert_error(client.get(other, headers=bearer(s.users["other_liaison"])), 404)
    # Our liaison at the other township's URL: not a member there.
    assert_error(
        client.get(f"/api/v1/t/{s.world.other.slug}/cases/{s.other_case}", headers=bearer(liaison)),
        404,
    )
    login(client, liaison)
    assert client.get(f"/t/{slug}/cases/{ours}").status_code == 200
    assert client.get(f"/t/{slug}/cases/{theirs}").status_code == 404
    page = client.get(f"/t/{slug}/cases/").get_data(as_text=True)
    assert f'data-case="{ours}"' in page and f'data-case="{theirs}"' not in page


# --- the order: proposed handling → signature → sent on ----------------------------------------

# Each step, and who takes it, in order; every later step is refused before it.
STEPS = ("propose_handling", "sign_off", "send_on")


def _step(s: Scene, step: str, case_id: int) -> Case:
    with tenant_context(s.township.id):
        if step == "propose_handling":
            return cases.propose_handling(s.liaison, s.township, case_id, PROPOSAL)
        if step == "sign_off":
            return cases.sign_off(s.rep, s.township, case_id)
        if step == "record_sign_off":
            return cases.record_sign_off(
                s.liaison,
                s.township,
                case_id,
                PaperSignOffInput(signed_on=deadlines.shanghai_today()),
            )
        return cases.send_on(s.liaison, s.township, case_id)


@pytest.mark.parametrize("done", range(len(STEPS)))
def test_no_step_before_the_one_before_it(scene, done):
    """With `done` steps taken, every step after the next is refused (409) and changes nothing."""
    s = scene
    case_id = _log(s)
    for step in STEPS[:done]:
        _step(s, step, case_id)
    state = _case(s, case_id).state
    for later in [*STEPS[done + 1 :], *(["record_sign_off"] if done == 0 else [])]:
        with pytest.raises(cases.IllegalTransition):
            _step(s, later, case_id)
        db.session.rollback()
        assert _case(s, case_id).state == state
    _step(s, STEPS[done], case_id)


def test_the_office_receives_only_what_the_branch_sent_on(scene):
    s = scene
    case_id = _log(s)
    for step in ("propose_handling", "sign_off"):
        with pytest.raises(cases.IllegalTransition):
            _do(s, cases.receive, s.office, s.township, case_id)
        db.session.rollback()
        _step(s, step, case_id)
    case = _do(s, cases.send_on, s.liaison, s.township, case_id, "同意拟办意见")
    assert case.state == "registered"
    (told,) = _outbox(s, "支部送办")
    assert told["link"] == f"/t/{s.township.slug}/cases/{case_id}"
    assert s.office.user_id in told["user_ids"] and PROPOSAL in told["body"]
    with tenant_context(s.township.id):
        events = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
    assert [(e.action, e.to_state) for e in events] == [
        ("register", "branch_registered"),
        ("propose_handling", "proposed"),
        ("sign_off", "signed_off"),
        ("send_on", "registered"),
    ]
    assert events[-1].note == "已送支部负责人周国平及联络办；同意拟办意见"
    assert events[1].note == PROPOSAL
    assert {e.actor_user_id for e in events} == {s.liaison.user_id, s.rep.user_id}
    _do(s, cases.receive, s.office, s.township, case_id)


def test_a_changed_proposal_is_signed_again(scene):
    s = scene
    case_id = _signed(s)
    assert _case(s, case_id).signed_on == deadlines.shanghai_today()
    _do(s, cases.propose_handling, s.liaison, s.township, case_id, "改为由村里自行清淤。")
    case = _case(s, case_id)
    assert (case.state, case.signed_on, case.signoff_by_id) == ("proposed", None, None)
    assert case.proposed_handling == "改为由村里自行清淤。"
    with pytest.raises(cases.IllegalTransition):
        _do(s, cases.send_on, s.liaison, s.township, case_id)
    db.session.rollback()
    asked = _outbox(s, "请签字确认拟办意见")
    assert len(asked) == 2 and asked[-1]["body"].startswith("拟办意见已修改")


def test_only_the_receiving_representative_signs_by_account(scene):
    s = scene
    case_id = _log(s)
    _step(s, "propose_handling", case_id)
    for who in (s.liaison, s.office):
        with pytest.raises(PermissionDenied):
            _do(s, cases.sign_off, who, s.township, case_id)
        db.session.rollback()
    # Another representative does not even see it.
    with pytest.raises(NotFound):
        _do(s, cases.sign_off, s.west_rep, s.township, case_id)
    db.session.rollback()
    case = _do(s, cases.sign_off, s.rep, s.township, case_id)
    assert (case.signed_on_paper, case.signoff_by_id) == (False, s.rep.user_id)
    (told,) = _outbox(s, "代表已签字，请送办")
    assert told["user_ids"] == [s.liaison.user_id]


def test_the_liaison_records_a_signature_from_the_paper_log(scene):
    s = scene
    case_id = _log(s)
    _step(s, "propose_handling", case_id)
    today = deadlines.shanghai_today()
    for bad in (today + timedelta(days=1), today - timedelta(days=1)):
        with pytest.raises(ValidationFailed) as exc:
            _do(
                s,
                cases.record_sign_off,
                s.liaison,
                s.township,
                case_id,
                PaperSignOffInput(signed_on=bad),
            )
        assert "signed_on" in exc.value.errors
        db.session.rollback()
    # The representative cannot record a paper signature for themselves; nor another liaison.
    with pytest.raises(PermissionDenied):
        _do(s, cases.record_sign_off, s.rep, s.township, case_id, PaperSignOffInput(today))
    db.session.rollback()
    with pytest.raises(NotFound):
        _do(
            s,
            cases.record_sign_off,
            s.west_liaison,
            s.township,
            case_id,
            PaperSignOffInput(today),
        )
    db.session.rollback()
    case = _do(
        s,
        cases.record_sign_off,
        s.liaison,
        s.township,
        case_id,
        PaperSignOffInput(today, "纸质记录簿第12页"),
    )
    assert (case.state, case.signed_on, case.signed_on_paper, case.signoff_by_id) == (
        "signed_off",
        today,
        True,
        s.liaison.user_id,
    )
    with tenant_context(s.township.id):
        event = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id.desc())
        ).first()
    assert event.action == "record_sign_off" and event.actor_user_id == s.liaison.user_id
    assert event.note == f"代表张秀英已在纸质记录上签字（{today.isoformat()}）；纸质记录簿第12页"


def test_the_proposal_is_written_by_the_liaison_or_the_representative_only(scene):
    s = scene
    case_id = _log(s)
    with pytest.raises(ValidationFailed):
        load_input(ProposedHandlingInputSchema, {"text": "  "})
    with pytest.raises(NotFound):  # another branch's liaison does not see it
        _do(s, cases.propose_handling, s.west_liaison, s.township, case_id, PROPOSAL)
    db.session.rollback()
    case = _do(s, cases.propose_handling, s.rep, s.township, case_id, "本人拟办：请镇里协调。")
    assert case.state == "proposed"
    assert _outbox(s, "请签字确认拟办意见") == []  # she wrote it: no need to ask her


# --- the liaison follows, feeds back and archives; nothing of the office's ---------------------


def test_the_liaison_takes_no_office_step(scene):
    s = scene
    case_id = _signed(s)
    _do(s, cases.send_on, s.liaison, s.township, case_id)
    for step in (
        lambda: cases.receive(s.liaison, s.township, case_id),
        lambda: cases.handle_on_spot(s.liaison, s.township, case_id, "答复"),
        lambda: cases.refer(s.liaison, s.township, case_id, cases.ReferInput(s.unit_id)),
        lambda: cases.mark_inadmissible(
            s.liaison, s.township, case_id, reason="x", referral_text="y"
        ),
        lambda: cases.escalate(s.liaison, s.township, case_id, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            _do(s, step)
        db.session.rollback()
    # Feedback and archiving wait for the rules: nothing answered yet (409).
    for step in (
        lambda: cases.give_feedback(s.liaison, s.township, case_id),
        lambda: cases.archive(s.liaison, s.township, case_id),
    ):
        with pytest.raises(cases.IllegalTransition):
            _do(s, step)
        db.session.rollback()
    assert _case(s, case_id).state == "registered"


def test_the_whole_life_through_the_branch_and_the_office(scene):
    s = scene
    case_id = _signed(s)
    t = s.township
    with tenant_context(t.id):
        cases.send_on(s.liaison, t, case_id)
        cases.receive(s.office, t, case_id)
        cases.refer(s.office, t, case_id, cases.ReferInput(lead_unit_id=s.unit_id))
        # The liaison follows it: its state and the unit's answer on the way.
        assert cases.get_case(s.liaison, t, case_id).state == "referred"
        cases.unit_reply(s.unit, t, case_id, "已安排挖掘机三日内清淤。")
        assert cases.branch_cases_waiting(s.liaison, t).to_feed_back.count == 1
        cases.give_feedback(s.liaison, t, case_id, "已电话告知王大伯")
        cases.record_rating(s.liaison, t, case_id, "satisfied")
        cases.archive(s.liaison, t, case_id)
        events = [
            (e.action, e.actor_user_id)
            for e in db.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        ]
        sms = [
            m.payload
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "sms"))
        ]
    case = _case(s, case_id)
    assert case.state == "archived" and case.closed_at is not None
    assert [action for action, _who in events] == [
        "register",
        "propose_handling",
        "sign_off",
        "send_on",
        "receive",
        "refer",
        "reply",
        "give_feedback",
        "rate",
        "archive",
    ]
    assert [who for _action, who in events[-3:]] == [s.liaison.user_id] * 3
    assert any(m.get("phone") == "13800138001" for m in sms)
    # The representative who received it hears the outcome too (反馈 to the representative).
    (told,) = _outbox(s, "办理情况反馈")
    assert told["user_ids"] == [s.rep.user_id] and told["link"].endswith(f"/cases/{case_id}")


def test_another_branchs_liaison_cannot_feed_back_or_archive(scene):
    s = scene
    with tenant_context(s.township.id):
        case_id = cases.register(
            s.office, s.township, cases.CaseInput(**VISIT, received_by_id=s.east_rep)
        ).case.id
        cases.receive(s.office, s.township, case_id)
        cases.handle_on_spot(s.office, s.township, case_id, "当场解释了政策。")
        for step in (cases.give_feedback, cases.archive):
            with pytest.raises(NotFound):
                step(s.west_liaison, s.township, case_id)
            db.session.rollback()
        cases.give_feedback(s.liaison, s.township, case_id)
        cases.archive(s.liaison, s.township, case_id)
    assert _case(s, case_id).state == "archived"


# --- the liaison's to-do, the representative's signatures ---------------------------------------


def test_what_waits_for_the_liaison_and_the_representative(scene):
    s = scene
    t = s.township
    fresh = _log(s)
    proposed = _log(s)
    _step(s, "propose_handling", proposed)
    signed = _signed(s)
    _log(s, s.west_liaison, received_by_id=s.west_rep_id)  # not ours
    with tenant_context(t.id):
        mine = cases.branch_cases_waiting(s.liaison, t)
        assert (mine.to_propose.count, mine.to_sign.count, mine.to_send.count) == (1, 1, 1)
        assert (mine.to_propose.only_id, mine.to_sign.only_id, mine.to_send.only_id) == (
            fresh,
            proposed,
            signed,
        )
        assert mine.total == 3
        assert cases.signatures_waiting(s.rep, t).only_id == proposed
        assert cases.signatures_waiting(s.west_rep, t).count == 0
        # Nothing for the office (its own piles) nor for someone who is no liaison.
        assert cases.branch_cases_waiting(s.office, t).total == 0
        assert cases.branch_cases_waiting(s.rep, t).total == 0
        cases.send_on(s.liaison, t, signed)
        assert cases.branch_cases_waiting(s.liaison, t).in_progress.count == 1


def test_the_liaison_hears_of_its_branchs_cases_coming_due(scene):
    s = scene
    case_id = _signed(s)
    _do(s, cases.send_on, s.liaison, s.township, case_id)
    with tenant_context(s.township.id):
        ids = cases._responsible_user_ids(s.township, _case(s, case_id))
    assert s.liaison.user_id in ids and s.west_liaison.user_id not in ids


# --- the API: status codes of each step ----------------------------------------------------------


def test_the_api_steps_answer_403_409_and_the_case(scene, client):
    s = scene
    slug = s.township.slug
    api = f"/api/v1/t/{slug}/cases"
    liaison, rep = s.world.users["branch_liaison"], s.world.users["representative"]
    created = client.post(
        f"{api}/", json={**VISIT, "received_by_id": s.east_rep}, headers=bearer(liaison)
    )
    assert created.status_code == 201, created.get_data(as_text=True)[:400]
    body = created.get_json()
    assert body["state"] == "branch_registered" and body["tracking_code"]
    case_id = body["id"]
    assert_error(
        client.post(f"{api}/", json={**VISIT}, headers=bearer(liaison)), 422, "validation_error"
    )
    # Out of order: 409.
    assert_error(client.post(f"{api}/{case_id}/send-on", json={}, headers=bearer(liaison)), 409)
    assert_error(client.post(f"{api}/{case_id}/sign-off", json={}, headers=bearer(rep)), 409)
    proposed = client.post(
        f"{api}/{case_id}/proposed-handling", json={"text": PROPOSAL}, headers=bearer(liaison)
    )
    assert proposed.status_code == 200 and proposed.get_json()["proposed_handling"] == PROPOSAL
    # The liaison signs for nobody by account (403); the office does not receive it yet (409).
    assert_error(client.post(f"{api}/{case_id}/sign-off", json={}, headers=bearer(liaison)), 403)
    office = s.world.users["township_staff"]
    assert_error(client.post(f"{api}/{case_id}/receive", json={}, headers=bearer(office)), 409)
    signed = client.post(f"{api}/{case_id}/sign-off", json={}, headers=bearer(rep))
    assert signed.status_code == 200
    assert signed.get_json()["signed_on"] == deadlines.shanghai_today().isoformat()
    # The liaison cannot receive it for the office (403); sends it on; the office receives it.
    assert_error(client.post(f"{api}/{case_id}/receive", json={}, headers=bearer(liaison)), 403)
    sent = client.post(
        f"{api}/{case_id}/send-on", json={"note": "支部同意"}, headers=bearer(liaison)
    )
    assert sent.status_code == 200 and sent.get_json()["state"] == "registered"
    actions = [e["action"] for e in sent.get_json()["history"]["events"]]
    assert actions == ["register", "propose_handling", "sign_off", "send_on"]
    assert (
        client.post(f"{api}/{case_id}/receive", json={}, headers=bearer(office)).status_code == 200
    )
    # A paper signature on a case past the branch: 409; a bad date: 422.
    assert_error(
        client.post(
            f"{api}/{case_id}/paper-sign-off",
            json={"signed_on": deadlines.shanghai_today().isoformat()},
            headers=bearer(liaison),
        ),
        409,
    )
    assert_error(
        client.post(
            f"{api}/{case_id}/paper-sign-off", json={"signed_on": "x"}, headers=bearer(liaison)
        ),
        422,
    )


# --- the pages, on a phone's way: log, propose, sign, send on ----------------------------------


class Browser:
    """One user's test client (each request starts without the previous user in `g`)."""

    def __init__(self, app: Any, user: User) -> None:
        self.client = app.test_client()
        g.pop("_login_user", None)
        login(self.client, user)

    def get(self, url: str) -> Any:
        g.pop("_login_user", None)
        return self.client.get(url)

    def post(self, url: str, **data: Any) -> Any:
        g.pop("_login_user", None)
        return self.client.post(url, data=data, follow_redirects=True)


def test_the_pages_walk_a_visit_through_the_branch(scene, app):
    s = scene
    base = f"/t/{s.township.slug}/cases"
    liaison = Browser(app, s.world.users["branch_liaison"])
    listing = liaison.get(f"{base}/").get_data(as_text=True)
    assert f'href="{base}/new"' in listing
    form = liaison.get(f"{base}/new")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "接访记录簿" in html and "本支部代表" in html
    done = liaison.post(f"{base}/new", **VISIT, received_by_id=str(s.east_rep))
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "支部办理" in html and 'id="form-proposed-handling"' in html
    with tenant_context(s.township.id):
        case_id = db.session.scalar(select(Case.id).order_by(Case.id.desc()))
    assert 'id="form-send-on"' not in html and 'id="form-sign-off"' not in html
    html = liaison.post(f"{base}/{case_id}/proposed-handling", text=PROPOSAL).get_data(as_text=True)
    assert PROPOSAL in html and "待代表签字确认" in html and 'id="form-paper-sign-off"' in html
    # Out of order on a page: a message on the case, nothing changed.
    html = liaison.post(f"{base}/{case_id}/send-on").get_data(as_text=True)
    assert "不能执行此操作" in html and _case(s, case_id).state == "proposed"
    rep = Browser(app, s.world.users["representative"])
    html = rep.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="form-sign-off"' in html
    rep.post(f"{base}/{case_id}/sign-off")
    assert _case(s, case_id).state == "signed_off"
    html = liaison.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="form-send-on"' in html and "本人账号确认" in html
    html = liaison.post(f"{base}/{case_id}/send-on", note="支部同意").get_data(as_text=True)
    assert "已送支部负责人及联络办" in html and _case(s, case_id).state == "registered"
    # The office now receives it from its own page; the liaison is offered none of its steps.
    assert 'id="form-receive"' not in html
    office = Browser(app, s.world.users["township_staff"])
    assert 'id="form-receive"' in office.get(f"{base}/{case_id}").get_data(as_text=True)


def test_the_liaisons_page_offers_feedback_and_archiving_when_the_rules_allow(scene, app):
    s = scene
    with tenant_context(s.township.id):
        case_id = cases.register(
            s.office, s.township, cases.CaseInput(**VISIT, received_by_id=s.east_rep)
        ).case.id
        cases.receive(s.office, s.township, case_id)
    base = f"/t/{s.township.slug}/cases"
    liaison = Browser(app, s.world.users["branch_liaison"])
    html = liaison.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="office-actions"' not in html  # received by the office: nothing for the liaison
    _do(s, cases.handle_on_spot, s.office, s.township, case_id, "当场解释了政策。")
    html = liaison.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="form-feedback"' in html and 'id="form-archive"' not in html
    assert 'id="form-refer"' not in html
    liaison.post(f"{base}/{case_id}/feedback", note="已上门告知")
    html = liaison.get(f"{base}/{case_id}").get_data(as_text=True)
    assert 'id="form-archive"' in html and 'id="form-rate"' in html
    liaison.post(f"{base}/{case_id}/archive")
    assert _case(s, case_id).state == "archived"


def test_every_branch_step_is_in_the_transition_table():
    for action in ("propose_handling", "sign_off", "record_sign_off", "send_on"):
        assert action in TRANSITIONS
    assert TRANSITIONS["send_on"].target == "registered"
