"""Casework's lines of a representative's duty record (履职档案): the cases they received (首问,
`received_by_id`) and how many of those are closed, and the cases they raised themselves (a
constructive suggestion).

A case received is one registered in the period with the representative as its first
receiver, from the public or recorded for someone (代为登记); it is closed once archived. A case
raised is one the representative submitted from their own account as their own (not 代为登记).
A line names the case by number and state ("诉求 #12（已归档）"): never its title, text or the
person who raised it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.casework.models import Case, CaseState
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db
from lianxin.modules.duty_lines import Lines, local_day
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet, utc_bounds
from lianxin.people.models import Representative

RECEIVED = "casework.cases_received"
CLOSED = "casework.cases_closed"
RAISED = "casework.cases_raised"

ITEMS = (
    DutyItem(
        RECEIVED,
        _l("接待群众诉求"),
        unit=_l("件"),
        description=_l("期内登记、由本人首问接待的群众诉求件数（不含本人提出的）"),
    ),
    DutyItem(
        CLOSED,
        _l("诉求已办结"),
        unit=_l("件"),
        description=_l("期内本人接待的诉求中已办结（归档）的件数"),
    ),
    DutyItem(
        RAISED,
        _l("本人提出意见建议"),
        unit=_l("件"),
        description=_l("期内本人以自己名义提出的意见建议（诉求）件数"),
        suggestion=True,
    ),
)


def _state(state: str) -> str:
    return str(STATE_LABELS.get(CaseState(state), state))


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    lo, hi = utc_bounds(start, end)
    lines = Lines(start, end)
    received = db.session.execute(
        select(
            Case.id,
            Case.received_by_id,
            Case.state,
            Case.created_at,
            Case.closed_at,
            Case.on_behalf,
            Case.recorded_by_id,
            Representative.user_id,
        )
        .join(
            Representative,
            and_(
                Representative.id == Case.received_by_id,
                Representative.tenant_id == Case.tenant_id,
            ),
        )
        .where(Case.received_by_id.in_(ids), Case.created_at >= lo, Case.created_at < hi)
    ).all()
    for case_id, rep_id, state, created_at, closed_at, on_behalf, recorder, rep_user in received:
        if not on_behalf and recorder is not None and recorder == rep_user:
            continue  # their own suggestion, counted below
        day = local_day(created_at)
        what = _("诉求 #%(n)d（%(s)s）", n=case_id, s=_state(state))
        lines.add(rep_id, RECEIVED, day, what)
        if closed_at is not None:
            lines.add(rep_id, CLOSED, day, _("诉求 #%(n)d 已办结", n=case_id))
    raised = db.session.execute(
        select(Representative.id, Case.id, Case.state, Case.created_at)
        .join(
            Representative,
            and_(
                Representative.user_id == Case.recorded_by_id,
                Representative.tenant_id == Case.tenant_id,
            ),
        )
        .where(
            Representative.id.in_(ids),
            Case.on_behalf.is_(False),
            Case.created_at >= lo,
            Case.created_at < hi,
        )
    ).all()
    for rep_id, case_id, state, created_at in raised:
        what = _("提出意见建议 #%(n)d（%(s)s）", n=case_id, s=_state(state))
        lines.add(rep_id, RAISED, local_day(created_at), what)
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
