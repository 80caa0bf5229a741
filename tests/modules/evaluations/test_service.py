"""The evaluation rules: the form fixed once open, eligibility, one answer each, the period,
score ranges, K and the batch frozen at opening, results only after the close and the count and
only from K answers (audited before publication), grades proposed by the office and decided by
committee members (never about themselves), the subject's own result only once published,
reminders by the system, public codes and participation — and, after a campaign of 30 raters,
every table the module writes (the sealed pool before release, and the audit log and outbox)
read raw to show that nothing links an answer to a rater. On SQLite and PostgreSQL, with a fixed
clock."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswerInput,
    CodesInput,
    EvaluationCampaignCreateSchema,
    EvaluationFormUpdateSchema,
    GradeInput,
    LeaderOpinionInput,
    SubjectInput,
)
from lianxin.modules.evaluations.models import (
    Answer,
    CampaignState,
    PooledAnswer,
    Rater,
    Receipt,
)
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor


def _campaign(cast, tctx, office, shape="committee", **extra):
    campaign = service.create_campaign(
        office,
        tctx,
        load_input(
            EvaluationCampaignCreateSchema,
            {
                "title": f"评议{uuid.uuid4().hex[:6]}",
                "shape": shape,
                "opens_on": "2025-12-01",
                "closes_on": "2026-01-15",
                **extra,
            },
        ),
    )
    if shape == "committee":
        for member in cast.members:
            service.add_subject(office, tctx, campaign.id, SubjectInput(user_id=member.id))
    return campaign


def _answers(campaign, subjects, score=8, overall="competent", comment=None):
    return [
        AnswerInput(
            subject_id=s.id,
            scores={d["key"]: score for d in campaign.dimensions},
            overall=overall,
            comment=comment,
        )
        for s in subjects
    ]


def _form(**changes):
    """A change to the form, as the API's PATCH body or the form page gives it."""
    return load_input(EvaluationFormUpdateSchema, changes, partial=True)


def _opened(cast, tctx, office, **extra):
    campaign = _campaign(cast, tctx, office, **extra)
    links = service.open_campaign(office, tctx, campaign.id)
    return campaign, links


def test_the_form_is_fixed_once_the_campaign_opens(clock, cast, tctx, office):
    campaign = _campaign(cast, tctx, office)
    service.update_form(
        office,
        tctx,
        campaign.id,
        _form(dimensions=[{"label": "工作实绩", "weight": 2}, {"label": "廉洁自律"}]),
    )
    assert [d["weight"] for d in campaign.dimensions] == [2.0, 1.0]
    with pytest.raises(ValidationFailed):
        service.update_form(
            office, tctx, campaign.id, _form(dimensions=[{"label": "", "weight": 1}])
        )
    assert len(campaign.dimensions) == 2  # nothing changed
    links = service.open_campaign(office, tctx, campaign.id)
    assert len(links) == 30 and all(link.token for link in links)
    with pytest.raises(Conflict) as locked:
        service.update_form(office, tctx, campaign.id, _form(scale_max=5))
    assert locked.value.code == "form_locked"
    with pytest.raises(Conflict):
        service.add_subject(office, tctx, campaign.id, SubjectInput(user_id=cast.members[0].id))


def test_one_answer_each_in_the_period_with_scores_in_range(clock, cast, tctx, office, world):
    campaign, links = _opened(cast, tctx, office)
    subjects = service.subjects(office, tctx, campaign.id)
    bad = _answers(campaign, subjects, score=11)
    with pytest.raises(ValidationFailed):
        service.submit_by_account(cast.actors[0], tctx, campaign.id, bad)
    service.submit_by_account(cast.actors[0], tctx, campaign.id, _answers(campaign, subjects))
    with pytest.raises(Conflict) as twice:
        service.submit_by_account(cast.actors[0], tctx, campaign.id, _answers(campaign, subjects))
    assert twice.value.code == "already_answered"
    with pytest.raises(PermissionDenied):  # not an eligible rater
        service.submit_by_account(
            actor(world.users["committee_member"]), tctx, campaign.id, _answers(campaign, subjects)
        )
    service.submit_by_link(tctx, links[1].token, _answers(campaign, subjects))
    with pytest.raises(Conflict):  # the same rater again, through their link
        service.submit_by_link(tctx, links[1].token, _answers(campaign, subjects))
    with pytest.raises(NotFound):
        service.submit_by_link(tctx, "not-a-link", _answers(campaign, subjects))
    clock.today = date(2026, 1, 16)
    with pytest.raises(Conflict) as late:
        service.submit_by_account(cast.actors[2], tctx, campaign.id, _answers(campaign, subjects))
    assert late.value.code == "outside_period"
    assert service.participation(office, tctx, campaign.id).answered == 2


def test_results_only_after_the_count_hidden_below_k_and_reading_is_audited(
    clock, cast, tctx, office, world
):
    campaign, _links = _opened(cast, tctx, office)
    assert (campaign.min_answers, campaign.answer_batch) == (5, 5)  # frozen when it opened
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(4):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, _answers(campaign, subjects, score=7 + i % 2)
        )
    # While the campaign runs there are no results at all, only how many have answered.
    for read in (
        lambda: service.results(office, tctx, campaign.id),
        lambda: service.subject_result(office, tctx, subjects[0].id),
        lambda: service.export_xlsx(office, tctx, campaign.id),
    ):
        with pytest.raises(Conflict) as early:
            read()
        assert early.value.code == "not_counted"
    assert service.participation(office, tctx, campaign.id).answered == 4
    service.close_campaign(office, tctx, campaign.id)
    assert campaign.counted_at is not None  # the count ran (Celery is eager in tests)
    rows = service.results(office, tctx, campaign.id)
    # Four answers are fewer than K: none of them was ever opened.
    assert all(not r.shown and r.count == 0 and not r.dimensions for r in rows)
    assert all(r.subject.proposed_grade is None for r in rows)
    assert db.session.scalar(select(Answer.id).where(Answer.campaign_id == campaign.id)) is None
    assert service.participation(office, tctx, campaign.id).answered == 4
    with pytest.raises(Conflict) as hidden:
        service.subject_result(office, tctx, subjects[0].id)
    assert hidden.value.code == "below_threshold"
    reads = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evaluation.results_read")
    ).all()
    assert reads and all(e.actor_user_id == world.users["township_staff"].id for e in reads)


def test_k_and_the_batch_are_frozen_when_the_campaign_opens(clock, cast, tctx, office, world):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "evaluations", {"min_answers": 7})
    campaign, _links = _opened(cast, tctx, office)
    assert (campaign.min_answers, campaign.answer_batch) == (7, 7)  # the batch raised to K
    tenants.update_township_settings(
        admin, tctx, "evaluations", {"min_answers": 3, "answer_batch": 3}
    )
    db.session.refresh(campaign)
    assert (campaign.min_answers, campaign.answer_batch) == (7, 7)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(6):
        service.submit_by_account(cast.actors[i], tctx, campaign.id, _answers(campaign, subjects))
    service.close_campaign(office, tctx, campaign.id)
    assert [r.shown for r in service.results(office, tctx, campaign.id)] == [False, False]
    with pytest.raises(ValidationFailed):  # a batch below three is refused
        tenants.update_township_settings(admin, tctx, "evaluations", {"answer_batch": 2})
    assert service.settings(tctx.id)["reminder_days"] == 2


def test_the_office_proposes_committee_members_decide_and_the_subject_waits_for_publication(
    clock, cast, tctx, office, world
):
    campaign, _links = _opened(cast, tctx, office)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(5):
        answers = _answers(
            campaign, subjects, score=9, overall="excellent", comment=f"意见{i}" if i < 2 else None
        )
        service.submit_by_account(cast.actors[i], tctx, campaign.id, answers)
    with pytest.raises(PermissionDenied):  # a representative cannot read results
        service.results(cast.actors[0], tctx, campaign.id)
    committee = actor(world.users["committee_member"])
    with pytest.raises(Conflict):  # no grade before the close and the count
        service.decide_grade(committee, tctx, subjects[0].id, GradeInput("excellent"))
    service.close_campaign(office, tctx, campaign.id)
    (first, _second) = service.results(office, tctx, campaign.id)
    assert first.shown and first.count == 5 and first.weighted_mean == 9.0
    assert first.proposed_grade == "excellent" and first.comments == ["意见0", "意见1"]
    # The count proposed each subject's grade from the scores.
    assert [s.proposed_grade for s in service.subjects(office, tctx, campaign.id)] == [
        "excellent",
        "excellent",
    ]

    # Only committee members decide; the office staff (not a member) is refused.
    with pytest.raises(PermissionDenied):
        service.decide_grade(office, tctx, subjects[0].id, GradeInput("excellent"))
    for subject in subjects:  # the responsible leader's opinion first (test_leader_opinion.py)
        service.record_leader_opinion(
            office, tctx, subject.id, LeaderOpinionInput("王分管", "同意评议意见")
        )
    service.decide_grade(committee, tctx, subjects[0].id, GradeInput("excellent"))
    # The office proposes another grade only with a reason; that resets a decided grade.
    with pytest.raises(ValidationFailed) as bare:
        service.propose_grade(office, tctx, subjects[1].id, GradeInput("competent"))
    assert "reason" in bare.value.errors
    with pytest.raises(PermissionDenied):  # proposing is the office's
        service.propose_grade(committee, tctx, subjects[1].id, GradeInput("competent", "通报批评"))
    service.decide_grade(committee, tctx, subjects[1].id, GradeInput("excellent"))
    proposed = service.propose_grade(
        office, tctx, subjects[1].id, GradeInput("competent", "年内有一次通报批评")
    )
    assert (proposed.proposed_grade, proposed.proposal_reason) == (
        "competent",
        "年内有一次通报批评",
    )
    assert proposed.grade is None and proposed.graded_at is None
    with pytest.raises(ValidationFailed):  # the committee changing the proposal needs a reason
        service.decide_grade(committee, tctx, subjects[1].id, GradeInput("excellent"))
    service.decide_grade(
        committee, tctx, subjects[1].id, GradeInput("competent", "同意办公室的建议")
    )

    # A subject who is a committee member decides about the other, never about himself.
    member = actor(cast.members[1])
    with pytest.raises(PermissionDenied) as own:
        service.decide_grade(member, tctx, subjects[1].id, GradeInput("excellent", "我觉得优秀"))
    assert "不能为自己" in own.value.message
    service.decide_grade(
        actor(cast.members[0]), tctx, subjects[1].id, GradeInput("competent", "维持")
    )

    # Before publication the subject reads neither his result nor his feedback.
    with pytest.raises(PermissionDenied):
        service.subject_result(member, tctx, subjects[1].id)
    mine, other = service.results(member, tctx, campaign.id)
    assert (mine.subject.id, other.subject.id) == (subjects[0].id, subjects[1].id)
    assert other.withheld and not other.shown and other.count == 0 and not other.dimensions
    assert not mine.withheld and mine.shown and mine.count == 5
    assert service.my_feedback(member, tctx) == []
    assert service.public_results(tctx) == []

    # Published, he reads both.
    service.set_published(office, tctx, subjects[1].id, True)
    assert service.subject_result(member, tctx, subjects[1].id).shown
    (feedback,) = service.my_feedback(member, tctx)
    assert feedback[1].subject.grade == "competent" and feedback[1].subject.grade_reason == "维持"
    assert not service.results(member, tctx, campaign.id)[1].withheld
    service.set_published(office, tctx, subjects[0].id, True)
    published = service.public_results(tctx)
    assert [r.subject.id for _c, r in published] == [subjects[0].id, subjects[1].id]
    assert all(r.comments == [] for _c, r in published)
    assert service.export_xlsx(office, tctx, campaign.id)[:2] == b"PK"


def test_the_system_reminds_non_respondents_once_a_day(clock, cast, tctx, office, world):
    campaign, _links = _opened(cast, tctx, office)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(3):
        service.submit_by_account(cast.actors[i], tctx, campaign.id, _answers(campaign, subjects))
    # The office sees every rater, never who has answered.
    listed = service.raters(office, tctx, campaign.id)
    assert len(listed) == 30 and all(len(row) == 2 for row in listed)
    assert not hasattr(service, "non_respondents")
    with pytest.raises(PermissionDenied):
        service.remind(cast.actors[5], tctx, campaign.id)
    assert service.remind(office, tctx, campaign.id) == 27
    with pytest.raises(Conflict) as again:
        service.remind(office, tctx, campaign.id)
    assert again.value.code == "already_reminded"
    inboxed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like("evaluations.remind:%"))
    ).all()
    assert len(inboxed) == 1
    # Through the inbox of everyone who has not answered, and of no one who has.
    assert inboxed[0].payload["user_ids"] == sorted(u.id for u in cast.users[3:])
    clock.today = date(2025, 12, 16)
    assert service.remind(office, tctx, campaign.id) == 27  # another day


def test_public_codes_answer_once(clock, cast, tctx, office):
    campaign = _campaign(cast, tctx, office, shape="public")
    service.add_default_subjects(office, tctx, campaign.id)
    service.open_campaign(office, tctx, campaign.id)
    codes = service.issue_codes(office, tctx, campaign.id, CodesInput(3))
    subjects = service.subjects(office, tctx, campaign.id)
    service.submit_public(tctx, campaign.id, codes[0], _answers(campaign, subjects))
    with pytest.raises(Conflict):
        service.submit_public(tctx, campaign.id, codes[0], _answers(campaign, subjects))
    with pytest.raises(Conflict):
        service.submit_public(tctx, campaign.id, "made-up", _answers(campaign, subjects))
    figures = service.participation(office, tctx, campaign.id)
    assert (figures.eligible, figures.answered) == (3, 1)


def test_party_members_rate_only_their_own_branchs_representative(clock, cast, tctx, office, world):
    from lianxin.people.models import PartyMember

    for name in ("党员甲", "党员乙"):
        db.session.add(
            PartyMember(
                name=name, name_pinyin=name, name_initials="dy", branch_id=world.branches["t"].id
            )
        )
    db.session.commit()
    campaign = _campaign(cast, tctx, office, shape="duty")
    service.add_subject(office, tctx, campaign.id, SubjectInput(representative_id=cast.reps[0]))
    links = service.open_campaign(office, tctx, campaign.id)
    assert sorted(link.name for link in links) == ["党员乙", "党员甲"]
    chosen, rater = service.rater_by_link(tctx, links[0].token)
    assert [s.representative_id for s in service.form_subjects(tctx, chosen, rater)] == [
        cast.reps[0]
    ]


def test_after_30_raters_no_row_or_order_links_an_answer_to_a_rater(clock, cast, tctx, office):
    """Read every table the module writes, and the audit log and the outbox, as a database
    administrator would."""
    campaign, _links = _opened(cast, tctx, office)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(30):
        answers = _answers(
            campaign, subjects, score=1 + i % 10, overall="competent", comment=f"第{i}号意见"
        )
        service.submit_by_account(cast.actors[i], tctx, campaign.id, answers)

    # Before any release: the pool holds each answer only sealed, every one of one length,
    # next to nothing but its campaign and subject.
    pool = inspect(PooledAnswer).local_table
    # (+ the rater's category, which the receipt tells anyway: released per category)
    assert {c.name for c in pool.columns} == {
        "tenant_id",
        "id",
        "campaign_id",
        "subject_id",
        "category",
        "sealed",
    }
    sealed = db.session.scalars(
        select(PooledAnswer.sealed).where(PooledAnswer.campaign_id == campaign.id)
    ).all()
    assert len(sealed) == 60 and len({len(bytes(b)) for b in sealed}) == 1
    for needle in ("第12号意见", "意见", "competent", '"scores"'):
        assert not any(needle.encode() in bytes(b) for b in sealed), needle
    assert db.session.scalar(select(Answer.id).where(Answer.campaign_id == campaign.id)) is None
    # The worker's release (K = 5, batch 5): 30 pending a subject, all but K come out.
    assert service.release_answers(tctx, campaign.id) == 50
    assert service.release_answers(tctx, campaign.id) == 0
    service.close_campaign(office, tctx, campaign.id)

    answer = inspect(Answer).local_table
    assert {c.name for c in answer.columns} == {
        "tenant_id",
        "id",
        "campaign_id",
        "subject_id",
        "key",
        "scores",
        "overall",
        "comment",
        "cannot_evaluate",
        "category",  # the rater's category, released per category in batches of K or more
    }
    assert {fk.column.table.name for fk in answer.foreign_keys} == {
        "townships",
        "ev_campaigns",
        "ev_subjects",
    }
    receipt = inspect(Receipt).local_table
    # (+ whether the rater was handed a paper form: no time, no answer)
    assert {c.name for c in receipt.columns} == {
        "tenant_id",
        "id",
        "campaign_id",
        "rater_id",
        "on_paper",
    }
    rows = db.session.execute(select(Answer.key, Answer.comment).order_by(Answer.id)).all()
    assert len(rows) == 60 and all(uuid.UUID(k).version == 4 for k, _c in rows)
    assert db.session.scalar(select(PooledAnswer.id)) is None  # nothing left in the pool
    # The order of answers is not the order of the raters: released in shuffled batches of at
    # least five forms, so the comment of rater i is not at position i (all of them, in order,
    # would be a one-in-many-billions accident).
    first_subject = [
        c
        for (_k, c), s in zip(
            rows, db.session.scalars(select(Answer.subject_id).order_by(Answer.id)), strict=True
        )
        if s == subjects[0].id
    ]
    assert first_subject != [f"第{i}号意见" for i in range(30)]
    # The audit log names who opened and closed the campaign and who read results, never a
    # rater next to an answer; the outbox carries nothing about answers.
    rater_users = {u.id for u in cast.users}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("evaluation.%"))
    ).all()
    assert not {e.actor_user_id for e in entries} & rater_users
    assert not any("第" in str(e.after or "") for e in entries)
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert not any("意见" in str(m.payload) for m in messages)
    # No table of the module has a timestamp that could be matched against a receipt.
    for model in (Answer, Receipt, PooledAnswer, Rater):
        assert not [
            c.name
            for c in inspect(model).local_table.columns
            if "_at" in c.name or c.name == "created"
        ]
    if db.session.get_bind().dialect.name == "postgresql":
        answer_xmins = set(db.session.scalars(text("SELECT xmin::text FROM ev_answers")))
        receipt_xmins = set(db.session.scalars(text("SELECT xmin::text FROM ev_receipts")))
        assert len(receipt_xmins) == 30  # one transaction each
        assert len(answer_xmins) == 2  # the worker's release, and the rest at the count
        assert not answer_xmins & receipt_xmins
    assert service.campaign_participation(campaign).answered == 30
    assert campaign.state == CampaignState.CLOSED


def test_a_handled_case_gets_one_public_code(clock, cast, tctx, office):
    from lianxin.casework import service as casework

    campaign = _campaign(cast, tctx, office, shape="public")
    service.add_default_subjects(office, tctx, campaign.id)
    service.open_campaign(office, tctx, campaign.id)
    new = casework.register(
        office,
        tctx,
        casework.CaseInput(title="路灯", body="不亮", channel="phone", raiser_phone="13900139000"),
    )
    code = service.code_for_case(office, tctx, campaign.id, new.case.id)
    with pytest.raises(Conflict):
        service.code_for_case(office, tctx, campaign.id, new.case.id)
    subjects = service.subjects(office, tctx, campaign.id)
    service.submit_public(tctx, campaign.id, code, _answers(campaign, subjects))
    assert service.participation(office, tctx, campaign.id).answered == 1
