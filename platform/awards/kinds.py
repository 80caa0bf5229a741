"""What a township may mark as adopted (采纳), kind by kind: the one place the awards know the
other parts' records.

Why one shared `award_adoptions` table here rather than a mark in each part: the mark is the
same fact whatever it marks (who adopted it, when, a note), it is read together (the office's
list, the nominations, the best-suggestions candidates), and keeping it here leaves the parts
untouched. Each kind below only *reads* its part, in the township's tenant context (the ORM lock
scopes every query to it): which items may be marked (answered in writing, a closed case's
answer, a sitting-in suggestion answered or sent on) and their titles. A kind whose part is
switched off in the township is not offered. Consultations already record the committee's
feedback (采纳 / 部分采纳 / 未采纳): they are read from there, never marked twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.awards.models import AdoptionKind
from lianxin.db import db
from lianxin.modules.registry import SHANGHAI
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

KIND_LABELS: dict[str, Any] = {
    AdoptionKind.PROPOSAL: _l("提案建议"),
    AdoptionKind.CASE: _l("诉求答复"),
    AdoptionKind.SITTING: _l("列席建议"),
    AdoptionKind.CONSULTATION: _l("征询意见"),
}
# The kinds the office marks here; a consultation's adoption is the consultations module's.
MARKABLE = (AdoptionKind.PROPOSAL, AdoptionKind.CASE, AdoptionKind.SITTING)
# A case's answer counts once the case is closed: answered on the spot, fed back, rated, archived.
CLOSED_CASE_STATES = ("handled_on_spot", "feedback_given", "rated", "archived")


@dataclass(frozen=True)
class Item:
    """One item of the township that may be (or was) adopted."""

    kind: str
    id: int
    title: str
    representative_id: int | None  # whose suggestion it was, when a representative's
    done_on: date | None  # when it was answered (or, for a consultation, adopted)
    endpoint: str  # its page in the township
    args: tuple[tuple[str, int], ...]
    adopted_by: str | None = None  # a consultation's, from its feedback
    note: str = ""


def _day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()


def _proposals(item_id: int | None) -> list[Item]:
    from lianxin.modules.proposals.models import Proposal, State

    query = select(Proposal).where(Proposal.state.in_((State.ANSWERED, State.CLOSED)))
    if item_id is not None:
        query = query.where(Proposal.id == item_id)
    return [
        Item(
            AdoptionKind.PROPOSAL,
            p.id,
            f"{p.number + ' ' if p.number else ''}{p.title}",
            p.author_id,
            _day(p.answered_at),
            "proposals.detail",
            (("proposal_id", p.id),),
        )
        for p in db.session.scalars(query.order_by(Proposal.id.desc()))
    ]


def _cases(item_id: int | None) -> list[Item]:
    from lianxin.casework.models import Case

    query = select(Case).where(Case.state.in_(CLOSED_CASE_STATES), Case.answer.is_not(None))
    if item_id is not None:
        query = query.where(Case.id == item_id)
    return [
        Item(
            AdoptionKind.CASE,
            c.id,
            f"#{c.id} {c.title}",
            c.received_by_id,
            _day(c.answered_at or c.closed_at),
            "cases.detail",
            (("case_id", c.id),),
        )
        for c in db.session.scalars(query.order_by(Case.id.desc()))
    ]


def _sittings(item_id: int | None) -> list[Item]:
    from lianxin.modules.sittings.models import Meeting, Outcome, Suggestion

    query = (
        select(Suggestion, Meeting.title)
        .join(
            Meeting,
            (Meeting.id == Suggestion.meeting_id) & (Meeting.tenant_id == Suggestion.tenant_id),
        )
        .where(Suggestion.outcome.in_((Outcome.ANSWERED, Outcome.CASE)))
    )
    if item_id is not None:
        query = query.where(Suggestion.id == item_id)
    out = []
    for s, meeting_title in db.session.execute(query.order_by(Suggestion.id.desc())):
        text = " ".join(s.text.split())
        out.append(
            Item(
                AdoptionKind.SITTING,
                s.id,
                f"{meeting_title}：{text[:60]}{'…' if len(text) > 60 else ''}",
                s.representative_id,
                s.answered_on or _day(s.created_at),
                "sittings.meeting",
                (("meeting_id", s.meeting_id),),
            )
        )
    return out


def _consultations(item_id: int | None) -> list[Item]:
    from lianxin.awards.models import AdoptedBy
    from lianxin.modules.consultations.models import Consultation, Outcome

    query = select(Consultation).where(Consultation.outcome.in_((Outcome.ADOPTED, Outcome.PARTLY)))
    if item_id is not None:
        query = query.where(Consultation.id == item_id)
    return [
        Item(
            AdoptionKind.CONSULTATION,
            c.id,
            c.title,
            None,
            _day(c.feedback_at),
            "consultations.detail",
            (("consultation_id", c.id),),
            adopted_by=AdoptedBy.COMMITTEE,
            note=str(_l("部分采纳")) if c.outcome == Outcome.PARTLY else str(_l("采纳")),
        )
        for c in db.session.scalars(query.order_by(Consultation.id.desc()))
    ]


# kind → (the module that must be on, its reader); casework is core, always on.
READERS: dict[str, tuple[str | None, Callable[[int | None], list[Item]]]] = {
    AdoptionKind.PROPOSAL: ("proposals", _proposals),
    AdoptionKind.CASE: (None, _cases),
    AdoptionKind.SITTING: ("sittings", _sittings),
    AdoptionKind.CONSULTATION: ("consultations", _consultations),
}


def representative_names(ids: set[int]) -> dict[int, str]:
    """The names of some of the township's representatives (whose items were adopted)."""
    from lianxin.people.models import Representative

    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Representative.id, Representative.name).where(Representative.id.in_(ids))
        ).all()
    )


def kinds_on(township: Township) -> list[str]:
    """The kinds this township has: a module's only while it is switched on."""
    on = tenants.enabled_module_keys(township.id)
    return [kind for kind, (module, _fn) in READERS.items() if module is None or module in on]


def items(township: Township, kind: str) -> list[Item]:
    """Every item of one kind that may be adopted, newest first (empty for a kind not on)."""
    if kind not in kinds_on(township):
        return []
    return READERS[kind][1](None)


def find(township: Township, kind: str, item_id: int) -> Item | None:
    """One item of this township that may be adopted, or None (unknown, another township's, not
    answered yet, or its module off)."""
    if kind not in kinds_on(township):
        return None
    found = READERS[kind][1](int(item_id))
    return found[0] if found else None
