"""The proposal rules of issue 19, at their boundaries, on SQLite and PostgreSQL:

- a group's proposal is discussed in the group *and* signed by `min_signers` (seed 001); the
  group's name replacing the signatures is a township's own setting, off by default;
- a newly onboarded township accepts suggestions and inquiries all year, and proposals all year
  until it turns collection windows on;
- the complex-case deadline is at most a month (31 days).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import (
    ProposalDraftPatchSchema,
    ProposalDraftSchema,
    WindowInput,
)
from lianxin.modules.proposals.models import State
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor, make_represented
from tests.helpers import assert_error, bearer, login

BODY = {
    "title": "关于修建东关村便民桥的提案",
    "body": "东关河两岸群众出行不便……",
    "category": "基础设施",
}
DISCUSSED = {"group_discussed_on": "2026-02-20", "group_discussion": "小组会议讨论，一致同意提出"}


def _group_led_by(office, township, rep_id: int, name: str = "农业代表小组") -> int:
    group = people.create_group(office, township, people.GroupInput(name=name))
    people.assign_to_group(office, township, rep_id=rep_id, group_id=group.id, role="leader")
    return group.id


def _group_draft(reps_actors, rep_ids, township, group_id, signers: int, **extra):
    """A group proposal drafted by reps_actors[0] with `signers` signed (the author included)."""
    draft = load_input(
        ProposalDraftSchema, {**BODY, "kind": "proposal", "group_id": group_id, **extra}
    )
    proposal = service.create_draft(reps_actors[0], township, draft)
    others = list(range(1, signers))
    if others:
        service.invite(reps_actors[0], township, proposal.id, [rep_ids[i] for i in others])
        for i in others:
            service.sign(reps_actors[i], township, proposal.id)
    return proposal


# --- 1. group proposals ----------------------------------------------------------------------


def test_a_group_proposal_needs_min_signers_too(clock, cast, tctx, office):
    group_id = _group_led_by(office, tctx, cast.reps[0])
    short = _group_draft(cast.actors, cast.reps, tctx, group_id, 9, **DISCUSSED)
    assert not service.threshold(tctx, short).met
    with pytest.raises(Conflict) as refused:
        service.submit(cast.actors[0], tctx, short.id)
    assert refused.value.code == "signers_threshold"
    assert "需要 10 名" in refused.value.message and "现有 9 名" in refused.value.message
    assert short.state == State.DRAFT
    enough = _group_draft(cast.actors, cast.reps, tctx, group_id, 10, **DISCUSSED)
    assert service.threshold(tctx, enough).met
    assert service.submit(cast.actors[0], tctx, enough.id).state == State.SUBMITTED


def test_a_group_proposal_needs_the_groups_discussion_recorded(clock, cast, tctx, office):
    group_id = _group_led_by(office, tctx, cast.reps[0])
    proposal = _group_draft(cast.actors, cast.reps, tctx, group_id, 10)
    with pytest.raises(ValidationFailed) as refused:
        service.submit(cast.actors[0], tctx, proposal.id)
    assert "小组讨论" in refused.value.message
    assert set(refused.value.errors) >= {"group_discussed_on", "group_discussion"}
    assert proposal.state == State.DRAFT
    with pytest.raises(ValidationFailed) as future:  # a discussion cannot be held tomorrow
        service.update_draft(
            cast.actors[0],
            tctx,
            proposal.id,
            load_input(
                ProposalDraftPatchSchema,
                {**DISCUSSED, "group_discussed_on": "2026-03-03"},
                partial=True,
            ),
        )
    assert "group_discussed_on" in future.value.errors
    db.session.rollback()
    # The Shanghai date of the clock (2026-03-02) is the latest a discussion can have been held.
    service.update_draft(
        cast.actors[0],
        tctx,
        proposal.id,
        load_input(
            ProposalDraftPatchSchema,
            {**DISCUSSED, "group_discussed_on": "2026-03-02"},
            partial=True,
        ),
    )
    submitted = service.submit(cast.actors[0], tctx, proposal.id)
    assert submitted.state == State.SUBMITTED
    assert submitted.group_discussed_on == date(2026, 3, 2)
    assert submitted.group_discussion == DISCUSSED["group_discussion"]


def test_the_group_name_replaces_signatures_only_where_the_township_says_so(
    clock, cast, tctx, office, world
):
    assert service.settings(tctx.id)["group_name_replaces_signers"] is False
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(
        admin, tctx, "proposals", {"group_name_replaces_signers": True}
    )
    group_id = _group_led_by(office, tctx, cast.reps[0])
    alone = _group_draft(cast.actors, cast.reps, tctx, group_id, 1, **DISCUSSED)
    assert service.threshold(tctx, alone).met
    assert service.submit(cast.actors[0], tctx, alone.id).state == State.SUBMITTED
    # Not without the discussion, even then.
    undiscussed = _group_draft(cast.actors, cast.reps, tctx, group_id, 1)
    with pytest.raises(ValidationFailed):
        service.submit(cast.actors[0], tctx, undiscussed.id)

    # The other township of the county keeps the default: the group's name is not enough.
    other = world.other
    reps, users = make_represented(other, 1, "o.pr.")
    with tenant_context(other.id):
        other_office = actor(world.users["other_admin"])
        rep_id = reps[0].id
        other_group = _group_led_by(other_office, other, rep_id, "乙镇代表小组")
        rep_actor = actor(db.session.get(User, users[0].id))
        refused = _group_draft([rep_actor], [rep_id], other, other_group, 1, **DISCUSSED)
        assert service.settings(other.id)["group_name_replaces_signers"] is False
        with pytest.raises(Conflict) as short:
            service.submit(rep_actor, other, refused.id)
        assert short.value.code == "signers_threshold"


def test_the_group_discussion_through_the_api_and_the_page(app, clock, cast, world, office):
    township = world.township
    with tenant_context(township.id):
        group_id = _group_led_by(office, township, cast.reps[0])
        token = bearer(cast.users[0])
    url = f"/api/v1/t/{township.slug}/proposals/proposals"
    client = app.test_client()
    made = client.post(
        url, headers=token, json={**BODY, "kind": "proposal", "group_id": group_id, **DISCUSSED}
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["group_discussed_on"] == "2026-02-20"
    assert body["group_discussion"] == DISCUSSED["group_discussion"]
    assert body["threshold"]["group"] is True and body["threshold"]["discussed"] is True
    assert body["threshold"]["met"] is False  # one signer of ten
    bad = client.patch(
        f"{url}/{body['id']}", headers=token, json={"group_discussed_on": "2026-03-03"}
    )
    assert "group_discussed_on" in assert_error(bad, 422, "validation_error")["errors"]

    page = app.test_client()
    login(page, cast.users[0])
    detail = page.get(f"/t/{township.slug}/proposals/{body['id']}").get_data(as_text=True)
    assert "小组讨论情况" in detail and DISCUSSED["group_discussion"] in detail
    assert "需要 10 名在任代表联名（含领衔代表），已联名 1 名" in detail
    new = page.post(
        f"/t/{township.slug}/proposals/new",
        data={**BODY, "kind": "proposal", "group_id": str(group_id), "group_discussed_on": "x"},
    )
    assert new.status_code == 422
    assert "日期格式不正确" in new.get_data(as_text=True)


# --- 2. suggestions all year; proposals by windows only if the township turns them on --------


def test_a_fresh_township_accepts_suggestions_and_proposals_by_its_settings(app, clock, world):
    county_admin = actor(world.users["county_admin"])
    onboarded = tenants.onboard_township(
        county_admin,
        world.county,
        name="新开镇",
        slug="xinkai-zhen",
        modules=["proposals"],
        admin_username="xinkai.admin",
        admin_name="新开镇管理员",
    )
    fresh = onboarded.township
    reps, users = make_represented(fresh, 10, "xk.")
    with tenant_context(fresh.id):
        rep_ids = [r.id for r in reps]
        actors = [actor(db.session.get(User, u.id)) for u in users]
        admin = actor(db.session.scalar(select(User).where(User.username == "xinkai.admin")))
        assert service.open_window(fresh) is None  # no collection window at all
        suggestion = service.create_draft(
            actors[0], fresh, load_input(ProposalDraftSchema, {**BODY, "kind": "suggestion"})
        )
        assert service.submit(actors[0], fresh, suggestion.id).state == State.SUBMITTED
        proposal = _group_draft(actors, rep_ids, fresh, None, 10)
        assert service.submit(actors[0], fresh, proposal.id).state == State.SUBMITTED

        # The township turns collection windows on: proposals wait for a window; suggestions
        # and inquiries do not.
        tenants.update_township_settings(admin, fresh, "proposals", {"all_year": False})
        waiting = _group_draft(actors, rep_ids, fresh, None, 10)
        with pytest.raises(Conflict) as closed:
            service.submit(actors[0], fresh, waiting.id)
        assert closed.value.code == "submission_closed"
        for kind in ("suggestion", "inquiry"):
            draft = service.create_draft(
                actors[1], fresh, load_input(ProposalDraftSchema, {**BODY, "kind": kind})
            )
            assert service.submit(actors[1], fresh, draft.id).state == State.SUBMITTED
        service.add_window(
            admin,
            fresh,
            WindowInput(title="年会前征集", opens_on=date(2026, 3, 2), closes_on=date(2026, 3, 2)),
        )
        assert service.submit(actors[0], fresh, waiting.id).state == State.SUBMITTED


# --- 3. the complex deadline is at most a month ----------------------------------------------


def test_complex_days_at_most_31(clock, tctx, world):
    admin = actor(world.users["township_admin"])
    assert (
        tenants.update_township_settings(admin, tctx, "proposals", {"complex_days": 31})[
            "complex_days"
        ]
        == 31
    )
    with pytest.raises(ValidationFailed) as refused:
        tenants.update_township_settings(admin, tctx, "proposals", {"complex_days": 32})
    assert "31" in refused.value.errors["complex_days"][0]
    assert "一个月" in refused.value.errors["complex_days"][0]
    db.session.rollback()
    assert service.settings(tctx.id)["complex_days"] == 31


def test_complex_days_32_refused_on_the_api_and_the_page(app, clock, world):
    township, county = world.township, world.county
    api = f"/api/v1/c/{county.slug}/townships/{township.id}/modules/proposals"
    client = app.test_client()
    headers = bearer(world.users["county_admin"])
    refused = client.put(api, headers=headers, json={"settings": {"complex_days": 32}})
    body = assert_error(refused, 422, "validation_error")
    assert "31" in body["errors"]["complex_days"][0]
    ok = client.put(api, headers=headers, json={"settings": {"complex_days": 31}})
    assert ok.status_code == 200 and ok.get_json()["settings"]["complex_days"] == 31

    page = app.test_client()
    login(page, world.users["township_admin"])
    shown = page.post(f"/t/{township.slug}/settings/proposals", data={"complex_days": "32"})
    assert shown.status_code == 422
    text = shown.get_data(as_text=True)
    assert "复杂件办理期限" in text and "至多一个月" in text and 'value="32"' in text
