"""Each representative's standing against the township's rules of training, for a year:

- sessions per quarter (`sessions_per_quarter`): the sessions they were present at, counted in
  the quarter of their first day present there (Asia/Shanghai dates: 31 March is the first
  quarter, 1 April the second); a quarter is short only once it is over;
- days per year (`days_per_year`): the days they were checked in that year, a half-day check-in
  (morning or afternoon, as with a half-day leave) counting half a day: 4.5 days is short of 5;
- rotation per term (`rotation_per_term`): the rotations (轮训) they were present at, counted for
  the term they were invited in, which must be their present term;
- absences: an invitation to a session that is over (its last day has passed) with no day
  present. It is excused when the office approved a leave request for the session, unexcused
  otherwise (an approved leave for half a day does not excuse a whole absence).
  Two absences in a row (excused or not, 001 果园 "连续两次不参加学习") and an unexcused one
  ("无故不参加学习") carry the consequences the township's settings name. The consequence is
  shown here, and bounds the grade of the evaluation of their duty report (grades.py, the
  registry's grade-limit hook).

A cancelled session counts for nothing: its invitations and check-ins are kept as history only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.models import (
    Half,
    Leave,
    SessionKind,
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.common import (
    _read,
    is_office,
    representative_of,
    settings,
)
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import Township

_SESSION = and_(
    TrainingSession.id == TrainingInvitation.session_id,
    TrainingSession.tenant_id == TrainingInvitation.tenant_id,
)


def day_weight() -> ColumnElement[float]:
    """A check-in's share of a day: a whole day 1, half a day 0.5."""
    return case((TrainingCheckIn.half == Half.FULL, 1.0), else_=0.5)


def weight(half: str) -> float:
    return 1.0 if half == Half.FULL else 0.5


def not_cancelled() -> ColumnElement[bool]:
    """The check-in is of a session not cancelled."""
    return TrainingCheckIn.session_id.in_(
        select(TrainingSession.id).where(TrainingSession.cancelled_at.is_(None))
    )


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """(first day, last day) of the quarter."""
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


@dataclass(frozen=True)
class Quarter:
    quarter: int
    sessions: int
    state: str  # met / short / open (under way, not yet met) / future


@dataclass(frozen=True)
class Standing:
    representative: Representative
    year: int
    quarters: list[Quarter]
    days: float  # half days count 0.5
    days_needed: int
    rotations: int
    rotations_needed: int
    excused: int
    unexcused: int
    consecutive: bool  # two absences in a row this year
    consequence: str | None  # "fail" / "not_excellent" / None

    @property
    def representative_id(self) -> int:
        return self.representative.id

    @property
    def name(self) -> str:
        return self.representative.name

    @property
    def term(self) -> int:
        return self.representative.term

    @property
    def days_met(self) -> bool:
        return self.days >= self.days_needed

    @property
    def rotation_met(self) -> bool:
        return self.rotations >= self.rotations_needed

    @property
    def quarters_short(self) -> int:
        return sum(1 for q in self.quarters if q.state == "short")

    @property
    def absences(self) -> int:
        return self.excused + self.unexcused


def _quarter_state(count: int, need: int, year: int, quarter: int, today: date) -> str:
    first, last = quarter_bounds(year, quarter)
    if count >= need:
        return "met"
    if today > last:
        return "short"
    return "open" if today >= first else "future"


def compute(
    township_id: int,
    year: int,
    today: date,
    *,
    rep_ids: list[int] | None = None,
) -> list[Standing]:
    """The standing of the representatives in office (or the ones named), by pinyin."""
    rules: dict[str, Any] = settings(township_id)
    per_quarter = int(rules["sessions_per_quarter"])
    per_year = int(rules["days_per_year"])
    per_term = int(rules["rotation_per_term"])
    start, end = date(year, 1, 1), date(year + 1, 1, 1)

    query = select(Representative).where(Representative.status == RepStatus.IN_OFFICE)
    if rep_ids is not None:
        query = select(Representative).where(Representative.id.in_(rep_ids))
    reps = list(db.session.scalars(query.order_by(Representative.name_pinyin, Representative.id)))
    ids = [r.id for r in reps]
    if not ids:
        return []

    # The days present this year, and each session's first day present (for its quarter).
    days: dict[int, float] = defaultdict(float)
    first_day: dict[tuple[int, int], date] = {}
    for rep_id, session_id, day, half in db.session.execute(
        select(
            TrainingCheckIn.representative_id,
            TrainingCheckIn.session_id,
            TrainingCheckIn.day,
            TrainingCheckIn.half,
        )
        .where(TrainingCheckIn.representative_id.in_(ids), not_cancelled())
        .order_by(TrainingCheckIn.day)
    ):
        key = (rep_id, session_id)
        first_day.setdefault(key, day)
        if start <= day < end:
            days[rep_id] += weight(half)
    per_rep_quarters: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (rep_id, _session_id), day in first_day.items():
        if start <= day < end:
            per_rep_quarters[rep_id][quarter_of(day) - 1] += 1

    # Invitations: rotations of the present term, and this year's absences in order.
    rotations: dict[int, int] = defaultdict(int)
    absent_in_order: dict[int, list[bool]] = defaultdict(list)
    excused: dict[int, int] = defaultdict(int)
    unexcused: dict[int, int] = defaultdict(int)
    terms = {r.id: r.term for r in reps}
    rows = db.session.execute(
        select(TrainingInvitation, TrainingSession)
        .join(TrainingSession, _SESSION)
        .where(
            TrainingInvitation.representative_id.in_(ids), TrainingSession.cancelled_at.is_(None)
        )
        .order_by(TrainingSession.starts_on, TrainingSession.id)
    ).all()
    for inv, session in rows:
        rep_id = inv.representative_id
        present = (rep_id, session.id) in first_day
        if session.kind == SessionKind.ROTATION and present and inv.term == terms[rep_id]:
            rotations[rep_id] += 1
        if not (start <= session.starts_on < end) or session.ends_on >= today:
            continue  # another year's, or not over yet
        absent_in_order[rep_id].append(not present)
        if not present:
            if inv.leave == Leave.APPROVED and inv.leave_day is None:
                excused[rep_id] += 1  # half a day's leave does not excuse a whole absence
            else:
                unexcused[rep_id] += 1

    out = []
    for rep in reps:
        flags = absent_in_order[rep.id]
        consecutive = any(a and b for a, b in pairwise(flags))
        consequence = None
        if unexcused[rep.id] and rules["unexcused_absence_fails"]:
            consequence = "fail"
        elif consecutive and rules["consecutive_absences_bar_excellent"]:
            consequence = "not_excellent"
        counts = per_rep_quarters[rep.id]
        out.append(
            Standing(
                representative=rep,
                year=year,
                quarters=[
                    Quarter(
                        q, counts[q - 1], _quarter_state(counts[q - 1], per_quarter, year, q, today)
                    )
                    for q in (1, 2, 3, 4)
                ],
                days=days[rep.id],
                days_needed=per_year,
                rotations=rotations[rep.id],
                rotations_needed=per_term,
                excused=excused[rep.id],
                unexcused=unexcused[rep.id],
                consecutive=consecutive,
                consequence=consequence,
            )
        )
    return out


def standings(
    actor: Actor, township: Township, year: int | None = None, *, today: date | None = None
) -> list[Standing]:
    """The office sees every representative in office; a representative sees their own."""
    _read(actor, township)
    day = kit_today(today)
    year = year or day.year
    if is_office(actor, township):
        return compute(township.id, year, day)
    rep = representative_of(actor)
    if rep is None:
        raise PermissionDenied()
    return compute(township.id, year, day, rep_ids=[rep.id])


def held_sessions(start: date, end: date) -> int:
    """Sessions with a day in [start, end) at which someone was checked in."""
    return int(
        db.session.scalar(
            select(func.count(TrainingCheckIn.session_id.distinct())).where(
                TrainingCheckIn.day >= start, TrainingCheckIn.day < end, not_cancelled()
            )
        )
        or 0
    )
