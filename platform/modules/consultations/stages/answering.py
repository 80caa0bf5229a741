"""Answering: a representative asked says 同意 / 不同意 / 意见 (or, in a vote, 弃权) once, from
their account or a one-time link, until the end of the deadline day (Asia/Shanghai). A secret
vote's ballot is sealed next to a receipt that says only that they voted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lianxin.auth.actor import Actor
from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.consultations.errors import AlreadyAnswered, NotOpen
from lianxin.modules.consultations.inputs import AnswerInput
from lianxin.modules.consultations.models import (
    Ballot,
    Consultation,
    ConsultationFile,
    Invitee,
    Mode,
    PooledBallot,
    Receipt,
    State,
)
from lianxin.modules.consultations.stages.common import (
    _audit,
    digest,
    find_consultation,
    get_consultation,
    has_answered,
    my_invitee,
    sees_all,
    stances,
)
from lianxin.modules.kit import today
from lianxin.people.models import Representative
from lianxin.storage import service as storage
from lianxin.storage.models import StoredFile
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

BALLOT_SIZE = 64  # every sealed ballot pads to this many bytes


def box(consultation: Consultation) -> anonymous.Box:
    """The secret vote's sealing box: its own key; every ballot one size."""
    if consultation.seal_salt is None:
        raise Conflict(_("该事项不是无记名表决"))
    return anonymous.Box(
        "consultation",
        consultation.tenant_id,
        consultation.id,
        bytes(consultation.seal_salt),
        BALLOT_SIZE,
    )


def is_open(consultation: Consultation) -> bool:
    """Open and not past the end of its deadline day (Shanghai)."""
    return consultation.state == State.OPEN and today() <= consultation.deadline


def _check_open(consultation: Consultation) -> None:
    if not is_open(consultation):
        raise NotOpen(_("征询已于 %(d)s 截止，不再接受答复", d=consultation.deadline.isoformat()))


def _check_stance(consultation: Consultation, data: AnswerInput) -> None:
    if data.stance not in stances(consultation.mode):
        raise ValidationFailed(errors={"stance": [_("请选择您的态度")]})
    if consultation.mode == Mode.SECRET_VOTE and data.opinion:
        raise ValidationFailed(errors={"opinion": [_("无记名表决只表明态度，不填写意见")]})


def _answer(consultation: Consultation, invitee: Invitee, data: AnswerInput, via: str) -> None:
    _check_open(consultation)
    _check_stance(consultation, data)
    if has_answered(consultation, invitee):
        raise AlreadyAnswered(_("您已经答复过了，每位代表答复一次"))
    invitee.token_hash = None  # a one-time link answers once
    if consultation.mode == Mode.SECRET_VOTE:
        # That this representative voted (unique: a second ballot is refused), and what, sealed.
        sealed = box(consultation).seal({"stance": data.stance})
        db.session.add(Receipt(consultation_id=consultation.id, invitee_id=invitee.id))
        db.session.add(PooledBallot(consultation_id=consultation.id, sealed=sealed))
        try:
            db.session.flush()
        except IntegrityError:
            raise AlreadyAnswered(_("您已经投过票了")) from None  # the use case rolls back both
        return
    invitee.stance = data.stance
    invitee.opinion = data.opinion
    invitee.answered_at = utcnow()
    invitee.answered_via = via
    db.session.flush()


@use_case
def answer(actor: Actor, township: Township, consultation_id: int, data: AnswerInput) -> Invitee:
    """A representative asked answers from their account."""
    consultation = get_consultation(actor, township, consultation_id)
    invitee = my_invitee(actor, township, consultation)
    if invitee is None:
        raise PermissionDenied(_("您不在本次征询的代表之列"))
    _answer(consultation, invitee, data, "account")
    if consultation.mode != Mode.SECRET_VOTE:
        _audit("consultation.answer", actor, township, consultation.id, stance=data.stance)
    return invitee


def by_link(township: Township, token: str | None) -> tuple[Consultation, Invitee]:
    """The consultation and invitee of a one-time link (used or unknown: 404)."""
    invitee = db.session.scalar(select(Invitee).where(Invitee.token_hash == digest(token or "")))
    if invitee is None or not token:
        raise NotFound(_("链接无效或已使用"))
    return find_consultation(township, invitee.consultation_id), invitee


def linked_file(township: Township, token: str | None, file_id: int) -> storage.Download:
    """A document of the consultation a one-time link opens, for the link's holder: while the
    link works (answered, or replaced by a reissued one, it stops), and only a document of that
    one consultation (any other file id, of another consultation too, is 404)."""
    consultation, _invitee = by_link(township, token)
    held = [f.id for f in files_of(consultation)]
    return storage.open_linked_download(township, file_id, held)


def files_of(consultation: Consultation) -> list[StoredFile]:
    """The documents put to the representatives with the consultation, in upload order."""
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(
                ConsultationFile,
                (ConsultationFile.file_id == StoredFile.id)
                & (ConsultationFile.tenant_id == StoredFile.tenant_id),
            )
            .where(ConsultationFile.consultation_id == consultation.id)
            .order_by(StoredFile.id)
        )
    )


@use_case
def answer_by_link(township: Township, token: str | None, data: AnswerInput) -> Invitee:
    """A representative without an account answers through their one-time link, once."""
    consultation, invitee = by_link(township, token)
    _answer(consultation, invitee, data, "link")
    return invitee


# --- what the office sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    invited: int
    answered: int
    counts: dict[str, int]  # stance → how many ({} for a secret vote until counted)
    withheld: bool = False  # a secret vote with fewer than K ballots: no tally, ever

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def _receipts(consultation: Consultation) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Receipt)
            .where(Receipt.consultation_id == consultation.id)
        )
        or 0
    )


def consultation_tally(consultation: Consultation) -> Tally:
    invited = int(
        db.session.scalar(
            select(func.count())
            .select_from(Invitee)
            .where(Invitee.consultation_id == consultation.id)
        )
        or 0
    )
    if consultation.mode == Mode.SECRET_VOTE:
        result = consultation.result or {}
        if result.get("withheld"):
            return Tally(invited, _receipts(consultation), {}, withheld=True)
        counts = (
            dict(
                Counter(
                    db.session.scalars(
                        select(Ballot.stance).where(Ballot.consultation_id == consultation.id)
                    )
                )
            )
            if consultation.counted_at is not None
            else {}
        )
        return Tally(invited, _receipts(consultation), counts)
    rows = db.session.execute(
        select(Invitee.stance, func.count())
        .where(Invitee.consultation_id == consultation.id, Invitee.answered_at.is_not(None))
        .group_by(Invitee.stance)
    ).all()
    counts = {str(stance): int(n) for stance, n in rows}
    return Tally(invited, sum(counts.values()), counts)


def tally(actor: Actor, township: Township, consultation_id: int) -> Tally:
    """Who was asked and how they answered, counted (the office and the committee)."""
    consultation = get_consultation(actor, township, consultation_id)
    if not sees_all(actor, township):
        raise PermissionDenied()
    return consultation_tally(consultation)


@dataclass(frozen=True)
class AnswerRow:
    invitee: Invitee
    representative: Representative
    answered: bool


def answers(actor: Actor, township: Township, consultation_id: int) -> list[AnswerRow]:
    """Each representative asked and their answer (the office and the committee). A secret
    vote lists nobody: how many voted is the tally's, who voted what exists nowhere."""
    consultation = get_consultation(actor, township, consultation_id)
    if not sees_all(actor, township):
        raise PermissionDenied()
    if consultation.mode == Mode.SECRET_VOTE:
        return []
    return [
        AnswerRow(invitee, rep, invitee.answered_at is not None)
        for invitee, rep in db.session.execute(
            select(Invitee, Representative)
            .join(Representative, Representative.id == Invitee.representative_id)
            .where(Invitee.consultation_id == consultation.id)
            .order_by(Invitee.answered_at.is_(None), Representative.name_pinyin, Invitee.id)
        ).all()
    ]


def my_answer(actor: Actor, township: Township, consultation_id: int) -> Invitee | None:
    """The acting representative's own invitation (with their answer), if they were asked."""
    consultation = get_consultation(actor, township, consultation_id)
    return my_invitee(actor, township, consultation)
