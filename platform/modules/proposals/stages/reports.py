"""The office's dashboard, the annual handling report and the choices the forms offer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, select

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework.models import Rating
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules import kit
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Kind,
    Proposal,
    Signature,
    State,
)
from lianxin.modules.proposals.stages.common import (
    RATING_LABELS,
    is_committee,
    is_office,
    representative_of,
)
from lianxin.modules.proposals.states import KIND_LABELS, STATE_LABELS
from lianxin.people.models import (
    GroupMembership,
    GroupRole,
    HandlingUnit,
    Representative,
    RepresentativeGroup,
)
from lianxin.tenants.models import Township

# --- the office's dashboard and the annual session's report --------------------------------------


@dataclass
class UnitRow:
    unit: HandlingUnit
    active: int = 0
    answered: int = 0
    overdue: int = 0
    returned: int = 0


@dataclass
class Dashboard:
    by_state: dict[str, int]
    by_kind: dict[str, int]
    units: list[UnitRow]
    overdue: list[tuple[Proposal, Assignment]]
    rated: int
    satisfied: int  # satisfied or basically satisfied
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def dashboard(actor: Actor, township: Township, *, today: date | None = None) -> Dashboard:
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    today = kit.today(today)
    proposals = db.session.scalars(select(Proposal).where(Proposal.state != State.DRAFT)).all()
    by_id = {p.id: p for p in proposals}
    units = {
        u.id: UnitRow(u) for u in db.session.scalars(select(HandlingUnit).order_by(HandlingUnit.id))
    }
    overdue = []
    for a in db.session.scalars(select(Assignment)):
        row = units.get(a.unit_id)
        if row is None:
            continue
        if a.status == AssignmentStatus.ACTIVE:
            row.active += 1
            if a.due_on < today:
                row.overdue += 1
                if a.proposal_id in by_id:
                    overdue.append((by_id[a.proposal_id], a))
        elif a.status == AssignmentStatus.ANSWERED:
            row.answered += 1
        elif a.status == AssignmentStatus.RETURNED:
            row.returned += 1
    ratings = Counter(p.rating for p in proposals if p.rating)
    rated_final = [p for p in proposals if p.rating]
    return Dashboard(
        by_state=dict(Counter(p.state for p in proposals)),
        by_kind=dict(Counter(p.kind for p in proposals)),
        units=[r for r in units.values() if r.active or r.answered or r.returned],
        overdue=sorted(overdue, key=lambda pa: pa[1].due_on),
        rated=len(rated_final),
        satisfied=sum(1 for p in rated_final if p.rating != Rating.UNSATISFIED),
        ratings=dict(ratings),
    )


@dataclass
class ReportRow:
    proposal: Proposal
    author: str
    signers: int
    lead_unit: str | None
    co_units: list[str]
    rounds: int


def handling_report(actor: Actor, township: Township, year: int) -> list[ReportRow]:
    """Every proposal of the year from 立案 on, its units, answer and rating (办理情况报告); a
    year out of 2000–2100 is not found."""
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    if not 2000 <= year <= 2100:
        raise NotFound()
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.year == year, Proposal.number.is_not(None))
        .order_by(Proposal.number)
    ).all()
    if not proposals:
        return []
    order = {k: i for i, k in enumerate(Kind)}  # proposals, then suggestions, then inquiries
    proposals = sorted(proposals, key=lambda p: order[Kind(p.kind)])
    ids = [p.id for p in proposals]
    names = {
        r.id: r.name
        for r in db.session.scalars(
            select(Representative).where(Representative.id.in_({p.author_id for p in proposals}))
        )
    }
    signers = Counter(
        db.session.scalars(
            select(Signature.proposal_id).where(
                Signature.proposal_id.in_(ids), Signature.counted.is_(True)
            )
        )
    )
    unit_names = {u.id: u.name for u in db.session.scalars(select(HandlingUnit))}
    current: dict[int, list[Assignment]] = {}
    for a in db.session.scalars(select(Assignment).where(Assignment.proposal_id.in_(ids))):
        current.setdefault(a.proposal_id, []).append(a)
    rows = []
    for p in proposals:
        latest = [a for a in current.get(p.id, []) if a.round == p.round]
        lead = next((a for a in latest if a.role == AssignmentRole.LEAD), None)
        rows.append(
            ReportRow(
                p,
                names.get(p.author_id, ""),
                signers.get(p.id, 0),
                unit_names.get(lead.unit_id) if lead else None,
                [unit_names.get(a.unit_id, "") for a in latest if a.role == AssignmentRole.CO],
                p.round,
            )
        )
    return rows


def report_xlsx(rows: list[ReportRow], year: int) -> bytes:
    book = spreadsheets.Book()
    sheet = book.sheet(f"{year}年办理情况")
    sheet.widths((12, 8, 40, 10, 8, 20, 20, 8, 60, 10, 14))
    sheet.header(
        [
            "编号",
            "类型",
            "标题",
            "领衔代表",
            "联名人数",
            "主办单位",
            "协办单位",
            "办理轮次",
            "答复",
            "评价",
            "状态",
        ]
    )
    for row in rows:
        p = row.proposal
        sheet.append(
            [
                p.number,
                str(KIND_LABELS[Kind(p.kind)]),
                p.title,
                row.author,
                row.signers,
                row.lead_unit or "",
                "、".join(row.co_units),
                row.rounds,
                p.answer or "",
                RATING_LABELS.get(Rating(p.rating), "") if p.rating else "",
                str(STATE_LABELS[State(p.state)]),
            ],
            wrap=True,
        )
    return book.to_bytes()


def member_representatives(actor: Actor, township: Township) -> list[Representative]:
    """The representatives in office (for choosing co-signers)."""
    permissions.require_member(actor, township)
    return [
        r
        for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
        if r.in_office
    ]


def unit_choices(actor: Actor, township: Township) -> list[HandlingUnit]:
    permissions.require_member(actor, township)
    return list(
        db.session.scalars(
            select(HandlingUnit).where(HandlingUnit.is_active.is_(True)).order_by(HandlingUnit.id)
        )
    )


def lead_groups(actor: Actor, township: Township) -> list[RepresentativeGroup]:
    """The groups the acting representative leads (leader or deputy), for 以小组名义."""
    rep = representative_of(actor, township)
    if rep is None:
        return []
    return list(
        db.session.scalars(
            select(RepresentativeGroup)
            .join(
                GroupMembership,
                and_(
                    GroupMembership.group_id == RepresentativeGroup.id,
                    GroupMembership.tenant_id == RepresentativeGroup.tenant_id,
                ),
            )
            .where(
                GroupMembership.representative_id == rep.id,
                GroupMembership.ended_on.is_(None),
                GroupMembership.role.in_([GroupRole.LEADER, GroupRole.DEPUTY]),
            )
        )
    )
