"""The duty record's line on the to-do home: for the office, the representatives flagged
inactive in the last complete year with no escalation step recorded for it yet (履职不足的代表).
The year under way is not a verdict: in its first months everyone is short."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.duty_records import service
from lianxin.modules.registry import TodoItem
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    year = service.this_year() - 1
    waiting = service.inactive_without_step(actor, township, year)
    if not waiting:
        return []
    if len(waiting) == 1:
        url = url_for(
            "duty_records.record",
            township_slug=township.slug,
            rep_id=waiting[0].representative_id,
            year=year,
        )
    else:
        url = url_for("duty_records.index", township_slug=township.slug, year=year, flagged="1")
    return [
        TodoItem(
            "duty_records.inactive",
            _l("履职不足的代表"),
            len(waiting),
            url,
            note=_("%(y)s年度：%(names)s", y=year, names="、".join(r.name for r in waiting[:5])),
        )
    ]
