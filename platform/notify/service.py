"""The outbox: side effects written with the change, delivered once by the worker."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from lianxin import jobs
from lianxin.db import db, utcnow
from lianxin.db.core import LianxinSession
from lianxin.db.tenancy import no_tenant_context, tenant_context
from lianxin.notify.delivery import (
    CHANNELS,
    PartlyDelivered,
    Recipient,
    deliver_notification,
    deliver_text,
    recipients_payload,
)
from lianxin.notify.models import DeadLetter, Notification, OutboxMessage, OutboxStatus
from lianxin.usecases.transaction import commit_on_its_own, use_case

log = logging.getLogger("lianxin.outbox")

__all__ = ["CHANNELS", "PartlyDelivered", "Recipient"]
Handler = Callable[[OutboxMessage], None]
HANDLERS: dict[str, Handler] = {}


def handler(topic: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[topic] = fn
        return fn

    return register


def enqueue(
    topic: str,
    payload: dict[str, Any],
    *,
    tenant_id: int | None,
    dedupe_key: str | None = None,
    available_at: datetime | None = None,
) -> OutboxMessage:
    """Write a message in the caller's transaction. A repeated dedupe key adds nothing."""
    session = db.session
    if dedupe_key is not None:
        existing = session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return existing
    message = OutboxMessage(
        topic=topic,
        payload=payload,
        tenant_id=tenant_id,
        dedupe_key=dedupe_key,
        available_at=available_at or utcnow(),
    )
    if dedupe_key is None:
        session.add(message)
        session.flush()
    else:
        # Only a dedupe key can collide: a SAVEPOINT lets the caller's transaction go on when
        # another transaction enqueued the same key concurrently.
        try:
            with session.begin_nested():
                session.add(message)
        except IntegrityError:
            return session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
            ).one()
    session.info.setdefault("outbox_new", []).append(message.id)
    return message


BATCH = 500  # rows per INSERT of `enqueue_many`, and ids per delivery task


def enqueue_many(
    topic: str,
    items: Iterable[tuple[dict[str, Any], str | None]],
    *,
    tenant_id: int | None,
    available_at: datetime | None = None,
) -> list[int]:
    """Write many messages of one topic in the caller's transaction: (payload, dedupe key) each.

    For sweeps that remind thousands of people at once: one `INSERT … ON CONFLICT (dedupe_key)
    DO NOTHING RETURNING id` per 500 rows instead of four round trips a message, and after the
    commit one delivery task per 500 messages instead of one each. A dedupe key that exists
    already (the sweep ran twice) adds nothing; the ids of the rows written are returned.
    """
    session = db.session
    insert = _dialect_insert(session)
    when = available_at or utcnow()
    written: list[int] = []
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        if not chunk:
            return
        statement = (
            insert(OutboxMessage)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])
            .returning(OutboxMessage.id)
        )
        written.extend(session.execute(statement).scalars())
        chunk.clear()

    seen: set[str] = set()
    for payload, dedupe_key in items:
        if dedupe_key is not None:
            if dedupe_key in seen:
                continue  # twice in one call: one row (one INSERT may not name a key twice)
            seen.add(dedupe_key)
        chunk.append(
            {
                "topic": topic,
                "payload": payload,
                "tenant_id": tenant_id,
                "dedupe_key": dedupe_key,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "available_at": when,
                "created_at": utcnow(),
            }
        )
        if len(chunk) >= BATCH:
            flush()
    flush()
    session.info.setdefault("outbox_new_batch", []).extend(written)
    return written


def _dialect_insert(session: Session) -> Any:
    """`insert` with ON CONFLICT: PostgreSQL's, or SQLite's (the embedded default)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def notify(
    user_ids: Iterable[int],
    title: str,
    body: str = "",
    *,
    tenant_id: int | None,
    link: str | None = None,
    channels: Iterable[str] | None = None,
    dedupe_key: str | None = None,
    kind: str = "general",
    params: Mapping[str, Any] | None = None,
    phones: Iterable[Recipient | tuple[str, str]] = (),
    confidential: bool = False,
) -> OutboxMessage:
    """Tell people something, in the caller's transaction; the worker delivers it.

    - `user_ids`: accounts. Each gets the inbox entry and, as they chose
      (`lianxin.notify.preferences`), SMS, email and WeCom.
    - `phones`: people without an account, as `Recipient(phone, name)` or `(name, phone)`;
      they get SMS.
    - `kind` picks the SMS template (`LIANXIN_SMS_TEMPLATES`): `case.referred`, `reminder`,
      `resolution`, `tracking_code`, `account.setup`, `general` …; `params` fills its
      variables beside `title`, `body`, `link` and the recipient's `name`.
    - `channels` limits the channels (default: the inbox and every channel the person wants;
      `("email",)` sends only an email).
    - `confidential`: the office may learn how many were reached, not who (a reminder to
      those who have not answered an evaluation).

    What each recipient got on each channel is recorded for the township's report
    (`lianxin.notify.models.Delivery`).
    """
    return enqueue(
        "notify",
        notification(
            user_ids,
            title,
            body,
            link=link,
            channels=channels,
            kind=kind,
            params=params,
            phones=phones,
            confidential=confidential,
        ),
        tenant_id=tenant_id,
        dedupe_key=dedupe_key,
    )


def notification(
    user_ids: Iterable[int],
    title: str,
    body: str = "",
    *,
    link: str | None = None,
    channels: Iterable[str] | None = None,
    kind: str = "general",
    params: Mapping[str, Any] | None = None,
    phones: Iterable[Recipient | tuple[str, str]] = (),
    confidential: bool = False,
) -> dict[str, Any]:
    """The payload of a "notify" message (for `enqueue_many`, as `notify` writes one)."""
    payload: dict[str, Any] = {
        "user_ids": sorted(set(user_ids)),
        "title": title,
        "body": body,
        "link": link,
        "channels": list(CHANNELS) if channels is None else [c for c in channels if c in CHANNELS],
        "kind": kind,
    }
    if params:
        payload["params"] = {str(k): "" if v is None else str(v) for k, v in params.items()}
    listed = recipients_payload(phones)
    if listed:
        payload["phones"] = listed
    if confidential:
        payload["confidential"] = True
    return payload


@handler("notify")
def _deliver_notification(message: OutboxMessage) -> None:
    deliver_notification(message)


@handler("sms")
def _deliver_sms(message: OutboxMessage) -> None:
    """A text to a phone that belongs to no account: `{"phone", "text"}`, and optionally
    `kind` and `params` (its SMS template), `name`, `confidential`."""
    deliver_text(message)


def _run_handler(message: OutboxMessage) -> PartlyDelivered | None:
    """Run the message's handler; a partial delivery is returned (its effects stay), any
    other failure raises."""
    try:
        HANDLERS[message.topic](message)
    except PartlyDelivered as partly:
        return partly
    return None


def deliver(message_id: int) -> bool:
    """Deliver one message exactly once; True if this call delivered it.

    The conditional UPDATE claims the row and the handler's database effects commit in the same
    transaction as the `delivered` mark, so a second run (a redelivered task, a sweep racing the
    first send) finds nothing to claim, and a crash before commit leaves the message pending.
    """
    session = db.session
    now = utcnow()
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.available_at <= now,
        )
        .values(
            status=OutboxStatus.DELIVERED, delivered_at=now, attempts=OutboxMessage.attempts + 1
        )
        .returning(OutboxMessage.id, OutboxMessage.tenant_id)
    ).first()
    if claimed is None:
        session.rollback()
        return False
    # populate_existing: the row in the identity map (the enqueuing session's) predates the claim.
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    try:
        with _in_township_of(message):
            partly = _run_handler(message)
            if partly is None:
                _forget_one_time_secrets(message)
            session.flush()  # the handler's rows belong to the message's township
        if partly is not None:
            # What was sent is recorded and stays; the rest is retried with the backoff.
            log.warning("outbox %s partly delivered, retried later: %s", message_id, partly)
            _mark_failed(message, partly)
        # A delivery is its task's own transaction, also when the task runs eagerly inside the
        # commit of the use case that wrote the message.
        commit_on_its_own("the handler's effects commit with the delivered mark")
    except Exception as exc:
        session.rollback()
        _record_failure(message_id, exc)
        raise
    return partly is None


# Messages that carry a one-time secret (a set-up link, a case's tracking code): once every
# channel has it, the row keeps the title and who it went to, never the secret, so that a copy
# of the database (a backup, a superuser's read) cannot open the account or the case.
ONE_TIME_SECRET_KINDS = frozenset({"account.setup", "tracking_code"})
FORGOTTEN = "[已送达，不再保存]"


def _forget_one_time_secrets(message: OutboxMessage) -> None:
    payload = dict(message.payload or {})
    if payload.get("kind") not in ONE_TIME_SECRET_KINDS:
        return
    for key in ("body", "text", "link"):
        if payload.get(key):
            payload[key] = FORGOTTEN
    if isinstance(payload.get("params"), Mapping):
        payload["params"] = dict.fromkeys(payload["params"], FORGOTTEN)
    message.payload = payload


def _in_township_of(message: OutboxMessage) -> AbstractContextManager[Any]:
    """The message's township (or none, for a platform message), for its handler."""
    if message.tenant_id is not None:
        return tenant_context(message.tenant_id)
    return no_tenant_context()


def deliver_many(message_ids: Iterable[int]) -> int:
    """Deliver a batch in one transaction; the number this call delivered.

    One conditional UPDATE claims every pending, due message of the batch (a message that
    another run claimed first is skipped, as in `deliver`); each handler runs in a SAVEPOINT,
    so a message whose handler fails has its effects undone and is rescheduled with backoff
    (or dead-lettered) in the same transaction, while the rest of the batch is delivered.
    """
    ids = sorted(set(message_ids))
    if not ids:
        return 0
    session = db.session
    now = utcnow()
    claimed = (
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.available_at <= now,
            )
            .values(
                status=OutboxStatus.DELIVERED, delivered_at=now, attempts=OutboxMessage.attempts + 1
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    if not claimed:
        session.rollback()
        return 0
    messages = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    delivered = 0
    for message in messages:
        try:
            # The SAVEPOINT inside the township: its release flushes the handler's rows there.
            with _in_township_of(message), session.begin_nested():
                partly = _run_handler(message)
                if partly is None:
                    _forget_one_time_secrets(message)
            if partly is None:
                delivered += 1
            else:  # the sends recorded stay; the rest is retried with the backoff
                log.warning("outbox %s partly delivered in its batch: %s", message.id, partly)
                _mark_failed(message, partly)
        except Exception as exc:
            log.warning("outbox %s not delivered in its batch: %s", message.id, exc)
            _mark_failed(message, exc)  # the claim already counted this attempt
    commit_on_its_own("the batch's handlers' effects commit with their delivered marks")
    return delivered


def _record_failure(message_id: int, exc: BaseException) -> None:
    session = db.session
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return
    message.attempts += 1
    _mark_failed(message, exc)
    commit_on_its_own("the failed attempt is recorded, then the failure is raised")


def _mark_failed(message: OutboxMessage, exc: BaseException) -> None:
    """After a failed attempt (already counted): back to pending with backoff, or dead."""
    message.delivered_at = None
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.DEAD
        db.session.add(
            DeadLetter(
                outbox_id=message.id,
                task_name=f"outbox:{message.topic}",
                tenant_id=message.tenant_id,
                arguments={"message_id": message.id},
                error=message.last_error,
            )
        )
        log.error("outbox message %s dead after %s attempts", message.id, message.attempts)
    else:
        message.status = OutboxStatus.PENDING
        # Exponential backoff: 30 s, 1 min, 2 min, … capped at one hour.
        message.available_at = utcnow() + timedelta(
            seconds=min(3600, 30 * 2 ** (message.attempts - 1))
        )


def requeue_dead(message_id: int) -> int | None:
    """Put a dead message back in the queue, due now with its attempts reset (an operator's
    replay, lianxin.notify.dead_letters), in the caller's transaction; the worker is asked to
    deliver it after the commit. The attempts it had, or None if it is not dead."""
    session = db.session
    row = session.execute(
        select(OutboxMessage.attempts).where(
            OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.DEAD
        )
    ).first()
    requeued = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.DEAD)
        .values(status=OutboxStatus.PENDING, attempts=0, available_at=utcnow(), claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not requeued or row is None:
        return None
    session.info.setdefault("outbox_new", []).append(message_id)
    return int(row.attempts)


def due_message_ids(limit: int = 500) -> list[tuple[int, int | None]]:
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.tenant_id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.available_at <= utcnow())
        .order_by(OutboxMessage.available_at)
        .limit(limit)
    ).all()
    return [(r.id, r.tenant_id) for r in rows]


def inbox(user_id: int, *, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


def unread_count(user_id: int) -> int:
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


@use_case
def mark_read(user_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


@event.listens_for(LianxinSession, "after_commit")
def _kick_dispatch(session: Session) -> None:
    """After the change commits, ask the worker to deliver what it wrote.

    If the broker is down this only logs: the message is safe in the table and the beat sweep
    delivers it once the broker is back.
    """
    if session.in_nested_transaction():
        # SQLAlchemy also calls after_commit when a SAVEPOINT is released (begin_nested): the
        # transaction is still open and its messages are not visible to the worker yet.
        return
    new_ids = session.info.pop("outbox_new", None)
    batch = session.info.pop("outbox_new_batch", None)
    if not new_ids and not batch:
        return
    deliver_outbox_message = jobs.task("outbox.deliver")
    deliver_outbox_batch = jobs.task("outbox.deliver_batch")
    for message_id in new_ids or ():
        try:
            deliver_outbox_message.delay(message_id)
        except Exception as exc:  # broker unreachable: the sweep will deliver it
            log.warning("outbox %s queued for the sweep: %s", message_id, exc)
    for start in range(0, len(batch or ()), BATCH):
        ids = batch[start : start + BATCH]
        try:
            deliver_outbox_batch.delay(ids)
        except Exception as exc:
            log.warning("outbox batch of %s queued for the sweep: %s", len(ids), exc)
            break


@event.listens_for(LianxinSession, "after_transaction_end")
def _forget_ended(session: Session, transaction: SessionTransaction) -> None:
    """The whole transaction ended without a commit (rollback, close): forget its messages.

    Only the outermost transaction counts: a SAVEPOINT rolled back inside it (a dedupe race in
    `enqueue`, or the caller's own) leaves the messages enqueued before it to commit. After a
    commit `_kick_dispatch` has already taken the list.
    """
    if transaction.parent is None:
        session.info.pop("outbox_new", None)
        session.info.pop("outbox_new_batch", None)
