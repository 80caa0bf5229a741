"""Dead letters for the operator: what failed every attempt, and sending it once more.

A dead letter is an outbox message that used up LIANXIN_OUTBOX_MAX_ATTEMPTS (`outbox:<topic>`)
or a task that failed for good (its task name). The listing says what an operator needs to act
(kind, township, attempts, error, when), never the message's payload: the error text has its
e-mail addresses and phone numbers masked. Replaying puts an outbox message back in the queue
with its attempts reset, or sends a task again with the arguments it had; the dead letter is
removed and the replay audited in the platform's chain, with what the letter said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import column, delete, select, table

from lianxin import jobs
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor, Grant
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied
from lianxin.notify import service as outbox
from lianxin.notify.channels import mask_phone
from lianxin.notify.models import DeadLetter, OutboxMessage
from lianxin.usecases import use_case

# Who replays from the command line: whoever runs `lianxin outbox` on the server operates it.
COMMAND_LINE = Actor(
    user_id=None, name="命令行 lianxin outbox", grants=(Grant(0, Role.PLATFORM_ADMIN),)
)
ERROR_CHARS = 300
# The townships' slugs, read as a plain table: the outbox is infrastructure and imports no
# domain package (tests/test_import_graph.py), yet an operator reads a slug better than an id.
_TOWNSHIPS = table("townships", column("id"), column("slug"))
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.[\w.-]+)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1\d{2}[ -]?\d{4}[ -]?\d{4}(?!\d)")


@dataclass(frozen=True)
class DeadLetterRow:
    id: int
    kind: str  # outbox:<topic> or the task's name
    outbox_id: int | None
    township: str  # the slug, or '' for a platform message
    attempts: int | None  # an outbox message's; None for a task
    error: str
    created_at: datetime


def scrub(error: str) -> str:
    """The error's first line, cut, its e-mail addresses and phone numbers masked."""
    line = (error or "").strip().splitlines()[0] if (error or "").strip() else ""
    line = _EMAIL.sub(lambda m: f"***@{m.group(1)}", line)
    line = _PHONE.sub(lambda m: mask_phone(m.group(0)), line)
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


def require_operator(actor: Actor) -> None:
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied()


def list_dead(actor: Actor, *, limit: int = 500) -> list[DeadLetterRow]:
    """The newest dead letters first."""
    require_operator(actor)
    rows = db.session.execute(
        select(DeadLetter, OutboxMessage.attempts, _TOWNSHIPS.c.slug)
        .outerjoin(OutboxMessage, OutboxMessage.id == DeadLetter.outbox_id)
        .outerjoin(_TOWNSHIPS, _TOWNSHIPS.c.id == DeadLetter.tenant_id)
        .order_by(DeadLetter.id.desc())
        .limit(limit)
    ).all()
    return [
        DeadLetterRow(
            id=letter.id,
            kind=letter.task_name,
            outbox_id=letter.outbox_id,
            township=slug or "",
            attempts=attempts,
            error=scrub(letter.error),
            created_at=letter.created_at,
        )
        for letter, attempts, slug in rows
    ]


@dataclass(frozen=True)
class Replayed:
    dead_letter_id: int
    kind: str
    outbox_id: int | None


@dataclass(frozen=True)
class _Taken:
    replayed: Replayed
    tenant_id: int | None
    arguments: dict[str, Any]


def replay(actor: Actor, dead_letter_id: int) -> Replayed:
    """Queue the dead letter's message (attempts reset) or send its task once more; NotFound if
    there is no such letter, Conflict if its message is no longer dead, its task no longer
    exists or could not be sent (its letter is then kept)."""
    taken = _take(actor, dead_letter_id)
    if taken.replayed.outbox_id is None:
        # After the commit: an eager task (no broker) writes through a session of its own.
        _send_task_again(taken)
    return taken.replayed


@use_case
def _take(actor: Actor, dead_letter_id: int) -> _Taken:
    """Remove the letter and audit the replay; a message goes back to the queue with it (the
    worker is asked after the commit)."""
    require_operator(actor)
    letter = db.session.get(DeadLetter, dead_letter_id)
    if letter is None:
        raise NotFound(_("没有编号为 %(id)s 的死信。", id=dead_letter_id))
    kind, outbox_id, tenant_id = letter.task_name, letter.outbox_id, letter.tenant_id
    arguments, error = dict(letter.arguments or {}), scrub(letter.error)
    attempts: int | None = None
    if outbox_id is not None:
        attempts = outbox.requeue_dead(outbox_id)
        if attempts is None:
            raise Conflict(_("该消息已不在死信状态（可能已重新投递），无需重发。"))
        # Earlier rounds of the same message leave their letters too: one replay clears them.
        db.session.execute(delete(DeadLetter).where(DeadLetter.outbox_id == outbox_id))
    else:
        if kind not in current_app.extensions["celery"].tasks:
            raise Conflict(_("任务 %(name)s 已不存在，无法重发。", name=kind))
        db.session.delete(letter)
    audit.record(
        "outbox.replayed",
        actor=actor,
        target_type="dead_letter",
        target_id=dead_letter_id,
        before={
            "kind": kind,
            "outbox_id": outbox_id,
            "tenant_id": tenant_id,
            "attempts": attempts,
            "error": error,
        },
    )
    return _Taken(Replayed(dead_letter_id, kind, outbox_id), tenant_id, arguments)


def _send_task_again(taken: _Taken) -> None:
    task = jobs.task(taken.replayed.kind)
    arguments = taken.arguments
    try:
        task.apply_async(args=arguments.get("args") or [], kwargs=arguments.get("kwargs") or {})
    except Exception as exc:
        db.session.rollback()
        if not task.app.conf.task_always_eager:
            # The broker refused it: keep a letter, or the replay would lose the task. (Run
            # eagerly, a task that fails again has recorded its own letter: PlatformTask.)
            db.session.add(
                DeadLetter(
                    task_name=taken.replayed.kind,
                    tenant_id=taken.tenant_id,
                    arguments=arguments,
                    error=f"replay not sent: {type(exc).__name__}: {exc}"[:2000],
                )
            )
            db.session.commit()
        raise Conflict(_("任务未能重新发出：%(error)s", error=scrub(str(exc)))) from exc


def replay_all(actor: Actor) -> list[Replayed | str]:
    """Replay every dead letter, each in its own transaction; a refusal is returned as its
    message and the rest go on."""
    require_operator(actor)
    ids = db.session.scalars(select(DeadLetter.id).order_by(DeadLetter.id)).all()
    results: list[Replayed | str] = []
    done: set[int] = set()
    for letter_id in ids:
        if letter_id in done or db.session.get(DeadLetter, letter_id) is None:
            continue  # cleared with an earlier letter of the same message
        try:
            results.append(replay(actor, letter_id))
        except (NotFound, Conflict) as exc:
            results.append(f"#{letter_id}: {exc.message}")
        done.add(letter_id)
    return results


__all__ = ["COMMAND_LINE", "DeadLetterRow", "Replayed", "list_dead", "replay", "replay_all"]
