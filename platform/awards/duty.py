"""The awards' line of a representative's duty record (履职档案, registry.DutySet): their items
the Party committee or the government adopted (采纳), as the office marked them — a proposal they
led, a case answer they received and handled, a suggestion they made sitting in on a meeting.

Each counts in the period of its adoption day (the office's mark, a Shanghai date), whatever
the year the item was written; the mark names whose item it was when it was made. A
consultation's adoption (its own feedback) is the office's consultation, no representative's,
and is not a line here. A case is named by its number only, never its title (the public's
words); one query for the whole batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.awards.kinds import KIND_LABELS
from lianxin.awards.models import Adoption, AdoptionKind
from lianxin.awards.stages.common import ADOPTED_BY_LABELS
from lianxin.db import db
from lianxin.modules.duty_lines import Lines
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet

ADOPTED = "awards.adopted"

ITEMS = (
    DutyItem(
        ADOPTED,
        _l("意见建议被采纳"),
        unit=_l("件"),
        description=_l(
            "期内被党委、政府采纳的本人领衔提案建议、经办的诉求答复和列席建议件数（按采纳日期）"
        ),
    ),
)


def _what(kind: str, item_id: int, title: str, adopted_by: str) -> str:
    who = ADOPTED_BY_LABELS.get(adopted_by, adopted_by)
    if kind == AdoptionKind.CASE:
        return _("诉求 #%(n)d 的答复（%(who)s采纳）", n=item_id, who=who)
    return _("%(k)s《%(t)s》（%(who)s采纳）", k=KIND_LABELS.get(kind, kind), t=title, who=who)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    lines = Lines(start, end)
    rows = db.session.execute(
        select(
            Adoption.representative_id,
            Adoption.kind,
            Adoption.item_id,
            Adoption.title,
            Adoption.adopted_by,
            Adoption.adopted_on,
        ).where(
            Adoption.representative_id.in_(list(representative_ids)),
            Adoption.kind != AdoptionKind.CONSULTATION,
            Adoption.adopted_on >= start,
            Adoption.adopted_on < end,
        )
    ).all()
    for rep_id, kind, item_id, title, adopted_by, adopted_on in rows:
        lines.add(rep_id, ADOPTED, adopted_on, _what(kind, item_id, title, adopted_by))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
