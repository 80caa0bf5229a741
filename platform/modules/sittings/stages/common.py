"""What every stage shares: access, lookups, the settings, the words, and the representatives'
standing in their term (how often each has sat in).

The term is the people module's: a representative's `term` (届). An invitation records the
representative's term when they were invited, so a sitting counts for that term only: one
re-elected into the next term starts it with none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from lianxin.auth import permissions
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.kit import (  # noqa: F401 (the stages import them from here)
    current_term,
    find_representative,
    is_office,
    module_settings,
    representative_of,
)
from lianxin.modules.kit import record as _audit  # noqa: F401 (the stages' name for it)
from lianxin.modules.sittings.models import (
    Answer,
    Invitation,
    Meeting,
    MeetingKind,
    Outcome,
    Suggestion,
)
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import Branch, Township

MODULE_KEY = "sittings"
SOURCE_TYPE = "sitting"  # a case raised from a suggestion: (SOURCE_TYPE, meeting id)

KIND_LABELS: dict[str, Any] = {
    MeetingKind.FULL_COMMITTEE: _l("党委全体会议"),
    MeetingKind.COMMITTEE: _l("党委会"),
    MeetingKind.STANDING: _l("常委会"),
    MeetingKind.ENLARGED: _l("党委扩大会议"),
    MeetingKind.BRANCH: _l("支部会议"),
    MeetingKind.OTHER: _l("其他党内会议"),
}
ANSWER_LABELS: dict[str, Any] = {
    Answer.PENDING: _l("待确认"),
    Answer.CONFIRMED: _l("参加"),
    Answer.DECLINED: _l("不参加"),
}
OUTCOME_LABELS: dict[str, Any] = {
    Outcome.PENDING: _l("待处理"),
    Outcome.CASE: _l("已转为诉求"),
    Outcome.ANSWERED: _l("已书面答复"),
}

_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


def find_meeting(township: Township, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, (township.id, int(meeting_id)))
    if meeting is None:
        raise NotFound(_("未找到该会议"))
    return meeting


def find_branch(township: Township, branch_id: int) -> Branch:
    """A branch of this township (another township's: 404)."""
    branch = db.session.get(Branch, (township.id, int(branch_id)))
    if branch is None:
        raise NotFound(_("未找到该支部"))
    return branch


def find_invitation(township: Township, invitation_id: int) -> Invitation:
    row = db.session.get(Invitation, (township.id, int(invitation_id)))
    if row is None:
        raise NotFound(_("未找到该邀请"))
    return row


def find_suggestion(township: Township, suggestion_id: int) -> Suggestion:
    row = db.session.get(Suggestion, (township.id, int(suggestion_id)))
    if row is None:
        raise NotFound(_("未找到该意见建议"))
    return row


# --- standing in the term -------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A representative in office and how often they have sat in during their term."""

    representative: Representative
    sittings: int
    last_on: date | None  # the last meeting they sat in on, this term
    invited: int  # invitations this term not yet answered no and not yet past (pending/coming)

    @property
    def representative_id(self) -> int:
        return self.representative.id

    @property
    def name(self) -> str:
        return self.representative.name

    @property
    def term(self) -> int:
        return self.representative.term


def _sat_in() -> Any:
    """The join condition of a representative's attended sittings in their own term."""
    return and_(
        Invitation.representative_id == Representative.id,
        Invitation.tenant_id == Representative.tenant_id,
        Invitation.term == Representative.term,
        Invitation.attended.is_(True),
    )


def standings(*, branch_id: int | None = None) -> list[Standing]:
    """Every representative in office with their sittings this term, fewest first, then the
    longest since the last one (never first), then by name: the rotation's order."""
    sat = (
        select(
            Invitation.representative_id.label("rep_id"),
            func.count(Invitation.id).label("n"),
            func.max(Meeting.held_on).label("last_on"),
        )
        .join(
            Meeting,
            and_(Meeting.id == Invitation.meeting_id, Meeting.tenant_id == Invitation.tenant_id),
        )
        .join(
            Representative,
            and_(
                Representative.id == Invitation.representative_id,
                Representative.tenant_id == Invitation.tenant_id,
                Representative.term == Invitation.term,
            ),
        )
        .where(Invitation.attended.is_(True))
        .group_by(Invitation.representative_id)
        .subquery()
    )
    coming = (
        select(Invitation.representative_id.label("rep_id"), func.count(Invitation.id).label("n"))
        .join(
            Meeting,
            and_(Meeting.id == Invitation.meeting_id, Meeting.tenant_id == Invitation.tenant_id),
        )
        .where(Invitation.answer != Answer.DECLINED, Meeting.held_at.is_(None))
        .group_by(Invitation.representative_id)
        .subquery()
    )
    query = (
        select(Representative, sat.c.n, sat.c.last_on, coming.c.n)
        .outerjoin(sat, sat.c.rep_id == Representative.id)
        .outerjoin(coming, coming.c.rep_id == Representative.id)
        .where(Representative.status == RepStatus.IN_OFFICE)
    )
    if branch_id is not None:
        query = query.where(Representative.branch_id == branch_id)
    rows = db.session.execute(query).all()
    out = [Standing(rep, int(n or 0), last_on, int(c or 0)) for rep, n, last_on, c in rows]
    out.sort(
        key=lambda s: (
            s.sittings,
            s.invited,  # one already invited to a coming meeting waits for that one
            s.last_on or date.min,
            s.representative.name_pinyin,
            s.representative.id,
        )
    )
    return out


def not_yet(township_id: int, rows: list[Standing]) -> list[Standing]:
    """Those below the township's minimum sittings per term."""
    need = int(settings(township_id)["min_per_term"])
    return [s for s in rows if s.sittings < need]
