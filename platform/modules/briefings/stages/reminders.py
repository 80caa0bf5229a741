"""The daily reminder: recipients who have not read a briefing by its `remind_on` day (sent_on +
N) are reminded once — by their inbox, or without an account by an SMS with a fresh reading
link. Briefings are not confidential: the office sees who was reminded."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from lianxin.db import db
from lianxin.modules import kit
from lianxin.modules.briefings.models import Briefing, Channel, Recipient, State
from lianxin.modules.briefings.stages.common import KIND_LABELS
from lianxin.modules.briefings.stages.sending import (
    inbox_link,
    message_title,
    new_token,
    sms_payload,
)
from lianxin.notify import service as notify
from lianxin.notify.channels import mobile_number
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def _unreminded(briefing_id: Any) -> Any:
    return (
        Recipient.briefing_id == briefing_id,
        Recipient.read_at.is_(None),
        Recipient.reminded_on.is_(None),
    )


@use_case
def remind_briefing(township: Township, briefing_id: int, today: date | None = None) -> int:
    """Remind, once, each recipient of one briefing who has not read it; how many.

    The conditional UPDATE claims them: a sweep that runs twice reminds nobody twice, and the
    messages' dedupe keys (per briefing and day) keep the outbox to one of each."""
    day = kit.today(today)
    briefing = db.session.get(Briefing, (township.id, briefing_id))
    if briefing is None or briefing.state != State.SENT:
        return 0
    claimed = db.session.execute(
        update(Recipient)
        .where(*_unreminded(briefing.id))
        .values(reminded_on=day)
        .returning(Recipient.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    ids = list(claimed)
    if not ids:
        return 0
    body = _(
        "%(k)s，发出已%(n)s天，您还未阅读，请及时查阅。",
        k=KIND_LABELS.get(briefing.kind, ""),
        n=(day - briefing.sent_on).days if briefing.sent_on else briefing.read_days,
    )
    key = f"briefings.remind:{township.id}:{briefing.id}:{day.isoformat()}"
    users: list[int] = []
    texts: list[tuple[dict[str, Any], str | None]] = []
    for recipient, rep in db.session.execute(
        select(Recipient, Representative)
        .join(
            Representative,
            (Representative.id == Recipient.representative_id)
            & (Representative.tenant_id == Recipient.tenant_id),
        )
        .where(Recipient.id.in_(ids))
        .order_by(Recipient.id)
    ).all():
        if rep.user_id:
            users.append(rep.user_id)
        elif mobile_number(rep.phone):
            # The link sent at first may be lost: a fresh one, the old one stops working.
            token = new_token(recipient)
            recipient.channel = Channel.SMS
            texts.append(
                (sms_payload(township, briefing, rep, token, body), f"{key}:{recipient.id}")
            )
    if users:
        notify.notify(
            users,
            _("提醒：%(t)s", t=message_title(briefing)),
            body,
            tenant_id=township.id,
            link=inbox_link(township, briefing),
            dedupe_key=key,
            kind="reminder",
        )
    notify.enqueue_many("sms", texts, tenant_id=township.id)
    return len(ids)


def remind_due(township: Township, today: date | None = None) -> int:
    """The beat's sweep in one township: every sent briefing whose `remind_on` has come with
    someone unread and not reminded. Each briefing is its own transaction."""
    day = kit.today(today)
    due = list(
        db.session.scalars(
            select(Briefing.id)
            .where(
                Briefing.state == State.SENT,
                Briefing.remind_on <= day,
                exists().where(*_unreminded(Briefing.id)),
            )
            .order_by(Briefing.id)
        )
    )
    return sum(remind_briefing(township, briefing_id, day) for briefing_id in due)
