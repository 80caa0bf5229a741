"""Sending: the recipients fixed from the audience, each told by their inbox or, without an
account, by an SMS with a reading link; the briefing frozen from then on."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.modules import kit
from lianxin.modules.briefings.errors import NoRecipients
from lianxin.modules.briefings.models import Audience, Briefing, Channel, Recipient, State
from lianxin.modules.briefings.stages.common import (
    KIND_LABELS,
    MODULE_KEY,
    _audit,
    _digest,
    _draft,
    _office,
    get_briefing,
    settings,
)
from lianxin.modules.briefings.stages.drafting import _check_audience
from lianxin.notify import service as notify
from lianxin.notify.channels import mobile_number
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case
from lianxin.web import links


def audience_of(actor: Actor, township: Township, briefing: Briefing) -> list[Representative]:
    """Whom the briefing goes to: representatives in office — all of them, the current members
    of the chosen groups, or the named ones (a named one whose term ended is left out)."""
    reps, _total = people.list_representatives(actor, township, status="in_office")
    if briefing.audience == Audience.GROUPS:
        groups = set(briefing.group_ids or ())
        return [r for r in reps if r.group_id in groups]
    if briefing.audience == Audience.NAMED:
        named = set(briefing.representative_ids or ())
        return [r for r in reps if r.id in named]
    return list(reps)


def audience_size(actor: Actor, township: Township, briefing_id: int) -> int:
    """How many a draft would reach if sent now (shown before sending)."""
    briefing = get_briefing(actor, township, briefing_id)
    _office(actor, township)
    if briefing.state == State.SENT:
        return int(
            db.session.scalar(
                select(func.count())
                .select_from(Recipient)
                .where(Recipient.briefing_id == briefing.id)
            )
            or 0
        )
    return len(audience_of(actor, township, briefing))


def reading_link(township: Township, token: str) -> str:
    """The absolute reading link of someone without an account."""
    return links.public_url("briefings_public.read", township_slug=township.slug, token=token)


def new_token(recipient: Recipient) -> str:
    token = secrets.token_urlsafe(24)
    recipient.token_hash = _digest(token)
    return token


def message_title(briefing: Briefing) -> str:
    return _("通报：%(t)s", t=briefing.title)


def inbox_link(township: Township, briefing: Briefing) -> str:
    return f"/t/{township.slug}/{MODULE_KEY}/{briefing.id}"


def sms_payload(
    township: Township, briefing: Briefing, rep: Representative, token: str, body: str
) -> dict[str, Any]:
    return {
        "phone": rep.phone,
        "name": rep.name,
        "text": message_title(briefing),
        "body": body,
        "link": reading_link(township, token),
        "kind": "briefing",
    }


@use_case
def send_briefing(actor: Actor, township: Township, briefing_id: int) -> Briefing:
    """Send a draft: the recipients are fixed, each is told, and the briefing never changes."""
    briefing = _draft(actor, township, briefing_id)
    _check_audience(briefing)
    reps = audience_of(actor, township, briefing)
    if not reps:
        raise NoRecipients(_("没有可以通报的在任代表"))
    read_days = int(settings(township.id)["read_days"])
    today = kit.today()
    briefing.state = State.SENT
    briefing.sent_at, briefing.sent_on, briefing.sent_by_id = utcnow(), today, actor.user_id
    briefing.read_days, briefing.remind_on = read_days, today + timedelta(days=read_days)
    body = _(
        "%(k)s，请在%(n)s天内阅读。", k=KIND_LABELS.get(briefing.kind, ""), n=read_days
    )  # the kind of briefing is what the representative decides to open it on
    users: list[int] = []
    texts: list[tuple[dict[str, Any], str | None]] = []
    for rep in reps:
        recipient = Recipient(briefing_id=briefing.id, representative_id=rep.id)
        if rep.user_id:
            recipient.channel = Channel.INBOX
            users.append(rep.user_id)
        elif mobile_number(rep.phone):
            recipient.channel = Channel.SMS
            token = new_token(recipient)
            texts.append(
                (
                    sms_payload(township, briefing, rep, token, body),
                    f"briefings.send:{township.id}:{briefing.id}:{rep.id}",
                )
            )
        db.session.add(recipient)
    db.session.flush()
    if users:
        notify.notify(
            users,
            message_title(briefing),
            body,
            tenant_id=township.id,
            link=inbox_link(township, briefing),
            dedupe_key=f"briefings.send:{township.id}:{briefing.id}",
            kind="briefing",
        )
    notify.enqueue_many("sms", texts, tenant_id=township.id)
    _audit(
        "briefing.send",
        actor,
        township,
        briefing,
        recipients=len(reps),
        read_days=read_days,
        remind_on=briefing.remind_on.isoformat(),
    )
    return briefing
