"""Opening a consultation: whom it asks (named representatives, groups, everyone in office),
the township's minimum, the documents, the one-time links of those without an account and the
messages that reach everyone asked; a personnel consultation turned into a vote; the lists."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import anonymous, db
from lianxin.db.paging import paged
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules.consultations.errors import BelowMinimum
from lianxin.modules.consultations.inputs import ConsultationInput, VoteInput
from lianxin.modules.consultations.models import (
    Consultation,
    ConsultationFile,
    Invitee,
    Kind,
    Mode,
    State,
)
from lianxin.modules.consultations.stages.common import (
    _audit,
    digest,
    find_consultation,
    find_invitee,
    get_consultation,
    has_answered,
    office_consultation,
    own_representative,
    sees_all,
    settings,
)
from lianxin.modules.kit import today
from lianxin.notify import service as notify
from lianxin.people import service as people
from lianxin.people.models import Representative, RepStatus
from lianxin.storage import owners as storage_owners
from lianxin.storage import service as storage
from lianxin.storage.models import StoredFile
from lianxin.tenants.models import Township
from lianxin.usecases import use_case
from lianxin.web import links

Upload = tuple[IO[bytes], str]  # (stream, filename)


@dataclass
class IssuedLink:
    """A one-time link of a representative without an account: shown once to the office when
    it cannot go by SMS (no phone), to hand over with the paper letter (征求意见书)."""

    invitee: Invitee
    name: str
    url: str
    sent: bool  # went by SMS


@dataclass
class Opened:
    consultation: Consultation
    links: list[IssuedLink]


def answer_url(township: Township, token: str) -> str:
    return links.public_url("consultations_public.answer", township_slug=township.slug, token=token)


def page_url(township: Township, consultation: Consultation) -> str:
    return f"/t/{township.slug}/consultations/{consultation.id}"


# --- whom it asks ---------------------------------------------------------------------------------


def audience(actor: Actor, township: Township, data: ConsultationInput) -> list[Representative]:
    """The representatives in office the choice names, each once, in pinyin order. A named
    representative or a group of another township is 404; one whose term ended is refused."""
    chosen: dict[int, Representative] = {}
    for rep_id in data.representative_ids:
        rep = db.session.get(Representative, (township.id, int(rep_id)))
        if rep is None:
            raise NotFound(_("未找到该代表"))
        if not rep.in_office:
            raise ValidationFailed(
                errors={"representative_ids": [_("%(n)s 的代表资格已终止", n=rep.name)]}
            )
        chosen[rep.id] = rep
    for group_id in data.group_ids:
        for rep, _role in people.get_group(actor, township, int(group_id)).members:
            if rep.in_office:
                chosen[rep.id] = rep
    if data.everyone:
        for rep in db.session.scalars(
            select(Representative).where(Representative.status == RepStatus.IN_OFFICE)
        ):
            chosen[rep.id] = rep
    return sorted(chosen.values(), key=lambda r: (r.name_pinyin, r.id))


def _check_minimum(township: Township, count: int) -> None:
    need = int(settings(township.id)["min_representatives"])
    if count < need:
        raise BelowMinimum(
            _(
                "征询对象不得少于%(n)d名代表（现为%(m)d名）",
                n=need,
                m=count,
            )
        )


def _check_deadline(data_deadline: Any) -> None:
    if data_deadline < today():
        raise ValidationFailed(errors={"deadline": [_("截止日期不能早于今天")]})


# --- opening --------------------------------------------------------------------------------------


def _open(
    actor: Actor,
    township: Township,
    consultation: Consultation,
    reps: Sequence[Representative],
) -> list[IssuedLink]:
    """Add the invitees and reach them: the inbox for an account, an SMS with a one-time link
    for a phone without one; a link shown once to the office for the rest."""
    _check_minimum(township, len(reps))
    if consultation.mode == Mode.SECRET_VOTE:
        consultation.seal_salt = anonymous.new_salt()
        consultation.min_ballots = int(settings(township.id)["secret_min_ballots"])
    db.session.add(consultation)
    db.session.flush()
    title = _("请表明态度：%(t)s", t=consultation.title)
    body = _("截止日期 %(d)s。", d=consultation.deadline.isoformat())
    users: list[int] = []
    issued: list[IssuedLink] = []
    for rep in reps:
        invitee = Invitee(consultation_id=consultation.id, representative_id=rep.id)
        token = None
        if rep.user_id is None:
            token = secrets.token_urlsafe(24)
            invitee.token_hash = digest(token)
        else:
            users.append(rep.user_id)
        db.session.add(invitee)
        db.session.flush()
        if token is None:
            continue
        url = answer_url(township, token)
        if rep.phone:
            notify.notify(
                [],
                title,
                body,
                tenant_id=township.id,
                link=url,
                kind="reminder",
                phones=[(rep.name, rep.phone)],
                dedupe_key=f"consultation:{township.id}:{invitee.id}:link",
            )
        issued.append(IssuedLink(invitee, rep.name, url, sent=bool(rep.phone)))
    if users:
        notify.notify(
            users,
            title,
            body,
            tenant_id=township.id,
            link=page_url(township, consultation),
            kind="reminder",
            dedupe_key=f"consultation:{township.id}:{consultation.id}:opened",
        )
    return issued


@use_case
def open_consultation(
    actor: Actor,
    township: Township,
    data: ConsultationInput,
    uploads: Sequence[Upload] = (),
) -> Opened:
    """The office puts a draft to the representatives: at least the township's minimum of them
    (default 10), a deadline not before today; the documents stored with it."""
    permissions.require_office(actor, township)
    _check_deadline(data.deadline)
    reps = audience(actor, township, data)
    consultation = Consultation(
        title=data.title,
        kind=data.kind,
        mode=data.mode,
        body=data.body,
        deadline=data.deadline,
        state=State.OPEN,
        audience={
            "everyone": data.everyone,
            "group_ids": sorted({int(g) for g in data.group_ids}),
            "rep_ids": sorted({int(r) for r in data.representative_ids}),
        },
        opened_by_id=actor.user_id,
    )
    issued = _open(actor, township, consultation, reps)
    for stream, filename in uploads:
        stored = storage.save_upload(actor, township, stream, filename, purpose="consultation")
        db.session.add(ConsultationFile(consultation_id=consultation.id, file_id=stored.id))
    _audit(
        "consultation.open",
        actor,
        township,
        consultation.id,
        title=consultation.title,
        kind=consultation.kind,
        mode=consultation.mode,
        deadline=consultation.deadline.isoformat(),
        invitees=len(reps),
    )
    return Opened(consultation, issued)


@use_case
def call_vote(actor: Actor, township: Township, consultation_id: int, data: VoteInput) -> Opened:
    """必要时进行民主表决: a personnel consultation put to a recorded vote (secret or named) of
    the same representatives still in office; a new consultation that points at this one."""
    parent = office_consultation(actor, township, consultation_id)
    if parent.kind != Kind.APPOINTMENT or parent.mode != Mode.OPINION:
        raise Conflict(_("只有干部任用事项的征求意见可以转为表决"))
    if db.session.scalar(select(Consultation.id).where(Consultation.parent_id == parent.id)):
        raise Conflict(_("该事项已经转为表决"))
    _check_deadline(data.deadline)
    reps = [
        rep
        for rep in db.session.scalars(
            select(Representative)
            .join(Invitee, Invitee.representative_id == Representative.id)
            .where(Invitee.consultation_id == parent.id)
            .order_by(Representative.name_pinyin, Representative.id)
        )
        if rep.in_office
    ]
    vote = Consultation(
        title=_("%(t)s（表决）", t=parent.title)[:200],
        kind=parent.kind,
        mode=Mode.SECRET_VOTE if data.secret else Mode.NAMED_VOTE,
        body=parent.body,
        deadline=data.deadline,
        state=State.OPEN,
        audience=dict(parent.audience),
        parent_id=parent.id,
        opened_by_id=actor.user_id,
    )
    issued = _open(actor, township, vote, reps)
    for link in db.session.scalars(
        select(ConsultationFile).where(ConsultationFile.consultation_id == parent.id)
    ):
        db.session.add(ConsultationFile(consultation_id=vote.id, file_id=link.file_id))
    _audit(
        "consultation.vote",
        actor,
        township,
        vote.id,
        parent_id=parent.id,
        mode=vote.mode,
        deadline=vote.deadline.isoformat(),
        invitees=len(reps),
    )
    return Opened(vote, issued)


@use_case
def reissue_link(actor: Actor, township: Township, invitee_id: int) -> IssuedLink:
    """A new one-time link for a representative without an account who has not answered (the
    old one stops working); sent by SMS when they have a phone."""
    permissions.require_member(actor, township)
    invitee = find_invitee(township, invitee_id)
    permissions.require_office(actor, township)
    consultation = find_consultation(township, invitee.consultation_id)
    rep = db.session.get(Representative, (township.id, invitee.representative_id))
    assert rep is not None
    if consultation.state != State.OPEN or has_answered(consultation, invitee):
        raise Conflict(_("该代表已答复或征询已截止"))
    if rep.user_id is not None:
        raise Conflict(_("该代表有账号，请登录后答复"))
    token = secrets.token_urlsafe(24)
    invitee.token_hash = digest(token)
    url = answer_url(township, token)
    if rep.phone:
        notify.notify(
            [],
            _("请表明态度：%(t)s", t=consultation.title),
            _("截止日期 %(d)s。", d=consultation.deadline.isoformat()),
            tenant_id=township.id,
            link=url,
            kind="reminder",
            phones=[(rep.name, rep.phone)],
        )
    _audit("consultation.link", actor, township, consultation.id, invitee_id=invitee.id)
    return IssuedLink(invitee, rep.name, url, sent=bool(rep.phone))


# --- reading --------------------------------------------------------------------------------------


def _visible(actor: Actor, township: Township) -> Any:
    query = select(Consultation)
    if sees_all(actor, township):
        return query
    rep = own_representative(actor, township)
    asked = select(Invitee.consultation_id).where(
        Invitee.representative_id == (rep.id if rep is not None else -1)
    )
    return query.where(Consultation.id.in_(asked))


def page_consultations(
    actor: Actor,
    township: Township,
    *,
    state: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Consultation], int]:
    """(one page of the consultations the actor may see, newest first; how many there are)."""
    permissions.require_member(actor, township)
    query = _visible(actor, township)
    if state:
        query = query.where(Consultation.state == state)
    return paged(
        query, Consultation.opened_at.desc(), Consultation.id.desc(), offset=offset, limit=limit
    )


def list_consultations(
    actor: Actor, township: Township, *, state: str | None = None
) -> list[Consultation]:
    return page_consultations(actor, township, state=state)[0]


def consultation_files(actor: Actor, township: Township, consultation_id: int) -> list[StoredFile]:
    consultation = get_consultation(actor, township, consultation_id)
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(ConsultationFile, ConsultationFile.file_id == StoredFile.id)
            .where(ConsultationFile.consultation_id == consultation.id)
            .order_by(StoredFile.id)
        )
    )


def vote_of(township: Township, consultation: Consultation) -> Consultation | None:
    """The vote called on this consultation, if any."""
    return db.session.scalar(select(Consultation).where(Consultation.parent_id == consultation.id))


def rep_choices(township: Township) -> list[Representative]:
    """Representatives in office, for the office's picker."""
    return list(
        db.session.scalars(
            select(Representative)
            .where(Representative.status == RepStatus.IN_OFFICE)
            .order_by(Representative.name_pinyin, Representative.id)
        )
    )


@storage_owners.reader("consultation")
def _file_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A consultation's document is read by whoever may read one consultation that holds it."""
    ids: Iterable[int] = db.session.scalars(
        select(ConsultationFile.consultation_id).where(ConsultationFile.file_id == file_id)
    )
    for consultation_id in ids:
        try:
            get_consultation(actor, township, consultation_id)
            return True
        except NotFound:
            continue
    return False
