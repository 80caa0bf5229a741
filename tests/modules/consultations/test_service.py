"""The consultations' rules through the use cases: the minimum asked (N−1 refused, N
accepted; a setting moved in one township only), whom a choice reaches, one answer each until
the end of the deadline day (Asia/Shanghai), the committee's answer to everyone asked, a
personnel consultation turned into a secret vote (sealed, counted only with K ballots), the
one-time link of a representative without an account, opinions that become cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.consultations import service
from lianxin.modules.consultations.inputs import (
    AnswerInput,
    ConsultationAnswerSchema,
    ConsultationFeedbackSchema,
    ConsultationInputSchema,
    FeedbackInput,
    OpinionCaseInput,
    VoteInput,
)
from lianxin.modules.consultations.models import Ballot, Invitee, PooledBallot, Receipt
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.consultations.conftest import TODAY, open_one, opinion_input


def _rep_actor(reps, i):
    return actor(reps.users[i])


def test_below_the_minimum_is_refused_and_the_minimum_accepted(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        with pytest.raises(service.BelowMinimum):
            open_one(office, t, reps.ids(9))
        assert db.session.scalar(select(func.count()).select_from(Invitee)) == 0
        opened = open_one(office, t, reps.ids(10))
        assert service.consultation_tally(opened.consultation).invited == 10


def test_the_minimum_is_a_setting_of_one_township(world, reps, office, clock):
    t = world.township
    tenants.update_township_settings(
        actor(world.users["township_admin"]), t, "consultations", {"min_representatives": 3}
    )
    with tenant_context(t.id):
        with pytest.raises(service.BelowMinimum):
            open_one(office, t, reps.ids(2))
        open_one(office, t, reps.ids(3))
    assert service.settings(world.other.id)["min_representatives"] == 10


def test_groups_and_everyone_count_each_representative_once(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        # The group has five in office (the minimum of ten is not reached by it alone) …
        with pytest.raises(service.BelowMinimum):
            service.open_consultation(office, t, opinion_input([], group_ids=[reps.group_id]))
        # … with eight named, three of them in the group too, it asks ten.
        opened = service.open_consultation(
            office, t, opinion_input(reps.ids(8), group_ids=[reps.group_id])
        )
        assert service.consultation_tally(opened.consultation).invited == 10
        everyone = service.open_consultation(office, t, opinion_input(reps.ids(3), everyone=True))
        # 12 with accounts + 2 without; the one whose term ended is not asked.
        assert service.consultation_tally(everyone.consultation).invited == 14


def test_a_representative_whose_term_ended_or_of_another_township_is_not_asked(
    world, reps, office, clock
):
    t = world.township
    with tenant_context(t.id):
        with pytest.raises(ValidationFailed) as ended:
            open_one(office, t, [*reps.ids(10), reps.ended.id])
        assert "representative_ids" in ended.value.errors
        with pytest.raises(NotFound):
            open_one(office, t, [*reps.ids(10), 10_000_000])


def test_input_shape(world, clock):
    with pytest.raises(ValidationFailed) as no_one:
        load_input(
            ConsultationInputSchema,
            {"title": "x", "kind": "plan", "deadline": TODAY.isoformat()},
        )
    assert "audience" in no_one.value.errors
    with pytest.raises(ValidationFailed) as vote:
        load_input(
            ConsultationInputSchema,
            {
                "title": "x",
                "kind": "plan",
                "deadline": TODAY.isoformat(),
                "everyone": True,
                "mode": "secret_vote",
            },
        )
    assert "mode" in vote.value.errors
    with pytest.raises(ValidationFailed) as opinion:
        load_input(ConsultationAnswerSchema, {"stance": "opinion"})
    assert "opinion" in opinion.value.errors
    with pytest.raises(ValidationFailed) as reason:
        load_input(ConsultationFeedbackSchema, {"outcome": "partly"})
    assert "feedback" in reason.value.errors
    assert load_input(ConsultationFeedbackSchema, {"outcome": "adopted"}).feedback is None


def test_only_the_office_opens(world, reps, clock):
    t = world.township
    with tenant_context(t.id), pytest.raises(PermissionDenied):
        open_one(_rep_actor(reps, 0), t, reps.ids(10))


def test_a_deadline_before_today_is_refused(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id), pytest.raises(ValidationFailed) as bad:
        open_one(office, t, reps.ids(10), deadline=TODAY - timedelta(days=1))
    assert "deadline" in bad.value.errors


def test_answers_once_until_the_end_of_the_deadline_day(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        c = open_one(office, t, reps.ids(10), deadline=TODAY).consultation
        cid = c.id
        # 23:59 in Shanghai on the deadline day is still the deadline day.
        service.answer(_rep_actor(reps, 0), t, cid, AnswerInput("agree"))
        with pytest.raises(service.AlreadyAnswered):
            service.answer(_rep_actor(reps, 0), t, cid, AnswerInput("disagree"))
        service.answer(_rep_actor(reps, 1), t, cid, AnswerInput("opinion", "建议分两期实施"))
        with pytest.raises(ValidationFailed):  # a vote's abstention is not an opinion's answer
            service.answer(_rep_actor(reps, 2), t, cid, AnswerInput("abstain"))
        clock.today = TODAY + timedelta(days=1)  # 00:01 the next day
        with pytest.raises(service.NotOpen):
            service.answer(_rep_actor(reps, 2), t, cid, AnswerInput("agree"))
        tally = service.tally(office, t, cid)
        assert (tally.invited, tally.answered) == (10, 2)
        assert tally.counts == {"agree": 1, "opinion": 1}
        # Someone not asked: refused, and the consultation is not even shown to them.
        with pytest.raises(NotFound):
            service.get_consultation(_rep_actor(reps, 11), t, cid)


def test_the_sweep_closes_after_the_deadline_day(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        cid = open_one(office, t, reps.ids(10), deadline=TODAY).consultation.id
        assert service.close_due(t) == 0
        clock.today = TODAY + timedelta(days=1)
        assert service.close_due(t) == 1
        assert service.find_consultation(t, cid).state == "closed"


def test_feedback_goes_back_to_everyone_asked(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        opened = open_one(office, t, [*reps.ids(9), reps.phone_only.id])
        cid = opened.consultation.id
        with pytest.raises(Conflict):
            service.give_feedback(office, t, cid, FeedbackInput("adopted", None))
        service.close_consultation(office, t, cid)
        service.give_feedback(office, t, cid, FeedbackInput("partly", "采纳了分期实施的建议"))
        c = service.find_consultation(t, cid)
        assert (c.state, c.outcome) == ("replied", "partly")
        with pytest.raises(Conflict):
            service.give_feedback(office, t, cid, FeedbackInput("adopted", None))
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"consultation:{t.id}:{cid}:feedback"
        )
    )
    assert len(message.payload["user_ids"]) == 9
    assert [p["phone"] for p in message.payload["phones"]] == ["13900001111"]


def test_one_time_link_answers_once(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        opened = open_one(office, t, [*reps.ids(8), reps.phone_only.id, reps.unreachable.id])
        # The one with a phone got it by SMS; the other's is shown once to the office.
        assert {(link.name, link.sent) for link in opened.links} == {
            ("无账号代表", True),
            ("无电话代表", False),
        }
        token = next(lk for lk in opened.links if not lk.sent).url.rsplit("/", 1)[1]
        hashed = db.session.scalars(select(Invitee.token_hash)).all()
        assert token not in hashed  # kept as a hash only
        service.answer_by_link(t, token, AnswerInput("disagree", "程序不完整"))
        with pytest.raises(NotFound):
            service.answer_by_link(t, token, AnswerInput("agree"))
        rows = {
            r.representative.name: r for r in service.answers(office, t, opened.consultation.id)
        }
        assert rows["无电话代表"].invitee.stance == "disagree"
        assert rows["无电话代表"].invitee.answered_via == "link"
    with tenant_context(world.other.id), pytest.raises(NotFound):
        service.answer_by_link(world.other, "nonsense", AnswerInput("agree"))


def test_a_personnel_consultation_becomes_a_secret_vote(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        plan = open_one(office, t, reps.ids(10)).consultation
        with pytest.raises(Conflict):  # only personnel
            service.call_vote(office, t, plan.id, VoteInput(TODAY, secret=True))
        c = open_one(office, t, reps.ids(10), kind="appointment", title="关于拟任人选").consultation
        vote = service.call_vote(office, t, c.id, VoteInput(TODAY, secret=True)).consultation
        vid = vote.id
        assert vote.mode == "secret_vote" and vote.parent_id == c.id and vote.min_ballots == 5
        for i, stance in enumerate(["agree"] * 4 + ["disagree", "abstain"]):
            service.answer(_rep_actor(reps, i), t, vid, AnswerInput(stance))
        with pytest.raises(service.AlreadyAnswered):
            service.answer(_rep_actor(reps, 0), t, vid, AnswerInput("agree"))
        # Nothing says how anyone voted: receipts and sealed bytes only, no answers listed.
        assert db.session.scalar(select(func.count()).select_from(Receipt)) == 6
        sealed = db.session.scalars(select(PooledBallot.sealed)).all()
        assert len({len(s) for s in sealed}) == 1 and all(b"agree" not in s for s in sealed)
        assert service.answers(office, t, vid) == []
        assert service.tally(office, t, vid).counts == {}
        service.close_consultation(office, t, vid)
    with tenant_context(t.id):
        service.count_closed(vid)
        db.session.commit()
        result = service.tally(office, t, vid)
        assert result.counts == {"agree": 4, "disagree": 1, "abstain": 1}
        assert db.session.scalar(select(func.count()).select_from(PooledBallot)) == 0
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 6


def test_a_secret_vote_below_k_gives_no_tally(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        c = open_one(office, t, reps.ids(10), kind="appointment").consultation
        vid = service.call_vote(office, t, c.id, VoteInput(TODAY, secret=True)).consultation.id
        for i in range(4):  # K is 5
            service.answer(_rep_actor(reps, i), t, vid, AnswerInput("agree"))
        service.close_consultation(office, t, vid)
    with tenant_context(t.id):
        service.count_closed(vid)
        db.session.commit()
        result = service.tally(office, t, vid)
        assert result.withheld and result.counts == {} and result.answered == 4
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_an_opinion_becomes_a_case_once(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        cid = open_one(office, t, reps.ids(10)).consultation.id
        service.answer(_rep_actor(reps, 0), t, cid, AnswerInput("opinion", "路口缺少红绿灯"))
        service.answer(_rep_actor(reps, 1), t, cid, AnswerInput("agree"))
        rows = {r.representative.id: r for r in service.answers(office, t, cid)}
        with pytest.raises(Conflict):
            service.raise_case(
                office, t, rows[reps.accounts[1].id].invitee.id, OpinionCaseInput("x")
            )
        opinion_id = rows[reps.accounts[0].id].invitee.id
        new = service.raise_case(office, t, opinion_id, OpinionCaseInput("路口红绿灯"))
        case = db.session.get(Case, (t.id, new.case.id))
        assert (case.source_type, case.source_id, case.received_by_id) == (
            "consultation",
            cid,
            reps.accounts[0].id,
        )
        with pytest.raises(Conflict):
            service.raise_case(office, t, opinion_id, OpinionCaseInput("again"))


def test_to_do_piles(world, reps, office, clock):
    t = world.township
    me = _rep_actor(reps, 0)
    with tenant_context(t.id):
        first = open_one(office, t, reps.ids(10), deadline=TODAY + timedelta(days=10))
        open_one(office, t, reps.ids(10), deadline=TODAY + timedelta(days=1))
        assert service.to_answer(me, t).count == 2
        service.answer(me, t, first.consultation.id, AnswerInput("agree"))
        assert service.to_answer(me, t).count == 1
        assert service.closing_soon(office, t).count == 1  # within two days
        assert service.closing_soon(me, t).count == 0
        service.close_consultation(office, t, first.consultation.id)
        assert service.feedback_due(office, t).count == 1


def test_the_exports(world, reps, office, clock):
    t = world.township
    with tenant_context(t.id):
        cid = open_one(office, t, reps.ids(10)).consultation.id
        service.answer(_rep_actor(reps, 0), t, cid, AnswerInput("opinion", "=HYPERLINK(1)"))
        assert service.answers_xlsx(office, t, cid)[:2] == b"PK"
        assert service.register_xlsx(office, t)[:2] == b"PK"
        with pytest.raises(PermissionDenied):
            service.answers_xlsx(_rep_actor(reps, 0), t, cid)


def test_metrics(world, reps, office, clock):
    from lianxin.modules.consultations.metrics import figures

    t = world.township
    with tenant_context(t.id):
        cid = open_one(office, t, reps.ids(10)).consultation.id
        for i in range(4):
            service.answer(_rep_actor(reps, i), t, cid, AnswerInput("agree"))
        opened_on = service.find_consultation(t, cid).opened_at.date()  # the real clock's
        values = figures(opened_on - timedelta(days=1), opened_on + timedelta(days=2))
        assert values["consultations_held"].value == 1
        assert values["consultations_response_rate"].value == pytest.approx(0.4)
