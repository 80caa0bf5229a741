"""Reminders: once per consultation, when its deadline day is within the township's
`reminder_days_before_close` (Asia/Shanghai dates), the system reminds every representative
asked who has not answered yet — the inbox (and their chosen channels) for an account, an SMS
for a phone without one — through the outbox. A reminder says only the consultation and its
deadline: nothing about who else answered, how many, or how; and the office's delivery report
counts its recipients without naming them (who has not voted in a secret vote is theirs)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.db import db
from lianxin.modules.consultations.models import Consultation, Invitee, Receipt, State
from lianxin.modules.consultations.stages.common import settings
from lianxin.modules.consultations.stages.opening import page_url
from lianxin.modules.kit import today
from lianxin.notify import service as notify
from lianxin.notify.models import OutboxMessage
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

REMIND_TOPIC = "consultations.remind"


def reminder_key(township: Township, consultation_id: int) -> str:
    """The dedupe key of a consultation's one reminder: its presence says it was sent."""
    return f"{REMIND_TOPIC}:{township.id}:{consultation_id}"


def reminder_due(township: Township, consultation: Consultation) -> bool:
    """Open, and its deadline day no more than the township's reminder days away (the
    deadline day itself included: answers are taken to its end)."""
    lead = int(settings(township.id)["reminder_days_before_close"])
    day = today()
    return consultation.state == State.OPEN and day <= consultation.deadline <= day + timedelta(
        days=lead
    )


def non_respondents(consultation: Consultation) -> list[Representative]:
    """The representatives asked who have not answered (a secret vote: no receipt yet)."""
    voted = select(Receipt.invitee_id).where(Receipt.consultation_id == consultation.id)
    return list(
        db.session.scalars(
            select(Representative)
            .join(
                Invitee,
                (Invitee.representative_id == Representative.id)
                & (Invitee.tenant_id == Representative.tenant_id),
            )
            .where(
                Invitee.consultation_id == consultation.id,
                Invitee.answered_at.is_(None),
                Invitee.id.not_in(voted),
            )
            .order_by(Representative.id)
        )
    )


@use_case
def remind_non_respondents(township: Township, consultation_id: int) -> int:
    """The system's one reminder of a consultation (the beat's, in a transaction of its own):
    how many it reminded; 0 when it is not due or was sent already."""
    consultation = db.session.get(Consultation, (township.id, int(consultation_id)))
    if consultation is None or not reminder_due(township, consultation):
        return 0
    key = reminder_key(township, consultation.id)
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return 0
    pending = non_respondents(consultation)
    title = _("请按时答复：%(t)s", t=consultation.title)
    body = _("征询将于 %(d)s 截止，您尚未答复。", d=consultation.deadline.isoformat())
    users = [rep.user_id for rep in pending if rep.user_id is not None]
    phones = [(rep.name, rep.phone) for rep in pending if rep.user_id is None and rep.phone]
    if phones:
        # Links are kept only as hashes: the SMS points back to the one they were sent.
        notify.notify(
            [],
            title,
            body + _("请使用此前短信中的链接答复。"),
            tenant_id=township.id,
            kind="reminder",
            phones=phones,
            dedupe_key=f"{key}:sms",
            confidential=True,
        )
    # Always written, even to nobody: the key marks the consultation as reminded.
    notify.notify(
        users,
        title,
        body,
        tenant_id=township.id,
        link=page_url(township, consultation),
        kind="reminder",
        dedupe_key=key,
        confidential=True,
    )
    return len(users) + len(phones)


def remind_due(township: Township) -> int:
    """The beat: every open consultation of the township whose deadline day is within the
    reminder days and that was not reminded yet, each in a transaction of its own."""
    lead = int(settings(township.id)["reminder_days_before_close"])
    day = today()
    ids = list(
        db.session.scalars(
            select(Consultation.id)
            .where(
                Consultation.state == State.OPEN,
                Consultation.deadline >= day,
                Consultation.deadline <= day + timedelta(days=lead),
            )
            .order_by(Consultation.id)
        )
    )
    return sum(remind_non_respondents(township, consultation_id) for consultation_id in ids)
