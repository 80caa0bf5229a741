"""The evaluations' line of a representative's duty record (履职档案): the grade the committee
gave their duty report (述职评议), once published — one line per grade, so that the county
can weigh 优秀 above 称职 and deduct 不称职.

Only the representative as a subject, and only their published grade, reach the record: never
an answer, a score, a count of answers, a rater, nor the office's proposed grade or the
reasons given (the answers are anonymous, ARCHITECTURE.md §6). A grade counts in the period it
was published (Asia/Shanghai)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines, local_day
from lianxin.modules.evaluations.models import Campaign, Grade, Shape, Subject
from lianxin.modules.evaluations.stages.common import GRADE_LABELS
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet, utc_bounds

EXCELLENT = "evaluations.excellent"
COMPETENT = "evaluations.competent"
INCOMPETENT = "evaluations.incompetent"

_KEYS = {Grade.EXCELLENT: EXCELLENT, Grade.COMPETENT: COMPETENT, Grade.INCOMPETENT: INCOMPETENT}

ITEMS = (
    DutyItem(
        EXCELLENT,
        _l("述职评议：优秀"),
        unit=_l("次"),
        description=_l("期内公布的述职评议结果为优秀的次数"),
    ),
    DutyItem(
        COMPETENT,
        _l("述职评议：称职"),
        unit=_l("次"),
        description=_l("期内公布的述职评议结果为称职的次数"),
    ),
    DutyItem(
        INCOMPETENT,
        _l("述职评议：不称职"),
        unit=_l("次"),
        kind="missed",
        description=_l("期内公布的述职评议结果为不称职的次数"),
    ),
)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    lo, hi = utc_bounds(start, end)
    rows = db.session.execute(
        select(Subject.representative_id, Subject.grade, Subject.published_at, Campaign.title)
        .join(
            Campaign,
            and_(Campaign.id == Subject.campaign_id, Campaign.tenant_id == Subject.tenant_id),
        )
        .where(
            Campaign.shape == Shape.DUTY,
            Subject.representative_id.in_(list(representative_ids)),
            Subject.grade.is_not(None),
            Subject.published_at >= lo,
            Subject.published_at < hi,
        )
    ).all()
    lines = Lines(start, end)
    for rep_id, grade, published_at, title in rows:
        key = _KEYS.get(Grade(grade))
        if key is None:
            continue
        what = _("《%(c)s》评议结果：%(g)s", c=title, g=GRADE_LABELS[Grade(grade)])
        lines.add(rep_id, key, local_day(published_at), what)
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
