"""Committee members graded 不称职 are reported to the county (001 张家港: 经评议认定的不合格的
“两委”委员…将有关情况报告市委组织部). The county side reads no township table, so the report goes
two allowed ways: an inbox message to the county's administrators through the outbox, and the
module's county figure `evaluations_unfit_count` (a count, no name)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import GradeInput, SubjectInput
from lianxin.modules.evaluations.metrics import figures
from lianxin.notify.models import OutboxMessage
from tests.factories import actor
from tests.modules.evaluations import steps


def _reports(tctx):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"evaluation.unfit:{tctx.id}:%"))
    ).all()


def test_an_unfit_member_is_reported_once_and_counted_for_the_county(
    clock, cast, tctx, office, world
):
    campaign = steps.campaign(cast, tctx, office)
    service.add_subject(office, tctx, campaign.id, SubjectInput(kind="city_rep", name="周市代"))
    service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(5):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects, 2, "incompetent")
        )
    service.close_campaign(office, tctx, campaign.id)
    steps.opinions(office, tctx, subjects)
    committee = actor(world.users["committee_member"])
    first, second, city = subjects
    service.decide_grade(committee, tctx, second.id, GradeInput("competent", "情况属实已整改"))
    assert _reports(tctx) == []  # 称职: nothing to report
    service.decide_grade(committee, tctx, city.id, GradeInput("incompetent"))
    assert _reports(tctx) == []  # a city representative is no member of the township's committee
    graded = service.decide_grade(committee, tctx, first.id, GradeInput("incompetent"))
    db.session.commit()
    assert graded.reported_at is not None
    (report,) = _reports(tctx)
    assert report.payload["kind"] == "evaluation.unfit"
    assert report.payload["user_ids"] == [world.users["county_admin"].id]
    assert first.name in report.payload["title"]
    # Decided again (the same grade): reported once.
    service.decide_grade(committee, tctx, first.id, GradeInput("incompetent", "维持"))
    assert len(_reports(tctx)) == 1
    # The county's figure of the period: one, a count.
    with tenant_context(tctx.id):
        assert figures(date(2026, 1, 1), date(2026, 2, 1))["evaluations_unfit_count"].value == 1
        assert figures(date(2026, 2, 1), date(2026, 3, 1))["evaluations_unfit_count"].value == 0
