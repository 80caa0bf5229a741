"""What the privacy use cases share: who may act, the tables a person appears in, scrubbing.

A person appears in a township's tables in three ways, found from the schema rather than listed
by hand, so that a new module's table is covered the day it is added:

- a column that points at their representative record (`REP_COLUMNS`);
- a column that points at their account (a foreign key to `users.id`);
- a copy of their name beside such a column (`NAME_COPIES`: `actor_name` beside
  `actor_user_id`, a subject's `name` beside its `representative_id` …).

Sealed tables are never read or written here (`SEALED`): anonymous answers and ballots are
stored so that nobody, the office included, can tie them to a person (ARCHITECTURE.md §6), and
the receipts say only *that* someone answered, which the office must not learn of one person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import LargeBinary, or_, select, update

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.base import Base, TenantMixin
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.notify.models import Delivery, OutboxMessage
from lianxin.tenants.models import Township

# What an anonymised representative is called: the id keeps two of them apart (a name and a
# birth date are unique in a township) and ties the kept history rows to one former colleague.
FORMER_REPRESENTATIVE = "原代表（已匿名·{id}）"
FORMER_PREFIX = "原代表（已匿名"

REP_COLUMNS = frozenset(
    {
        "representative_id",
        "received_by_id",
        "upper_rep_id",
        "lower_rep_id",
        "replaced_representative_id",
    }
)
# (column pointing at the person, column holding a copy of their name)
NAME_COPIES: tuple[tuple[str, str], ...] = (
    ("representative_id", "name"),
    ("actor_user_id", "actor_name"),
    ("author_user_id", "author_name"),
    ("user_id", "recipient_name"),
)
SEALED = frozenset(
    {
        "as_receipts",
        "as_ballot_pool",
        "as_ballots",
        "ev_receipts",
        "ev_answer_pool",
        "ev_answers",
        "ev_codes",
    }
)
# Never exported: secrets and keys, even hashed.
_SECRET_COLUMN = re.compile(r"(_hash|_salt|secret|token)$")


def require_admin(actor: Actor, township: Township) -> None:
    """Only the township's administrator exports or erases a person's data (403 for other
    members, 404 for outsiders)."""
    permissions.require_member(actor, township)
    if not can_manage_personal_data(actor, township):
        raise PermissionDenied(_("只有乡镇管理员可以导出或删除个人信息。"))


def can_manage_personal_data(actor: Actor, township: Township) -> bool:
    return permissions.can_administer_township(actor, township.id)


def submitter_phone(value: str | None) -> str:
    """The number as cases store it (`clean_phone`); a Chinese error when it is none."""
    from lianxin.people.inputs import clean_phone

    try:
        phone = clean_phone(value)
    except ValueError:
        phone = None
    if not phone:
        raise ValidationFailed(errors={"phone": [_("请输入正确的手机号或固定电话")]})
    return phone


def tenant_classes() -> list[type[Any]]:
    """Every mapped tenant-owned model but the sealed ones, by table name."""
    classes = [
        mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantMixin)
        and mapper.local_table.name not in SEALED
        and mapper.local_table.name != "audit_entries"
    ]
    return sorted(classes, key=lambda cls: cls.__table__.name)


def user_columns(cls: type[Any]) -> list[str]:
    """The columns of a model that point at an account."""
    return [
        column.key
        for column in cls.__table__.columns
        if any(fk.column.table.name == "users" for fk in column.foreign_keys)
    ]


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return value


def row_dict(row: Any) -> dict[str, Any]:
    """A row's columns for an export, secrets and binary columns left out."""
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        if isinstance(column.type, LargeBinary) or _SECRET_COLUMN.search(column.key):
            continue
        out[column.key] = jsonable(getattr(row, column.key))
    return out


def rows_where(cls: type[Any], column: str, value: Any) -> Iterator[Any]:
    """Rows of a tenant model (the township's, by the ORM lock and RLS) with column == value."""
    attr = getattr(cls, column)
    yield from db.session.scalars(
        select(cls).where(attr == value).order_by(*cls.__mapper__.primary_key)
    )


# --- the messages that carried a submitter's number --------------------------------------------


def _case_message_filter(township_id: int, case_ids: list[int]) -> Any:
    return or_(*(OutboxMessage.dedupe_key.like(f"case:{township_id}:{cid}:%") for cid in case_ids))


def _scrubbed(payload: dict[str, Any]) -> dict[str, Any]:
    out = dict(payload)
    if "phones" in out:
        out["phones"] = [{"name": "", "phone": ""} for _entry in out["phones"] or []]
    if "phone" in out:
        out["phone"] = ""
    if "name" in out:
        out["name"] = ""
    return out


def scrub_case_messages(township_id: int, case_ids: Iterable[int]) -> int:
    """The texts sent to the people who raised these cases (their tracking code, the answer)
    keep no number or name, nor do their delivery rows; returns how many messages changed.

    A message still waiting is sent to nobody then: its recipient is skipped as without a
    number, and the delivery report says so."""
    ids = sorted(set(case_ids))
    changed = 0
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        messages = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.tenant_id == township_id,
                _case_message_filter(township_id, chunk),
            )
        ).all()
        touched = []
        for message in messages:
            payload = dict(message.payload or {})
            scrubbed = _scrubbed(payload)
            if scrubbed != payload:
                message.payload = scrubbed
                changed += 1
            touched.append(message.id)
        if touched:
            db.session.execute(
                update(Delivery)
                .where(Delivery.outbox_id.in_(touched), Delivery.user_id.is_(None))
                .values(recipient_name="", phone_masked=None)
                .execution_options(synchronize_session=False)
            )
    return changed
