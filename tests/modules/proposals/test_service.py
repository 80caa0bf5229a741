"""The proposal rules: drafting and co-signing, the threshold, windows, review, assignment,
answers, ratings, the unsatisfied → re-assign loop, reminders, publication and the report —
on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import (
    AssignInput,
    ProposalDraftPatchSchema,
    ProposalDraftSchema,
)
from lianxin.modules.proposals.models import AssignmentStatus, Kind, Signature, State
from lianxin.usecases import load_input

BODY = {
    "title": "关于修建东关村便民桥的提案",
    "body": "东关河两岸群众出行不便……",
    "category": "基础设施",
}


def _draft(cast, tctx, kind="proposal", author=0, **extra):
    draft = load_input(ProposalDraftSchema, {**BODY, "kind": kind, **extra})
    return service.create_draft(cast.actors[author], tctx, draft)


def _change(**fields):
    """A change to a draft, as the API's PATCH body or the edit form gives it."""
    return load_input(ProposalDraftPatchSchema, fields, partial=True)


def _signed(cast, tctx, n, author=0):
    """A proposal draft with the author and n-1 co-signers signed."""
    proposal = _draft(cast, tctx, author=author)
    others = [i for i in range(len(cast.reps)) if i != author][: n - 1]
    service.invite(cast.actors[author], tctx, proposal.id, [cast.reps[i] for i in others])
    for i in others:
        service.sign(cast.actors[i], tctx, proposal.id)
    return proposal


def test_threshold_exactly_n_minus_one_refused_n_accepted(clock, cast, tctx):
    short = _signed(cast, tctx, 9)
    with pytest.raises(Conflict) as refused:
        service.submit(cast.actors[0], tctx, short.id)
    assert refused.value.code == "signers_threshold"
    assert "需要 10 名" in refused.value.message and "现有 9 名" in refused.value.message
    assert short.state == State.DRAFT
    enough = _signed(cast, tctx, 10)
    submitted = service.submit(cast.actors[0], tctx, enough.id)
    assert submitted.state == State.SUBMITTED
    counted = db.session.scalars(
        select(Signature).where(Signature.proposal_id == enough.id, Signature.counted.is_(True))
    ).all()
    assert len(counted) == 10


def test_ten_signers_with_one_out_of_office_is_refused(clock, cast, tctx, office):
    from lianxin.people import service as people

    proposal = _signed(cast, tctx, 10)
    people.end_qualification(office, tctx, cast.reps[5], reason="transferred", on=date(2026, 3, 1))
    with pytest.raises(Conflict) as refused:
        service.submit(cast.actors[0], tctx, proposal.id)
    assert "代表05" in refused.value.message and "不计入" in refused.value.message
    service.invite(cast.actors[0], tctx, proposal.id, [cast.reps[10]])
    service.sign(cast.actors[10], tctx, proposal.id)
    assert service.submit(cast.actors[0], tctx, proposal.id).state == State.SUBMITTED


def test_signing_twice_declining_and_the_frozen_list(clock, cast, tctx):
    proposal = _signed(cast, tctx, 10)
    service.invite(cast.actors[0], tctx, proposal.id, [cast.reps[10], cast.reps[11]])
    with pytest.raises(Conflict) as twice:
        service.sign(cast.actors[1], tctx, proposal.id)
    assert twice.value.code == "already_signed"
    service.decline(cast.actors[10], tctx, proposal.id)
    with pytest.raises(PermissionDenied):  # the author is not a co-signer
        service.sign(cast.actors[0], tctx, proposal.id)
    service.submit(cast.actors[0], tctx, proposal.id)
    with pytest.raises(Conflict):  # frozen at submission
        service.sign(cast.actors[11], tctx, proposal.id)
    with pytest.raises(Conflict):  # a second submission of the same draft
        service.submit(cast.actors[0], tctx, proposal.id)


def test_only_the_author_invites_and_submits_and_a_foreign_signer_is_not_found(
    clock, cast, tctx, world
):
    proposal = _draft(cast, tctx)
    with pytest.raises(NotFound):  # a draft is not shown to anyone not named on it
        service.invite(cast.actors[1], tctx, proposal.id, [cast.reps[2]])
    service.invite(cast.actors[0], tctx, proposal.id, [cast.reps[1]])
    with pytest.raises(PermissionDenied):  # a co-signer reads it but does not invite
        service.invite(cast.actors[1], tctx, proposal.id, [cast.reps[2]])
    with pytest.raises(PermissionDenied):
        service.submit(cast.actors[1], tctx, proposal.id)
    with pytest.raises(NotFound):  # another township's representative id does not exist here
        service.invite(cast.actors[0], tctx, proposal.id, [999999])
    with pytest.raises(NotFound):  # an uninvited representative cannot even see the draft
        service.sign(cast.actors[3], tctx, proposal.id)


def test_a_suggestion_needs_no_cosigners_and_windows_close_only_proposals(clock, cast, tctx, world):
    from lianxin.tenants import service as tenants
    from tests.factories import actor

    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "proposals", {"all_year": False})
    clock.today = date(2026, 4, 1)  # after the window
    proposal = _signed(cast, tctx, 10)
    with pytest.raises(Conflict) as closed:
        service.submit(cast.actors[0], tctx, proposal.id)
    assert closed.value.code == "submission_closed"
    for kind in ("suggestion", "inquiry"):  # taken all year
        draft = _draft(cast, tctx, kind=kind)
        assert service.submit(cast.actors[0], tctx, draft.id).state == State.SUBMITTED
    clock.today = date(2026, 3, 31)  # the window's last day
    assert service.submit(cast.actors[0], tctx, proposal.id).state == State.SUBMITTED
    tenants.update_township_settings(admin, tctx, "proposals", {"all_year": True})
    clock.today = date(2026, 4, 1)
    late = _signed(cast, tctx, 10)
    assert service.submit(cast.actors[0], tctx, late.id).state == State.SUBMITTED


def _accepted(cast, tctx, office, **kw):
    proposal = _signed(cast, tctx, 10)
    service.submit(cast.actors[0], tctx, proposal.id)
    return service.accept(office, tctx, proposal.id, **kw)


def test_review_numbers_merge_convert_and_reject_with_reasons(clock, cast, tctx, office):
    first = _accepted(cast, tctx, office)
    second = _accepted(cast, tctx, office)
    assert (first.number, second.number) == ("2026-001", "2026-002")
    third = _signed(cast, tctx, 10)
    service.submit(cast.actors[0], tctx, third.id)
    with pytest.raises(ValidationFailed):
        service.reject(office, tctx, third.id, "")
    service.merge(office, tctx, third.id, first.id, "与2026-001同一事项")
    assert third.state == State.MERGED and third.merged_into_id == first.id
    fourth = _draft(cast, tctx, kind="proposal", author=1)
    fourth = service.update_draft(cast.actors[1], tctx, fourth.id, _change(kind="suggestion"))
    service.submit(cast.actors[1], tctx, fourth.id)
    rejected = service.reject(office, tctx, fourth.id, "属于个人诉求，请通过接待日反映")
    assert rejected.state == State.NOT_ACCEPTED
    assert service.get_proposal(cast.actors[1], tctx, fourth.id).review_note.startswith("属于个人")
    fifth = _signed(cast, tctx, 10)
    service.submit(cast.actors[0], tctx, fifth.id)
    converted = service.convert_to_suggestion(office, tctx, fifth.id, "涉及面较窄")
    assert (converted.kind, converted.state, converted.number) == (
        Kind.SUGGESTION,
        State.ACCEPTED,
        "建2026-001",
    )
    with pytest.raises(PermissionDenied):
        service.accept(cast.actors[0], tctx, second.id)


def test_the_full_unsatisfied_reassign_loop(clock, cast, tctx, office):
    roads, roads_actor = cast.units["roads"]
    farm, farm_actor = cast.units["farm"]
    proposal = _accepted(cast, tctx, office)
    service.assign(
        office,
        tctx,
        proposal.id,
        AssignInput(lead_unit_id=roads, co_unit_ids=(farm,), complexity="simple"),
    )
    (lead, _co) = service.assignments(office, tctx, proposal.id)
    assert lead.due_on == date(2026, 3, 12)  # 10 calendar days
    with pytest.raises(Conflict) as first_contact:
        service.answer(roads_actor, tctx, proposal.id, "已列入计划")
    assert first_contact.value.code == "contact_first"
    service.contact_author(roads_actor, tctx, proposal.id, "电话联系了领衔代表")
    with pytest.raises(PermissionDenied):  # the rating is the author's alone
        service.rate(cast.actors[1], tctx, proposal.id, "satisfied")
    service.contact_author(farm_actor, tctx, proposal.id, "")
    service.answer(farm_actor, tctx, proposal.id, "协办意见：配合选址")
    assert proposal.state == State.ASSIGNED  # a co-unit's answer does not answer it
    service.answer(roads_actor, tctx, proposal.id, "已列入年度计划，预计6月开工")
    assert proposal.state == State.ANSWERED
    with pytest.raises(ValidationFailed):  # unsatisfied needs a comment
        service.rate(cast.actors[0], tctx, proposal.id, "unsatisfied")
    service.rate(cast.actors[0], tctx, proposal.id, "unsatisfied", "没有具体时间表")
    assert proposal.state == State.UNSATISFIED
    clock.today = date(2026, 3, 10)
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=farm, complexity="complex"))
    rounds = service.assignments(office, tctx, proposal.id)
    assert [(a.round, a.status) for a in rounds] == [
        (1, AssignmentStatus.SUPERSEDED),
        (1, AssignmentStatus.SUPERSEDED),
        (2, AssignmentStatus.ACTIVE),
    ]
    assert rounds[-1].due_on == date(2026, 4, 9)
    with pytest.raises(PermissionDenied):  # the first lead is no longer assigned
        service.answer(roads_actor, tctx, proposal.id, "补充答复")
    service.contact_author(farm_actor, tctx, proposal.id, "上门走访")
    service.answer(farm_actor, tctx, proposal.id, "4月15日开工，6月底完工")
    service.rate(cast.actors[0], tctx, proposal.id, "basically_satisfied")
    assert proposal.state == State.CLOSED and proposal.round == 2
    actions = [e.action for e in service.history(office, tctx, proposal.id)]
    assert actions.count("assign") == 2 and actions.count("rated") == 2


def test_return_extension_and_close(clock, cast, tctx, office):
    roads, roads_actor = cast.units["roads"]
    farm, farm_actor = cast.units["farm"]
    proposal = _accepted(cast, tctx, office, complexity="complex")
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=roads))
    with pytest.raises(NotFound):  # farm is not assigned: it does not even see it
        service.return_to_office(farm_actor, tctx, proposal.id, "不是我们的事")
    service.return_to_office(roads_actor, tctx, proposal.id, "属于县交通局职责")
    assert proposal.state == State.ACCEPTED
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=farm))
    with pytest.raises(ValidationFailed):
        service.request_extension(farm_actor, tctx, proposal.id, 99, "需要调研")
    extension = service.request_extension(farm_actor, tctx, proposal.id, 10, "需要实地调研")
    with pytest.raises(Conflict):
        service.request_extension(farm_actor, tctx, proposal.id, 5, "再延")
    service.decide_extension(office, tctx, extension.id, approve=True)
    (current,) = [a for a in service.assignments(office, tctx, proposal.id) if a.round == 2]
    assert current.due_on == date(2026, 4, 11)  # 1 April + 10
    service.close(office, tctx, proposal.id, "已纳入县级项目统筹解决")
    assert proposal.state == State.CLOSED


def test_reminders_once_per_due_date(clock, cast, tctx, office):
    roads, _roads_actor = cast.units["roads"]
    proposal = _accepted(cast, tctx, office, complexity="simple")
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=roads))
    clock.today = date(2026, 3, 9)
    assert service.send_reminders(tctx) == {"due_soon": 1, "overdue": 0}
    assert service.send_reminders(tctx) == {"due_soon": 0, "overdue": 0}
    clock.today = date(2026, 3, 13)
    assert service.send_reminders(tctx) == {"due_soon": 0, "overdue": 1}
    assert service.send_reminders(tctx) == {"due_soon": 0, "overdue": 0}


def test_inquiry_answered_publicly_and_publication(clock, cast, tctx, office, world):
    from tests.factories import actor

    inquiry = _draft(cast, tctx, kind="inquiry", title="关于镇卫生院人员配备的质询")
    service.submit(cast.actors[0], tctx, inquiry.id)
    service.accept(office, tctx, inquiry.id)
    committee = actor(world.users["committee_member"])
    with pytest.raises(PermissionDenied):
        service.answer_inquiry(cast.actors[0], tctx, inquiry.id, "自问自答")
    service.answer_inquiry(committee, tctx, inquiry.id, "已增配两名医生", public=True)
    assert [p.id for p in service.public_list(tctx)] == [inquiry.id]
    proposal = _accepted(cast, tctx, office, complexity="simple")
    with pytest.raises(Conflict):
        service.set_published(office, tctx, proposal.id, True)  # no answer yet
    roads, roads_actor = cast.units["roads"]
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=roads))
    service.contact_author(roads_actor, tctx, proposal.id, "")
    service.answer(roads_actor, tctx, proposal.id, "已完成")
    service.set_published(office, tctx, proposal.id, True)
    assert service.public_get(tctx, proposal.id).answer == "已完成"
    rows = service.handling_report(office, tctx, 2026)
    assert [r.proposal.number for r in rows] == ["2026-001", "质2026-001"]
    assert rows[0].lead_unit == "镇城建办" and rows[0].signers == 10
    dash = service.dashboard(office, tctx)
    assert dash.by_state == {"answered": 2}
    assert service.report_xlsx(rows, 2026)[:2] == b"PK"


def test_visibility(clock, cast, tctx, office, world):
    from tests.factories import actor

    draft = _draft(cast, tctx)
    with pytest.raises(NotFound):  # the office does not read drafts
        service.get_proposal(office, tctx, draft.id)
    proposal = _accepted(cast, tctx, office)
    roads, roads_actor = cast.units["roads"]
    _farm, farm_actor = cast.units["farm"]
    with pytest.raises(NotFound):
        service.get_proposal(roads_actor, tctx, proposal.id)
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=roads, complexity="simple"))
    assert service.get_proposal(roads_actor, tctx, proposal.id).id == proposal.id
    with pytest.raises(NotFound):
        service.get_proposal(farm_actor, tctx, proposal.id)
    assert service.get_proposal(cast.actors[3], tctx, proposal.id)  # a co-signer
    with pytest.raises(NotFound):
        service.get_proposal(cast.actors[11], tctx, proposal.id)
    with pytest.raises(NotFound):
        service.get_proposal(actor(world.users["other_admin"]), tctx, proposal.id)


def test_only_a_group_leader_speaks_for_the_group_and_the_name_alone_is_not_enough(
    clock, cast, tctx, office
):
    from lianxin.people import service as people

    group = people.create_group(office, tctx, people.GroupInput(name="农业代表小组"))
    people.assign_to_group(office, tctx, rep_id=cast.reps[0], group_id=group.id, role="leader")
    people.assign_to_group(office, tctx, rep_id=cast.reps[1], group_id=group.id)
    with pytest.raises(ValidationFailed):  # a plain member cannot speak for the group
        _draft(cast, tctx, author=1, group_id=group.id)
    proposal = _draft(
        cast,
        tctx,
        group_id=group.id,
        group_discussed_on="2026-02-20",
        group_discussion="小组会议讨论通过",
    )
    check = service.threshold(tctx, proposal)
    assert check.group and check.discussed and not check.met  # seed 001: ten signers too
    with pytest.raises(Conflict) as refused:
        service.submit(cast.actors[0], tctx, proposal.id)
    assert refused.value.code == "signers_threshold"


def test_a_changed_text_asks_the_cosigners_to_sign_again(clock, cast, tctx):
    proposal = _signed(cast, tctx, 10)
    service.update_draft(cast.actors[0], tctx, proposal.id, _change(category="民生保障"))
    assert len(service.threshold(tctx, proposal).valid) == 10  # the category is not the text
    service.update_draft(cast.actors[0], tctx, proposal.id, _change(body="修改后的内容"))
    check = service.threshold(tctx, proposal)
    assert [r.id for r in check.valid] == [cast.reps[0]]
    with pytest.raises(Conflict):
        service.submit(cast.actors[0], tctx, proposal.id)


def test_a_case_becomes_a_draft_linked_to_it(clock, cast, tctx, office):
    from lianxin.casework import service as casework

    new = casework.register(
        office,
        tctx,
        casework.CaseInput(
            title="便民桥",
            body="河上没有桥",
            channel="phone",
            raiser_phone="13900139000",
            received_by_id=cast.reps[0],
        ),
    )
    draft = service.draft_from_case(cast.actors[0], tctx, new.case.id, "suggestion")
    assert (draft.kind, draft.title, draft.state) == ("suggestion", "便民桥", State.DRAFT)
    assert [c.id for c in service.linked_cases(cast.actors[0], tctx, draft.id)] == [new.case.id]
    with pytest.raises(NotFound):  # a case the representative did not receive
        service.draft_from_case(cast.actors[1], tctx, new.case.id, "suggestion")


def test_supporting_files_by_the_author_and_the_assigned_unit(clock, cast, tctx, office):
    import io

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    draft = _draft(cast, tctx, kind="suggestion")
    service.attach(cast.actors[0], tctx, draft.id, io.BytesIO(png), "现场.png")
    with pytest.raises(NotFound):
        service.attach(cast.actors[1], tctx, draft.id, io.BytesIO(png), "x.png")
    service.submit(cast.actors[0], tctx, draft.id)
    service.accept(office, tctx, draft.id, complexity="simple")
    roads, roads_actor = cast.units["roads"]
    service.assign(office, tctx, draft.id, AssignInput(lead_unit_id=roads))
    service.attach(roads_actor, tctx, draft.id, io.BytesIO(png), "方案.png")
    names = [f.filename for f in service.files_of(office, tctx, draft.id)]
    assert names == ["现场.png", "方案.png"]
