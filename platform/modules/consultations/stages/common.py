"""Lookups, access rules and labels every stage of a consultation shares.

Who sees what: the liaison office and the committee members see every consultation of the
township with its answers; anyone else only those they were asked in, and only their own
answer. Writes (open, close, feedback, a vote, a case) are the office's.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.consultations.models import (
    Consultation,
    Invitee,
    Kind,
    Mode,
    Outcome,
    Receipt,
    Stance,
    State,
)
from lianxin.modules.kit import module_settings
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

MODULE_KEY = "consultations"
SOURCE_TYPE = "consultation"  # a case raised from an opinion points at its consultation
COUNT_TOPIC = "consultations.count"

KIND_LABELS = {
    Kind.DECISION: _l("重大决策"),
    Kind.PLAN: _l("工作部署和方案"),
    Kind.COMMENDATION: _l("评先评优"),
    Kind.APPOINTMENT: _l("干部任用"),
}
MODE_LABELS = {
    Mode.OPINION: _l("征求意见"),
    Mode.NAMED_VOTE: _l("记名表决"),
    Mode.SECRET_VOTE: _l("无记名表决"),
}
STATE_LABELS = {
    State.OPEN: _l("征询中"),
    State.CLOSED: _l("已截止"),
    State.REPLIED: _l("已反馈"),
}
STANCE_LABELS = {
    Stance.AGREE: _l("同意"),
    Stance.DISAGREE: _l("不同意"),
    Stance.OPINION: _l("有意见"),
    Stance.ABSTAIN: _l("弃权"),
}
OUTCOME_LABELS = {
    Outcome.ADOPTED: _l("采纳"),
    Outcome.PARTLY: _l("部分采纳"),
    Outcome.NOT_ADOPTED: _l("未采纳"),
}


def stances(mode: str) -> tuple[Stance, ...]:
    """The answers a representative may give: an opinion's three, or a vote's three."""
    if mode == Mode.OPINION:
        return (Stance.AGREE, Stance.DISAGREE, Stance.OPINION)
    return (Stance.AGREE, Stance.DISAGREE, Stance.ABSTAIN)


def label(labels: dict[Any, Any], value: Any) -> str:
    return str(labels.get(value, value or ""))


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return module_settings(township_id, MODULE_KEY)


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def sees_all(actor: Actor, township: Township) -> bool:
    """The office and the committee members see every consultation and its answers."""
    return is_office(actor, township) or (
        Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)
    )


def own_representative(actor: Actor, township: Township) -> Representative | None:
    return casework.representative_of(actor, township)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_consultation(township: Township, consultation_id: int) -> Consultation:
    """The consultation in the request's township, no access check (a foreign id: 404)."""
    found = db.session.get(Consultation, (township.id, int(consultation_id)))
    if found is None:
        raise NotFound(_("未找到该征询事项"))
    return found


def find_invitee(township: Township, invitee_id: int) -> Invitee:
    """A representative asked in one of the township's consultations (a foreign id: 404)."""
    found = db.session.get(Invitee, (township.id, int(invitee_id)))
    if found is None:
        raise NotFound(_("未找到该征询对象"))
    return found


def invitee_of(township: Township, consultation: Consultation, rep_id: int) -> Invitee | None:
    return db.session.scalar(
        select(Invitee).where(
            Invitee.consultation_id == consultation.id, Invitee.representative_id == rep_id
        )
    )


def my_invitee(actor: Actor, township: Township, consultation: Consultation) -> Invitee | None:
    """The acting representative's invitation to this consultation, if they were asked."""
    rep = own_representative(actor, township)
    return None if rep is None else invitee_of(township, consultation, rep.id)


def has_answered(consultation: Consultation, invitee: Invitee) -> bool:
    """Whether this invitee has answered: their answer, or a secret vote's receipt."""
    if invitee.answered_at is not None:
        return True
    if consultation.mode != Mode.SECRET_VOTE:
        return False
    return (
        db.session.scalar(
            select(Receipt.id).where(
                Receipt.consultation_id == consultation.id, Receipt.invitee_id == invitee.id
            )
        )
        is not None
    )


def get_consultation(actor: Actor, township: Township, consultation_id: int) -> Consultation:
    """One consultation, for the office and committee or a representative asked (others: 404)."""
    permissions.require_member(actor, township)
    consultation = find_consultation(township, consultation_id)
    if not sees_all(actor, township) and my_invitee(actor, township, consultation) is None:
        raise NotFound(_("未找到该征询事项"))
    return consultation


def office_consultation(actor: Actor, township: Township, consultation_id: int) -> Consultation:
    """A consultation the office works on: 404 for a foreign id first, then 403 for others."""
    permissions.require_member(actor, township)
    consultation = find_consultation(township, consultation_id)
    permissions.require_office(actor, township)
    return consultation


def _audit(action: str, actor: Actor, township: Township, target_id: Any, **after: Any) -> None:
    """An audit entry about a consultation (`action` in full: "consultation.open")."""
    audit.record(
        action,
        actor=actor,
        tenant_id=township.id,
        target_type="consultation",
        target_id=target_id,
        after=after or None,
    )
