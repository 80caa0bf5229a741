"""The duty-report evaluation on the duty record: only the published grade of a representative
as the subject of a 述职评议, as one line per grade ("评议结果：称职"). Nothing that traces a
rater's answer reaches it: no answer, score, comment, rater, count of answers, nor the office's
proposed grade or the reasons; an unpublished grade and other campaigns' subjects count nowhere."""

from __future__ import annotations

from datetime import date

from lianxin.modules.evaluations.models import (
    Answer,
    Campaign,
    CampaignState,
    Grade,
    Rater,
    Receipt,
    Shape,
    Subject,
)
from tests.duty_records_lines.conftest import (
    NEXT_YEAR,
    add,
    all_details,
    count,
    lines,
    shanghai,
    spec_of,
)

EXCELLENT = "evaluations.excellent"
COMPETENT = "evaluations.competent"
INCOMPETENT = "evaluations.incompetent"


def _campaign(township, title, shape=Shape.DUTY):
    return add(
        township,
        Campaign(
            title=title,
            shape=shape,
            opens_on=date(2026, 11, 1),
            closes_on=date(2026, 11, 30),
            state=CampaignState.CLOSED,
            dimensions=[{"key": "duty", "label": "履职", "weight": 1}],
        ),
    )[0]


def _subject(township, campaign, rep, grade, published_at, **extra):
    return add(
        township,
        Subject(
            campaign_id=campaign.id,
            name=rep.name,
            representative_id=rep.id,
            report_text="本人一年来履职情况",
            proposed_grade=Grade.INCOMPETENT,
            proposal_reason="办公室拟定理由：多次缺席",
            grade=grade,
            grade_reason="党委会议决定理由",
            graded_at=published_at,
            published_at=published_at,
            **extra,
        ),
    )[0]


def test_only_the_published_grade_reaches_the_record(township, clock, reps):
    a, b, c, d, rater = reps[:5]
    campaign = _campaign(township, "2026年度党代表述职评议")
    published = shanghai(2026, 12, 20)
    subject_a = _subject(township, campaign, a, Grade.COMPETENT, published)
    _subject(township, campaign, b, Grade.INCOMPETENT, published)
    _subject(township, campaign, c, Grade.EXCELLENT, None)  # graded, not published
    committee = _campaign(township, "两委委员评议", Shape.COMMITTEE)
    _subject(township, committee, d, Grade.EXCELLENT, published)
    row = add(township, Rater(campaign_id=campaign.id, representative_id=rater.id, token_hash="h"))[
        0
    ]
    add(township, Receipt(campaign_id=campaign.id, rater_id=row.id))
    add(
        township,
        Answer(
            campaign_id=campaign.id,
            subject_id=subject_a.id,
            key="k-1",
            scores={"duty": 3},
            overall=Grade.INCOMPETENT,
            comment="评议人意见：工作不到位",
        ),
    )

    found = lines(spec_of("evaluations"), township, [r.id for r in (a, b, c, d, rater)])

    assert found[a.id] == {COMPETENT: found[a.id][COMPETENT]}
    assert count(found, a.id, COMPETENT) == 1
    assert found[a.id][COMPETENT].details == ("12月20日 《2026年度党代表述职评议》评议结果：称职",)
    assert count(found, b.id, INCOMPETENT) == 1
    assert c.id not in found and d.id not in found and rater.id not in found
    text = all_details(found)
    for traced in ("工作不到位", "评议人", "理由", "多次缺席", rater.name):
        assert traced not in text
    incompetent = next(i for i in spec_of("evaluations").duty.items if i.key == INCOMPETENT)
    assert incompetent.kind == "missed"


def test_a_grade_counts_in_the_year_it_was_published(township, clock, reps):
    a = reps[0]
    campaign = _campaign(township, "2026年度述职评议")
    _subject(township, campaign, a, Grade.EXCELLENT, shanghai(2027, 1, 1, 0, 10))
    spec = spec_of("evaluations")
    assert lines(spec, township, [a.id]) == {}
    later = lines(spec, township, [a.id], *NEXT_YEAR)
    assert count(later, a.id, EXCELLENT) == 1
