"""The inspections' line of a representative's duty record (履职档案): the inspections and
research visits (视察、调研) they took part in.

A visit counts in the period of its day (Asia/Shanghai) once held (its findings recorded, or
reported), for the team members recorded present; a planned or cancelled one counts nowhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines
from lianxin.modules.inspections.models import Inspection, InspectionMember
from lianxin.modules.inspections.stages.plans import DONE, FORM_LABELS
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet

TOOK_PART = "inspections.took_part"

ITEMS = (
    DutyItem(
        TOOK_PART,
        _l("参加视察调研"),
        unit=_l("次"),
        description=_l("期内已开展的视察、调研、走访、座谈中，本人到场参加的次数"),
    ),
)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    rows = db.session.execute(
        select(
            InspectionMember.representative_id,
            Inspection.form,
            Inspection.subject,
            Inspection.held_on,
        )
        .join(
            Inspection,
            and_(
                Inspection.id == InspectionMember.inspection_id,
                Inspection.tenant_id == InspectionMember.tenant_id,
            ),
        )
        .where(
            InspectionMember.representative_id.in_(list(representative_ids)),
            InspectionMember.attended.is_(True),
            Inspection.state.in_(DONE),
            Inspection.held_on >= start,
            Inspection.held_on < end,
        )
    ).all()
    lines = Lines(start, end)
    for rep_id, form, subject, held_on in rows:
        what = _("%(f)s《%(s)s》", f=FORM_LABELS.get(form, form), s=subject)
        lines.add(rep_id, TOOK_PART, held_on, what)
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
