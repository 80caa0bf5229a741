"""Lists, history and attachments of cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from sqlalchemy import or_, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework.models import (
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseReply,
    DeadlineExtension,
)
from lianxin.casework.stages.common import (
    _move,
    _visible,
    get_case,
    is_liaison_of,
    is_office,
    received_on,
    rule_for,
    unit_ids_of,
)
from lianxin.casework.stages.handling import _assignment_of
from lianxin.casework.states import OPEN_STATES
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, PermissionDenied
from lianxin.storage import owners as storage_owners
from lianxin.storage.models import StoredFile
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- lists, history, public lookup ---------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    overdue: bool
    due_soon: bool
    latest_due_on: date | None = None  # no extension goes past it


def flag(case: Case, rule: deadlines.DeadlineRule, today: date) -> CaseRow:
    due = case.due_on
    latest = rule.latest_on(received_on(case))
    if case.state not in OPEN_STATES or due is None:
        return CaseRow(case, False, False, latest)
    return CaseRow(case, rule.is_overdue(today, due), rule.is_due_soon(today, due), latest)


def list_cases(
    actor: Actor,
    township: Township,
    *,
    state: str | None = None,
    overdue_only: bool = False,
    q: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> tuple[list[CaseRow], int]:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    query = select(Case)
    visible = _visible(actor, township)
    if visible is not None:
        query = query.where(visible)
    if state:
        query = query.where(Case.state == state)
    if q:
        # autoescape: a typed % or _ is a character to find, not a LIKE wildcard.
        query = query.where(
            or_(Case.title.contains(q, autoescape=True), Case.body.contains(q, autoescape=True))
        )
    rule, today = rule_for(township.id), deadlines.shanghai_today()
    if overdue_only:
        query = query.where(Case.state.in_(list(OPEN_STATES)), Case.due_on < today)
    rows, total = paged(query, Case.created_at.desc(), Case.id.desc(), offset=offset, limit=limit)
    return [flag(c, rule, today) for c in rows], total


@use_case
def attach(
    actor: Actor, township: Township, case_id: int, stream: IO[bytes], filename: str
) -> StoredFile:
    """A supporting file on a case: the office's, the branch liaison's, or a unit's with its
    written answer.

    The file passes the storage checks (type by content, size); it is readable by whoever may
    see the case, within this township only.
    """
    from lianxin.storage import service as files

    case = get_case(actor, township, case_id)
    # The branch's liaison keeps the case's papers too (the signed page of the visitor log).
    if not (is_office(actor, township) or is_liaison_of(actor, township, case)):
        if not unit_ids_of(actor, township):
            raise PermissionDenied()
        _assignment_of(actor, township, case)
    stored = files.save_upload(actor, township, stream, filename, purpose="case")
    _move(case, "attach", actor, stored.filename)
    db.session.add(CaseAttachment(case_id=case.id, file_id=stored.id))
    return stored


def attachments(actor: Actor, township: Township, case_id: int) -> list[StoredFile]:
    return attachments_of(get_case(actor, township, case_id))


def attachments_of(case: Case) -> list[StoredFile]:
    """The files of a case the caller has already been given by `get_case`."""
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(CaseAttachment, CaseAttachment.file_id == StoredFile.id)
            .where(CaseAttachment.case_id == case.id)
            .order_by(CaseAttachment.id)
        )
    )


@storage_owners.reader("case")
def _attachment_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A case's attachment is read by whoever may see the case (`get_case`)."""
    case_id = db.session.scalar(
        select(CaseAttachment.case_id).where(CaseAttachment.file_id == file_id).limit(1)
    )
    if case_id is None:
        return False
    get_case(actor, township, case_id)
    return True


def history(actor: Actor, township: Township, case_id: int) -> dict[str, Any]:
    return history_of(get_case(actor, township, case_id))


def history_of(case: Case) -> dict[str, Any]:
    """The history of a case the caller has already been given by `get_case`."""
    return {
        "events": list(
            db.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
        ),
        "assignments": list(
            db.session.scalars(
                select(CaseAssignment)
                .where(CaseAssignment.case_id == case.id)
                .order_by(CaseAssignment.id)
            )
        ),
        "replies": list(
            db.session.scalars(
                select(CaseReply).where(CaseReply.case_id == case.id).order_by(CaseReply.id)
            )
        ),
        "extensions": list(
            db.session.scalars(
                select(DeadlineExtension)
                .where(DeadlineExtension.case_id == case.id)
                .order_by(DeadlineExtension.id)
            )
        ),
    }
