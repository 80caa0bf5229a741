"""The foundation's cross-township walk, with the evaluations module in the registry and switched
on, and in every township a representative, a closed and counted campaign with a graded and
published subject (the representative) and a named one, a rater with a receipt, a released
answer, an open public campaign with an answer sealed in its pool (with a comment) and a code —
so that every id the walk sends from 乙镇 names a real row."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import anonymous, db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations.models import (
    Answer,
    Campaign,
    PooledAnswer,
    PublicCode,
    Rater,
    Receipt,
    Subject,
)
from lianxin.people.models import Representative
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)

# 乙镇's and 远镇's rows take ids far above anything of 甲镇 (in any table, global ones included),
# so that every route is walked with an id that names a real row of 乙镇 and nothing of 甲镇.
FOREIGN_BASE = {"乙镇": 700_000, "远镇": 800_000}
DIMENSIONS = [{"key": "results", "label": "工作实绩", "weight": 1}]


def _rows(township):
    base = FOREIGN_BASE.get(township.name)

    def own(k):
        return {} if base is None else {"id": base + k}

    mark = f"{township.name}专属"
    rep = Representative(
        **own(1),
        name=f"{mark}代表",
        name_pinyin="daibiao",
        name_initials="db",
        gender="男",
        birth_date=date(1970, 1, 1),
        education="大学本科",
        category="农民",
        term=13,
    )
    duty = Campaign(
        **own(1),
        title=f"{mark}述职评议",
        shape="duty",
        state="closed",
        opens_on=date(2025, 12, 1),
        closes_on=date(2026, 1, 15),
        dimensions=DIMENSIONS,
        opened_at=utcnow(),
        closed_at=utcnow(),
        counted_at=utcnow(),
        min_answers=1,
        answer_batch=3,
    )
    public = Campaign(
        **own(2),
        title=f"{mark}满意度测评",
        shape="public",
        state="open",
        opens_on=date(2025, 12, 1),
        closes_on=date(2026, 1, 15),
        dimensions=DIMENSIONS,
        opened_at=utcnow(),
        min_answers=3,
        answer_batch=3,
        seal_salt=anonymous.new_salt(),
    )
    db.session.add_all([rep, duty, public])
    db.session.flush()
    subject = Subject(
        **own(1),
        campaign_id=duty.id,
        name=rep.name,
        representative_id=rep.id,
        report_text=f"{mark}述职报告",
        proposed_grade="competent",
        grade="competent",
        grade_reason=f"{mark}理由",
        graded_at=utcnow(),
        published_at=utcnow(),
    )
    station = Subject(**own(2), campaign_id=public.id, name=f"{mark}联络站")
    rater = Rater(
        **own(1), campaign_id=duty.id, representative_id=rep.id, token_hash=f"{township.id:064d}"
    )
    db.session.add_all([subject, station, rater])
    db.session.flush()
    db.session.add_all(
        [
            Receipt(**own(1), campaign_id=duty.id, rater_id=rater.id),
            Answer(
                **own(1),
                campaign_id=duty.id,
                subject_id=subject.id,
                key=f"{township.id:08d}-0000-4000-8000-000000000001",
                scores={"results": 8},
                overall="competent",
                comment=f"{mark}意见",
            ),
            PooledAnswer(
                **own(1),
                campaign_id=public.id,
                subject_id=station.id,
                sealed=anonymous.Box(
                    "evaluation", township.id, public.id, public.seal_salt, 512
                ).seal({"scores": {"results": 9}, "comment": f"{mark}群众意见"}, station.id),
            ),
            PublicCode(**own(1), campaign_id=public.id, code_hash=f"{township.id + 1:064d}"),
        ]
    )
    db.session.commit()


@pytest.fixture
def world(world):  # the evaluations conftest's world, plus its rows in every township
    for township in (world.township, world.other, world.far):
        with tenant_context(township.id):
            _rows(township)
    return world


def test_the_walk_sees_evaluation_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    base = "/api/v1/t/<township_slug>/evaluations"
    for path in (
        "/campaigns",
        "/campaigns/<int:campaign_id>",
        "/campaigns/<int:campaign_id>/form",
        "/campaigns/<int:campaign_id>/subjects",
        "/campaigns/<int:campaign_id>/subjects/defaults",
        "/subjects/<int:subject_id>",
        "/subjects/<int:subject_id>/report",
        "/subjects/<int:subject_id>/report-file",
        "/campaigns/<int:campaign_id>/open",
        "/campaigns/<int:campaign_id>/close",
        "/raters/<int:rater_id>/link",
        "/campaigns/<int:campaign_id>/raters",
        "/campaigns/<int:campaign_id>/answers",
        "/campaigns/<int:campaign_id>/participation",
        "/campaigns/<int:campaign_id>/reminders",
        "/campaigns/<int:campaign_id>/codes",
        "/campaigns/<int:campaign_id>/results",
        "/subjects/<int:subject_id>/result",
        "/subjects/<int:subject_id>/proposal",
        "/subjects/<int:subject_id>/grade",
        "/subjects/<int:subject_id>/published",
        "/feedback",
    ):
        assert base + path in rules, path
    assert base + "/campaigns/<int:campaign_id>/non-respondents" not in rules
