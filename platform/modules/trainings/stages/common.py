"""What every stage shares: access, lookups, the settings and the words.

The term is the people module's: a representative's `term` (届). An invitation records the
representative's term when they were invited, so a rotation counts for that term only."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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
from lianxin.modules.trainings.models import (
    Answer,
    Audience,
    Half,
    Leave,
    SessionKind,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.people.models import RepresentativeGroup
from lianxin.tenants.models import Township

MODULE_KEY = "trainings"

KIND_LABELS: dict[str, Any] = {
    SessionKind.STUDY: _l("集中学习"),
    SessionKind.ROTATION: _l("轮训"),
    SessionKind.PARTY_SCHOOL: _l("党校培训"),
    SessionKind.OTHER: _l("其他"),
}
AUDIENCE_LABELS: dict[str, Any] = {
    Audience.ALL: _l("全体在任代表"),
    Audience.GROUPS: _l("按代表小组"),
    Audience.NAMED: _l("指定代表"),
}
ANSWER_LABELS: dict[str, Any] = {
    Answer.PENDING: _l("待确认"),
    Answer.CONFIRMED: _l("参加"),
    Answer.LEAVE: _l("请假"),
}
LEAVE_LABELS: dict[str, Any] = {
    Leave.REQUESTED: _l("请假待批"),
    Leave.APPROVED: _l("已准假"),
    Leave.REFUSED: _l("不准假"),
}
HALF_LABELS: dict[str, Any] = {
    Half.FULL: _l("全天"),
    Half.MORNING: _l("上午"),
    Half.AFTERNOON: _l("下午"),
}
CONSEQUENCE_LABELS: dict[str, Any] = {
    "fail": _l("无故缺席：民主评议定为不合格等次"),
    "not_excellent": _l("连续两次缺席：民主评议不得评为优秀"),
}

_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


def find_session(township: Township, session_id: int) -> TrainingSession:
    row = db.session.get(TrainingSession, (township.id, int(session_id)))
    if row is None:
        raise NotFound(_("未找到该培训"))
    return row


def find_group(township: Township, group_id: int) -> RepresentativeGroup:
    group = db.session.get(RepresentativeGroup, (township.id, int(group_id)))
    if group is None:
        raise NotFound(_("未找到该代表小组"))
    return group


def find_invitation(township: Township, invitation_id: int) -> TrainingInvitation:
    row = db.session.get(TrainingInvitation, (township.id, int(invitation_id)))
    if row is None:
        raise NotFound(_("未找到该参训通知"))
    return row


def invitations_of(session: TrainingSession) -> list[TrainingInvitation]:
    return list(
        db.session.scalars(
            select(TrainingInvitation)
            .where(TrainingInvitation.session_id == session.id)
            .order_by(TrainingInvitation.id)
        )
    )
