"""What absences from training mean for the year's grade (the registry's grade-limit hook).

From the standing (stages/standing.py), with the township's settings: two absences in a row
in the year (excused or not; 001 果园 "凡连续两次不参加学习的，民主评议党员时不能评为优秀等次") bar
优秀 when `consecutive_absences_bar_excellent` is on; an unexcused one (001 果园 "无故不参加学习的，
民主评议党员时定为不合格等次") sets the grade to 不合格 (the evaluations' 不称职) when
`unexcused_absence_fails` is on. A rule switched off in a township bounds nothing there. The
evaluations of duty reports ask for it through the registry, never importing this module."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from lianxin.db.tenancy import current_tenant_id
from lianxin.modules.kit import today
from lianxin.modules.registry import GradeLimit
from lianxin.modules.trainings.stages.common import settings
from lianxin.modules.trainings.stages.standing import compute


def grade_limits(year: int, representative_ids: Sequence[int]) -> dict[int, GradeLimit]:
    """The bounds of the year's grade, for the representatives with one: a fixed number of
    queries whatever the batch (the standing's own), inside the township's tenant context."""
    if not representative_ids:
        return {}
    township_id = current_tenant_id()
    if township_id is None:
        return {}
    rules = settings(township_id)
    bar_excellent = bool(rules["consecutive_absences_bar_excellent"])
    fails = bool(rules["unexcused_absence_fails"])
    if not (bar_excellent or fails):
        return {}
    out: dict[int, GradeLimit] = {}
    for standing in compute(township_id, year, today(), rep_ids=list(representative_ids)):
        highest = forced = None
        reasons = []
        if fails and standing.unexcused:
            highest = forced = "incompetent"
            reasons.append(
                _(
                    "%(y)d年无故不参加学习培训 %(n)d 次，应定为不合格",
                    y=year,
                    n=standing.unexcused,
                )
            )
        if bar_excellent and standing.consecutive:
            highest = highest or "competent"
            reasons.append(_("%(y)d年连续两次不参加学习培训，不能评为优秀", y=year))
        if reasons:
            out[standing.representative_id] = GradeLimit(highest, forced, tuple(reasons))
    return out
