"""The notify handler's work: each recipient on each channel, and what happened, recorded.

A "notify" message names accounts (`user_ids`) and people without one (`phones`: name and
number). An account gets the inbox entry, then SMS, email and WeCom as the message allows
(`channels`) and the person wants (`lianxin.notify.preferences`); a number gets SMS. Each
(recipient, channel) becomes a `Delivery` row of the message's township: sent, failed (the
provider's code) or skipped (the reason). What is recorded:

- inbox: always, when the message goes to the inbox;
- SMS: always for the channel (no phone, opted out and no template are what the office needs
  to know: these people were not reached by text);
- email: where the account has an address, or the message goes by email only;
- WeCom: where the person gave a WeCom userid.

A provider's failure that another attempt may cure is retried with the outbox's backoff
(`PartlyDelivered`): what was sent and recorded stays, the failed rows are tried again (their
`attempts` counted), the rows already sent or skipped are not repeated. A message of no
township (the platform's) records nothing; a failure there retries the whole message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.db import db, utcnow
from lianxin.notify import channels as notify_channels
from lianxin.notify.channels import (
    FAILED,
    FINAL_CODES,
    NO_EMAIL,
    NO_PHONE,
    NOT_CONFIGURED,
    OPTED_OUT,
    SENT,
    SKIPPED,
    Message,
    Outcome,
    mask_phone,
)
from lianxin.notify.models import Delivery, Notification, OutboxMessage
from lianxin.notify.preferences import DEFAULT, preferences_of

log = logging.getLogger("lianxin.notify")

INBOX, SMS, EMAIL, WECOM = "inbox", "sms", "email", "wecom"
CHANNELS = (INBOX, SMS, EMAIL, WECOM)
# Messages a person must get whatever they opted out of: the link to set up their account,
# the tracking code of what they submitted.
ESSENTIAL_KINDS = frozenset({"account.setup", "tracking_code"})


@dataclass(frozen=True)
class Recipient:
    """A person without an account, reached by SMS at their number."""

    phone: str
    name: str = ""


class PartlyDelivered(Exception):
    """Some sends failed and may succeed later: what was done so far commits, the outbox
    retries the message with its backoff (`lianxin.notify.service.deliver`)."""


class DeliveryFailed(RuntimeError):
    """A send failed in a message of no township (nothing recorded): the whole message is
    retried."""


class _Legacy:
    """A channel object with only the older `send(address, text)` (a test's recorder)."""

    name: ClassVar[str] = SMS

    def __init__(self, target: Any) -> None:
        self.target = target
        self.provider = str(getattr(target, "provider", "custom"))

    def deliver(self, address: str, message: Message, *, name: str = "") -> Outcome:
        if not address:
            return Outcome.skipped(NO_PHONE)
        self.target.send(address, message.text)
        return Outcome.sent()


def _sms() -> Any:
    # Looked up at each message, so that a test's patch of `channels.sms_channel` applies.
    channel = notify_channels.sms_channel()
    return channel if hasattr(channel, "deliver") else _Legacy(channel)


class _Book:
    """The message's delivery rows: which (recipient, channel) are still to do, and writing
    each result (a retried failure updates its row)."""

    def __init__(self, message: OutboxMessage, kind: str) -> None:
        self.message = message
        self.kind = kind[:40]
        self.confidential = confidential(message)
        self.tenant_id = message.tenant_id
        self.rows: dict[tuple[str, str], Delivery] = {}
        # Rows exist only from an earlier attempt (the claim counts this one): on the first,
        # the query is saved (a sweep delivers thousands of messages at once).
        if self.tenant_id is not None and (message.attempts or 0) > 1:
            for row in db.session.scalars(select(Delivery).where(Delivery.outbox_id == message.id)):
                self.rows[(row.recipient, row.channel)] = row
        self.retry: list[str] = []

    def todo(self, recipient: str, channel: str) -> bool:
        row = self.rows.get((recipient, channel))
        return row is None or (row.status == FAILED and row.code not in FINAL_CODES)

    def record(
        self,
        recipient: str,
        channel: str,
        outcome: Outcome,
        *,
        provider: str | None,
        user: User | None = None,
        name: str = "",
        phone: str | None = None,
    ) -> None:
        if outcome.status == FAILED:
            log.warning(
                "outbox %s: %s by %s (%s) failed: %s",
                self.message.id,
                recipient,
                channel,
                provider,
                outcome.code,
            )
            if outcome.retry:
                self.retry.append(f"{recipient}/{channel}: {outcome.code}")
        if self.tenant_id is None:
            return
        now = utcnow()
        row = self.rows.get((recipient, channel))
        if row is None:
            row = Delivery(
                tenant_id=self.tenant_id,
                outbox_id=self.message.id,
                recipient=recipient,
                channel=channel,
                kind=self.kind,
                attempts=0,
                created_at=now,
            )
            db.session.add(row)
            self.rows[(recipient, channel)] = row
        row.confidential = self.confidential
        if self.confidential:  # who it was is not kept; the recipient key serves the retry
            row.user_id, row.recipient_name, row.phone_masked = None, "", None
        else:
            row.user_id = user.id if user is not None else None
            row.recipient_name = (user.display_name if user is not None else name or "")[:100]
            row.phone_masked = mask_phone(phone) if phone else None
        row.provider = provider
        row.status = outcome.status
        row.code = outcome.code
        row.detail = outcome.detail
        row.provider_id = (outcome.provider_id or None) and str(outcome.provider_id)[:100]
        row.attempts = (row.attempts or 0) + 1
        row.updated_at = now

    def finish(self) -> None:
        if not self.retry:
            return
        summary = "; ".join(self.retry)[:1500]
        if self.tenant_id is None:
            raise DeliveryFailed(summary)
        raise PartlyDelivered(summary)


def confidential(message: OutboxMessage) -> bool:
    """Whether the office may see only how many the message reached, not who.

    Said by the caller (`notify(..., confidential=True)`). An "sms" message of the older kind
    (free text, no `kind`) is confidential unless it says otherwise: its callers predate the
    report and one of them reminds those who have not answered an evaluation yet.
    """
    payload = message.payload or {}
    if "confidential" in payload:
        return bool(payload["confidential"])
    return message.topic == "sms" and "kind" not in payload


def _message(payload: Mapping[str, Any], *, title_key: str = "title") -> Message:
    params = payload.get("params") or {}
    return Message(
        title=str(payload.get(title_key) or ""),
        body=str(payload.get("body") or ""),
        link=payload.get("link"),
        kind=str(payload.get("kind") or "general"),
        params={str(k): v for k, v in dict(params).items()},
    )


def _phones(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for entry in payload.get("phones") or ():
        if isinstance(entry, Mapping):
            out.append((str(entry.get("name") or ""), str(entry.get("phone") or "")))
        else:
            name, phone = entry
            out.append((str(name or ""), str(phone or "")))
    return out


def deliver_notification(message: OutboxMessage) -> None:
    """The handler of a "notify" message."""
    payload = message.payload
    text = _message(payload)
    wanted = set(payload.get("channels") or (INBOX,))
    essential = text.kind in ESSENTIAL_KINDS
    book = _Book(message, text.kind)
    ids = [int(i) for i in payload.get("user_ids") or ()]
    users = db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)).all()
    choices = preferences_of(u.id for u in users) if wanted - {INBOX} else {}
    sms = _sms() if SMS in wanted or payload.get("phones") else None
    email = notify_channels.EmailChannel() if EMAIL in wanted else None
    wecom = notify_channels.wecom_channel() if WECOM in wanted else None

    for user in users:
        key = f"user:{user.id}"
        choice = choices.get(user.id, DEFAULT)
        if INBOX in wanted and book.todo(key, INBOX):
            db.session.add(
                Notification(
                    user_id=user.id,
                    tenant_id=message.tenant_id,
                    outbox_id=message.id,
                    title=text.title,
                    body=text.body,
                    link=text.link,
                )
            )
            book.record(key, INBOX, Outcome.sent(), provider=INBOX, user=user)
        if sms is not None and SMS in wanted and book.todo(key, SMS):
            if not choice.sms and not essential:
                outcome = Outcome.skipped(OPTED_OUT)
            elif not user.phone:
                outcome = Outcome.skipped(NO_PHONE)
            else:
                outcome = sms.deliver(user.phone, text, name=user.display_name)
            book.record(key, SMS, outcome, provider=sms.provider, user=user, phone=user.phone)
        if email is not None and (user.email or INBOX not in wanted) and book.todo(key, EMAIL):
            if not choice.email and not essential:
                outcome = Outcome.skipped(OPTED_OUT)
            elif not user.email:
                outcome = Outcome.skipped(NO_EMAIL)
            else:
                outcome = email.deliver(user.email, text, name=user.display_name)
            book.record(key, EMAIL, outcome, provider=email.provider, user=user)
        if WECOM in wanted and choice.wecom_userid and book.todo(key, WECOM):
            if not choice.wecom and not essential:
                outcome = Outcome.skipped(OPTED_OUT)
            elif wecom is None:
                outcome = Outcome.skipped(NOT_CONFIGURED)
            else:
                outcome = wecom.deliver(choice.wecom_userid, text, name=user.display_name)
            book.record(key, WECOM, outcome, provider=WECOM, user=user)

    if sms is not None:
        for index, (name, phone) in enumerate(_phones(payload)):
            _text_phone(book, sms, f"phone:{index}", name, phone, text)
    book.finish()


def deliver_text(message: OutboxMessage) -> None:
    """The handler of an "sms" message: a text to a number that belongs to no account
    (`{"phone", "text"}`, optionally `kind`, `params` and `name`)."""
    payload = message.payload
    text = _message(payload, title_key="text")
    book = _Book(message, text.kind)
    _text_phone(book, _sms(), "phone:0", str(payload.get("name") or ""), payload.get("phone"), text)
    book.finish()


def _text_phone(
    book: _Book, sms: Any, key: str, name: str, phone: str | None, text: Message
) -> None:
    if not book.todo(key, SMS):
        return
    outcome = sms.deliver(phone, text, name=name) if phone else Outcome.skipped(NO_PHONE)
    book.record(key, SMS, outcome, provider=sms.provider, name=name, phone=phone)


def recipients_payload(phones: Iterable[Recipient | tuple[str, str]]) -> list[dict[str, str]]:
    """`phones` of a notify payload: (name, number) pairs or Recipients, numbers stripped."""
    out = []
    for entry in phones:
        if isinstance(entry, Recipient):
            name, phone = entry.name, entry.phone
        else:
            name, phone = entry
        phone = (phone or "").strip()
        if phone:
            out.append({"name": (name or "").strip(), "phone": phone})
    return out


__all__ = [
    "CHANNELS",
    "ESSENTIAL_KINDS",
    "FAILED",
    "SENT",
    "SKIPPED",
    "DeliveryFailed",
    "PartlyDelivered",
    "Recipient",
    "deliver_notification",
    "deliver_text",
    "recipients_payload",
]
