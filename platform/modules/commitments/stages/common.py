"""What every stage shares: access, lookups, the settings, the words, and the status a board
shows (进行中 / 已逾期 / 已兑现 / 未兑现, on the Asia/Shanghai date).

Who sees what: the office sees every commitment of the township; a representative their own
whatever its status; every member (and the public board) the approved and closed ones only. A
commitment one may not see is not found (404), like another township's."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.commitments.models import PUBLIC, Commitment, Status
from lianxin.modules.kit import (  # noqa: F401 (the stages import them from here)
    find_representative,
    is_office,
    module_settings,
    representative_of,
)
from lianxin.modules.kit import record as _audit  # noqa: F401 (the stages' name for it)
from lianxin.tenants.models import Township

MODULE_KEY = "commitments"

STATUS_LABELS: dict[str, Any] = {
    Status.PENDING: _l("待审核"),
    Status.RETURNED: _l("已退回"),
    Status.APPROVED: _l("已公开"),
    Status.KEPT: _l("已兑现"),
    Status.NOT_KEPT: _l("未兑现"),
}
# What the board shows: an approved commitment is under way or, its deadline passed, overdue.
ON_TRACK = "on_track"
OVERDUE = "overdue"
STATE_LABELS: dict[str, Any] = {
    ON_TRACK: _l("进行中"),
    OVERDUE: _l("已逾期"),
    Status.KEPT: _l("已兑现"),
    Status.NOT_KEPT: _l("未兑现"),
    Status.PENDING: _l("待审核"),
    Status.RETURNED: _l("已退回"),
}
OUTCOME_LABELS: dict[Any, Any] = {True: _l("已兑现"), False: _l("未兑现")}

_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


def find_commitment(township: Township, commitment_id: int) -> Commitment:
    row = db.session.get(Commitment, (township.id, int(commitment_id)))
    if row is None:
        raise NotFound(_("未找到该承诺"))
    return row


def is_own(actor: Actor, row: Commitment) -> bool:
    own = representative_of(actor)
    return own is not None and own.id == row.representative_id


def may_see(actor: Actor, township: Township, row: Commitment) -> bool:
    return row.status in PUBLIC or is_office(actor, township) or is_own(actor, row)


def get_commitment(actor: Actor, township: Township, commitment_id: int) -> Commitment:
    """One commitment the actor may see; another's not yet public one is not found."""
    _read(actor, township)
    row = find_commitment(township, commitment_id)
    if not may_see(actor, township, row):
        raise NotFound(_("未找到该承诺"))
    return row


def state_of(row: Commitment, today: date) -> str:
    """What the board says: 进行中 until the deadline's day is over, then 已逾期 until closed."""
    if row.status == Status.APPROVED:
        return OVERDUE if today > row.due_on else ON_TRACK
    return str(row.status)


def commitment_url(township: Township, commitment_id: int) -> str:
    """The path of a commitment's page, for a notification."""
    return f"/t/{township.slug}/commitments/{commitment_id}"


def short(text: str, limit: int = 30) -> str:
    """A commitment's first words, for a line of a list or the duty record."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
