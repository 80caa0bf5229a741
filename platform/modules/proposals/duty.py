"""The proposals' lines of a representative's duty record (履职档案): the proposals, suggestions
and inquiries they submitted as lead author (a constructive suggestion), those of them accepted
(立案, numbered), and the others' they co-signed (联名).

Each counts in the period it was submitted (Asia/Shanghai); a draft counts nowhere. Accepted
is where the proposal stands now: accepted and anything after it (assigned, answered,
closed), not merged into another nor refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.duty_lines import Lines, local_day
from lianxin.modules.proposals.models import Kind, Proposal, Signature, SignatureStatus, State
from lianxin.modules.proposals.states import KIND_LABELS, STATE_LABELS
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet, utc_bounds

LED = "proposals.led"
ACCEPTED = "proposals.accepted"
COSIGNED = "proposals.cosigned"

ITEMS = (
    DutyItem(
        LED,
        _l("领衔提出提案、建议"),
        unit=_l("件"),
        description=_l("期内本人领衔提交的提案、建议意见和质询件数"),
        suggestion=True,
    ),
    DutyItem(
        ACCEPTED,
        _l("提案、建议立案"),
        unit=_l("件"),
        description=_l("期内本人领衔提交、已立案（含已交办、已答复、已办结）的件数"),
    ),
    DutyItem(
        COSIGNED,
        _l("联名提案"),
        unit=_l("件"),
        description=_l("期内提交的他人领衔提案中，本人已签名附议的件数"),
    ),
)

_ACCEPTED_STATES = frozenset(
    {State.ACCEPTED, State.ASSIGNED, State.ANSWERED, State.UNSATISFIED, State.CLOSED}
)


def _what(kind: str, title: str, state: str) -> str:
    return _(
        "%(k)s《%(t)s》（%(s)s）",
        k=KIND_LABELS.get(Kind(kind), kind),
        t=title,
        s=STATE_LABELS.get(State(state), state),
    )


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    lo, hi = utc_bounds(start, end)
    submitted = and_(
        Proposal.state != State.DRAFT,
        Proposal.submitted_at >= lo,
        Proposal.submitted_at < hi,
    )
    lines = Lines(start, end)
    led = db.session.execute(
        select(
            Proposal.author_id, Proposal.kind, Proposal.title, Proposal.state, Proposal.submitted_at
        ).where(Proposal.author_id.in_(ids), submitted)
    ).all()
    for rep_id, kind, title, state, submitted_at in led:
        day = local_day(submitted_at)
        lines.add(rep_id, LED, day, _what(kind, title, state))
        if state in _ACCEPTED_STATES:
            lines.add(rep_id, ACCEPTED, day, _what(kind, title, state))
    cosigned = db.session.execute(
        select(
            Signature.representative_id,
            Proposal.kind,
            Proposal.title,
            Proposal.state,
            Proposal.submitted_at,
        )
        .join(
            Proposal,
            and_(
                Proposal.id == Signature.proposal_id,
                Proposal.tenant_id == Signature.tenant_id,
            ),
        )
        .where(
            Signature.representative_id.in_(ids),
            Signature.status == SignatureStatus.SIGNED,
            Signature.representative_id != Proposal.author_id,
            submitted,
        )
    ).all()
    for rep_id, kind, title, state, submitted_at in cosigned:
        lines.add(rep_id, COSIGNED, local_day(submitted_at), _what(kind, title, state))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
