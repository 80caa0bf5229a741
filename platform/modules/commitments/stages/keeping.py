"""践诺、述诺、评诺: the representative reports progress on an approved commitment in dated
notes (the office may note it for them, recorded); the office closes it as kept (兑现) — from
its approval on — or not kept, only from its deadline on, with a note, and the representative
is told. The representative's own account (述诺) is their progress notes; the office's close is
the 评诺: the office decides, the representative does not close their own."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.commitments.errors import CommitmentRuleBroken
from lianxin.modules.commitments.inputs import CloseInput, ProgressInput
from lianxin.modules.commitments.models import Commitment, Progress, Status
from lianxin.modules.commitments.stages.common import (
    OUTCOME_LABELS,
    _audit,
    _write,
    find_representative,
    get_commitment,
    is_office,
    is_own,
)
from lianxin.modules.commitments.stages.writing import _tell
from lianxin.modules.kit import today as kit_today
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def _open(row: Commitment) -> None:
    if row.status != Status.APPROVED:
        raise CommitmentRuleBroken(
            _("该承诺已结项") if row.closed else _("承诺审核公开后才能报告进展或结项")
        )


def progress_of(row: Commitment) -> list[Progress]:
    return list(
        db.session.scalars(
            select(Progress)
            .where(Progress.commitment_id == row.id)
            .order_by(Progress.noted_on, Progress.id)
        )
    )


def page_progress(
    actor: Actor,
    township: Township,
    commitment_id: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Progress], int]:
    row = get_commitment(actor, township, commitment_id)
    return paged(
        select(Progress).where(Progress.commitment_id == row.id),
        Progress.noted_on,
        Progress.id,
        offset=offset,
        limit=limit,
    )


@use_case
def add_progress(
    actor: Actor,
    township: Township,
    commitment_id: int,
    data: ProgressInput,
    *,
    today: date | None = None,
) -> Progress:
    """A dated progress note on an approved, open commitment: by its representative, or by
    the office for them. Not dated after today, nor before the year of the commitment."""
    row = get_commitment(actor, township, commitment_id)
    own = is_own(actor, row)
    if not own and not is_office(actor, township):
        raise PermissionDenied(_("只能报告自己承诺的进展"))
    _open(row)
    day = kit_today(today)
    noted_on = data.noted_on or day
    if noted_on > day:
        raise ValidationFailed(errors={"noted_on": [_("进展日期不能晚于今天")]})
    if noted_on.year < row.year:
        raise ValidationFailed(errors={"noted_on": [_("进展日期应在承诺年度内")]})
    note = Progress(
        commitment_id=row.id,
        noted_on=noted_on,
        note=data.note,
        by_office=not own,
        created_by_id=actor.user_id,
    )
    db.session.add(note)
    db.session.flush()
    _audit(
        "commitment.progress",
        actor,
        township,
        "commitment_progress",
        note.id,
        commitment_id=row.id,
        day=noted_on.isoformat(),
        by_office=not own,
    )
    return note


@use_case
def close_commitment(
    actor: Actor,
    township: Township,
    commitment_id: int,
    data: CloseInput,
    *,
    today: date | None = None,
) -> Commitment:
    """The office's 评诺: kept (at any time once approved: done early is done) or not kept
    (only from the deadline's day on: until then it may still be kept), with a note. The
    representative is told."""
    _write(actor, township)
    row = get_commitment(actor, township, commitment_id)
    _open(row)
    day = kit_today(today)
    if not data.kept and day < row.due_on:
        raise CommitmentRuleBroken(
            _("完成期限（%(d)s）未到，不能评为未兑现", d=row.due_on.isoformat())
        )
    row.status = Status.KEPT if data.kept else Status.NOT_KEPT
    row.closed_on = day
    row.closed_by_id = actor.user_id
    row.close_note = data.note
    db.session.flush()
    rep = find_representative(township, row.representative_id)
    _tell(
        township,
        rep,
        row,
        _("您的承诺已评定：%(o)s", o=OUTCOME_LABELS[data.kept]),
        data.note,
        "commitment.closed",
    )
    _audit(
        "commitment.close",
        actor,
        township,
        "commitment",
        row.id,
        status=row.status,
    )
    return row
