"""承诺、亮诺: a representative writes their commitments for a year, each with a deadline in
it; the office approves them (then they are on the public board) or returns them with a
reason, and the representative revises a returned one. The office may enter one for a
representative (代为登记, recorded as such): it is public at once, the office being the one who
approves. With `approval_required` off, a representative's own is public at once too."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.commitments.errors import CommitmentRuleBroken
from lianxin.modules.commitments.inputs import CommitmentInput, ReturnInput, RevisionInput
from lianxin.modules.commitments.models import Commitment, Status
from lianxin.modules.commitments.stages.common import (
    _audit,
    _read,
    _write,
    commitment_url,
    find_commitment,
    find_representative,
    is_office,
    representative_of,
    settings,
    short,
)
from lianxin.modules.kit import today as kit_today
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def _check_deadline(year: int, due_on: date, day: date) -> None:
    """This year's or next year's commitment, due within its year and not before today."""
    if year not in (day.year, day.year + 1):
        raise ValidationFailed(errors={"year": [_("只能填写今年或明年的承诺")]})
    if due_on.year != year:
        raise ValidationFailed(errors={"due_on": [_("完成期限应在%(y)s年内", y=year)]})
    if due_on < day:
        raise ValidationFailed(errors={"due_on": [_("完成期限不能早于今天")]})


def _tell(
    township: Township, rep: Representative, row: Commitment, title: str, body: str, kind: str
) -> None:
    """Tell the representative: in the inbox with a link, or by SMS without an account."""
    with_account = [rep.user_id] if rep.user_id is not None else []
    by_phone = [(rep.name, rep.phone)] if rep.user_id is None and rep.phone else []
    if not with_account and not by_phone:
        return
    notify.notify(
        with_account,
        title,
        body,
        tenant_id=township.id,
        link=commitment_url(township, row.id),
        phones=by_phone,
        dedupe_key=f"cm:{township.id}:{row.id}:{kind}:{utcnow().isoformat()}",
        kind=kind,
    )


def _approved(actor: Actor, row: Commitment) -> None:
    row.status = Status.APPROVED
    row.return_reason = None
    row.decided_by_id = actor.user_id
    row.approved_at = utcnow()


@use_case
def create_commitment(
    actor: Actor, township: Township, data: CommitmentInput, *, today: date | None = None
) -> Commitment:
    """A representative writes their own (waiting for the office when approval is required);
    the office enters one for the representative it names (public at once, recorded)."""
    _read(actor, township)
    day = kit_today(today)
    own = representative_of(actor)
    if data.representative_id is not None and (own is None or own.id != data.representative_id):
        _write(actor, township)
        rep = find_representative(township, data.representative_id)
        by_office = True
    elif own is not None:
        rep, by_office = own, False
    elif is_office(actor, township):
        raise ValidationFailed(errors={"representative_id": [_("请选择代表")]})
    else:
        raise PermissionDenied(_("只有代表本人或联络办可以登记承诺"))
    if not rep.in_office:
        raise ValidationFailed(
            errors={"representative_id": [_("%(n)s 的代表资格已终止", n=rep.name)]}
        )
    _check_deadline(data.year, data.due_on, day)
    row = Commitment(
        representative_id=rep.id,
        year=data.year,
        content=data.content,
        due_on=data.due_on,
        status=Status.PENDING,
        by_office=by_office,
        created_by_id=actor.user_id,
    )
    if by_office or not settings(township.id)["approval_required"]:
        _approved(actor, row)
    db.session.add(row)
    db.session.flush()
    if by_office:
        _tell(
            township,
            rep,
            row,
            _("联络办已为您登记公开承诺"),
            _("承诺：%(c)s；完成期限：%(d)s。", c=short(row.content), d=row.due_on.isoformat()),
            "commitment.approved",
        )
    _audit(
        "commitment.create",
        actor,
        township,
        "commitment",
        row.id,
        representative_id=rep.id,
        year=row.year,
        due_on=row.due_on.isoformat(),
        status=row.status,
        by_office=by_office,
    )
    return row


@use_case
def revise_commitment(
    actor: Actor,
    township: Township,
    commitment_id: int,
    data: RevisionInput,
    *,
    today: date | None = None,
) -> Commitment:
    """The representative revises their own commitment while it waits or was returned; it
    goes back to the office (or is public at once when no approval is required)."""
    _read(actor, township)
    row = find_commitment(township, commitment_id)
    own = representative_of(actor)
    if own is None or own.id != row.representative_id:
        if not is_office(actor, township):
            raise PermissionDenied(_("只能修改自己的承诺"))
        raise PermissionDenied(_("请退回后由代表本人修改"))
    if row.status not in (Status.PENDING, Status.RETURNED):
        raise CommitmentRuleBroken(_("承诺已公开，不能再修改"))
    _check_deadline(row.year, data.due_on, kit_today(today))
    row.content = data.content
    row.due_on = data.due_on
    row.status = Status.PENDING
    row.return_reason = None
    if not settings(township.id)["approval_required"]:
        _approved(actor, row)
    db.session.flush()
    _audit(
        "commitment.revise",
        actor,
        township,
        "commitment",
        row.id,
        due_on=row.due_on.isoformat(),
        status=row.status,
    )
    return row


def _pending(township: Township, commitment_id: int) -> Commitment:
    row = find_commitment(township, commitment_id)
    if row.status != Status.PENDING:
        raise CommitmentRuleBroken(_("该承诺不在待审核状态"))
    return row


@use_case
def approve_commitment(actor: Actor, township: Township, commitment_id: int) -> Commitment:
    """The office approves a waiting commitment: it is on the public board from now on, and
    the representative is told."""
    _write(actor, township)
    row = _pending(township, commitment_id)
    _approved(actor, row)
    db.session.flush()
    rep = find_representative(township, row.representative_id)
    _tell(
        township,
        rep,
        row,
        _("您的承诺已审核公开"),
        _("承诺：%(c)s；完成期限：%(d)s。", c=short(row.content), d=row.due_on.isoformat()),
        "commitment.approved",
    )
    _audit("commitment.approve", actor, township, "commitment", row.id, status=row.status)
    return row


@use_case
def return_commitment(
    actor: Actor, township: Township, commitment_id: int, data: ReturnInput
) -> Commitment:
    """The office returns a waiting commitment with a reason; the representative is told and
    may revise it."""
    _write(actor, township)
    row = _pending(township, commitment_id)
    row.status = Status.RETURNED
    row.return_reason = data.reason
    row.decided_by_id = actor.user_id
    db.session.flush()
    rep = find_representative(township, row.representative_id)
    _tell(
        township,
        rep,
        row,
        _("您的承诺被退回，请修改"),
        _("退回原因：%(r)s", r=data.reason),
        "commitment.returned",
    )
    _audit(
        "commitment.return",
        actor,
        township,
        "commitment",
        row.id,
        status=row.status,
        reason=data.reason,
    )
    return row


def representatives_in_office() -> list[Representative]:
    """The roster the office enters commitments for, by name."""
    return [
        r
        for r in db.session.scalars(
            select(Representative).order_by(Representative.name_pinyin, Representative.id)
        )
        if r.in_office
    ]
