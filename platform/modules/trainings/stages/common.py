"""What every stage shares: access, lookups, the settings and the words.

The term is the people module's: a representative's `term` (届). An invitation records the
representative's term when they were invited, so a rotation counts for that term only."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.kit import module_settings
from lianxin.modules.trainings.models import (
    Answer,
    Audience,
    Leave,
    SessionKind,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.people.models import Representative, RepresentativeGroup, RepStatus
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
CONSEQUENCE_LABELS: dict[str, Any] = {
    "fail": _l("无故缺席：民主评议定为不合格等次"),
    "not_excellent": _l("连续两次缺席：民主评议不得评为优秀"),
}

_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def find_session(township: Township, session_id: int) -> TrainingSession:
    row = db.session.get(TrainingSession, (township.id, int(session_id)))
    if row is None:
        raise NotFound(_("未找到该培训"))
    return row


def find_representative(township: Township, rep_id: int) -> Representative:
    rep = db.session.get(Representative, (township.id, int(rep_id)))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


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


def representative_of(actor: Actor) -> Representative | None:
    """The actor's own representative record in the request's township (tenant context)."""
    if actor.user_id is None:
        return None
    return db.session.scalar(select(Representative).where(Representative.user_id == actor.user_id))


def current_term() -> int | None:
    """The township's current term: the newest 届 among the representatives in office."""
    return db.session.scalar(
        select(func.max(Representative.term)).where(Representative.status == RepStatus.IN_OFFICE)
    )


def invitations_of(session: TrainingSession) -> list[TrainingInvitation]:
    return list(
        db.session.scalars(
            select(TrainingInvitation)
            .where(TrainingInvitation.session_id == session.id)
            .order_by(TrainingInvitation.id)
        )
    )


def _audit(
    action: str,
    actor: Actor | None,
    township: Township,
    target_type: str,
    target_id: int,
    **after: Any,
) -> None:
    audit.record(
        action,
        actor=actor,
        tenant_id=township.id,
        target_type=target_type,
        target_id=target_id,
        after=after or None,
    )
