"""The record: one page per representative per year (and per term), the lines of every part
that is on, and the score with exactly how it was reached.

Batch: a township's records of a year ask each part's `DutySet.compute` once for the whole
roster (and, for the constructive-suggestion check, once more over the term, only the parts
that declare a suggestion item), whatever the roster's size. Dates are Asia/Shanghai calendar
dates, `end` exclusive: an item at 23:59 on 31 December counts in that year.

Who reads what: the office (township admin and staff) every record of its township; a
representative their own only; anyone outside the township a 404. The county reads the scores
through the rollups (`metrics.py`), never these functions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from statistics import mean as _mean
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.tenancy import current_tenant_id, tenant_context
from lianxin.duty_records.models import DutyStep
from lianxin.duty_records.stages.formula import MAX_SCORE, Formula, get_formula
from lianxin.errors import PermissionDenied
from lianxin.modules import kit
from lianxin.modules.kit import (
    find_representative,
    is_office,
    representative_of,
)
from lianxin.modules.registry import (
    DutyEntry,
    DutyItem,
    DutySet,
    ModuleSpec,
    current_registry,
    utc_bounds,
)
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township


def year_bounds(year: int) -> tuple[date, date]:
    """[1 January, next 1 January): a year in Shanghai calendar days, end exclusive."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 2)


@dataclass(frozen=True)
class Line:
    """One line of the record: what was counted and what it scored."""

    key: str
    label: str
    unit: str
    kind: str  # done / missed / info
    description: str
    suggestion: bool
    count: float
    details: tuple[str, ...]
    points: float  # per unit (done) or per missed unit (deducted)
    cap: float
    raw: float  # count × points
    applied: float  # min(raw, cap): earned (done) or deducted (missed)

    @property
    def capped(self) -> bool:
        return self.raw > self.cap

    @property
    def shown_count(self) -> float | int:
        return _number(self.count)

    def explain(self) -> str:
        """ "3次 × 5分 = 15分，上限10分，计10分" / "缺岗2次 × 5分，扣10分"."""
        count, points = _number(self.count), _number(self.points)
        raw, applied, cap = _number(self.raw), _number(self.applied), _number(self.cap)
        if self.kind == "info":
            return _("%(c)s%(u)s，仅列示，不计分", c=count, u=self.unit)
        if self.kind == "missed":
            if self.capped:
                return _(
                    "%(c)s%(u)s × %(p)s分 = %(r)s分，扣分上限%(cap)s分，扣%(a)s分",
                    c=count,
                    u=self.unit,
                    p=points,
                    r=raw,
                    cap=cap,
                    a=applied,
                )
            return _("%(c)s%(u)s × %(p)s分，扣%(a)s分", c=count, u=self.unit, p=points, a=applied)
        if self.capped:
            return _(
                "%(c)s%(u)s × %(p)s分 = %(r)s分，上限%(cap)s分，计%(a)s分",
                c=count,
                u=self.unit,
                p=points,
                r=raw,
                cap=cap,
                a=applied,
            )
        return _("%(c)s%(u)s × %(p)s分，计%(a)s分", c=count, u=self.unit, p=points, a=applied)


@dataclass(frozen=True)
class Part:
    key: str
    name: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Score:
    earned: float  # Σ done lines, each capped
    deducted: float  # Σ missed lines, each capped
    total: float  # earned − deducted, clipped to 0..100
    clipped: str = ""  # "low": below 0, shown as 0; "high": above 100, shown as 100

    @property
    def raw(self) -> float:
        return self.earned - self.deducted

    def explain(self) -> str:
        text = _(
            "加分合计%(e)s分 − 扣分合计%(d)s分 = %(r)s分",
            e=_number(self.earned),
            d=_number(self.deducted),
            r=_number(self.raw),
        )
        if self.clipped == "low":
            text += _("，低于0分按0分计")
        elif self.clipped == "high":
            text += _("，超过100分按100分计")
        return text + _("；得分%(t)s分（百分制）", t=_number(self.total))


def score_of(lines: Sequence[Line]) -> Score:
    earned = sum(line.applied for line in lines if line.kind == "done")
    deducted = sum(line.applied for line in lines if line.kind == "missed")
    raw = earned - deducted
    total = min(max(raw, 0.0), MAX_SCORE)
    clipped = "low" if raw < 0 else ("high" if raw > MAX_SCORE else "")
    return Score(round(earned, 2), round(deducted, 2), round(total, 2), clipped)


def line_of(item: DutyItem, entry: DutyEntry | None, formula: Formula) -> Line:
    weight = formula.weight(item)
    count = float(entry.count) if entry is not None else 0.0
    raw = round(max(count, 0.0) * weight.points, 2)
    return Line(
        key=item.key,
        label=str(item.label),
        unit=str(item.unit),
        kind=item.kind,
        description=str(item.description or ""),
        suggestion=item.suggestion,
        count=count,
        details=tuple(entry.details) if entry is not None else (),
        points=weight.points,
        cap=weight.cap,
        raw=raw,
        applied=min(raw, weight.cap),
    )


@dataclass(frozen=True)
class DutyRecord:
    """One representative's record of a year (or of the years of a term)."""

    representative_id: int
    name: str
    term: int
    in_office: bool
    years: tuple[int, ...]
    parts: tuple[Part, ...]
    score: Score
    threshold: float
    flagged: bool  # below the county's inactive threshold
    has_suggestion: bool  # at least one constructive suggestion in the term
    term_years: tuple[int, int]
    year_scores: tuple[tuple[int, float], ...] = ()  # a term's record: each year's score
    steps: tuple[Any, ...] = field(default=())
    # The year the formula that scored it took effect (None: the defaults)
    formula_from: int | None = None

    @property
    def year(self) -> int:
        return self.years[-1]

    @property
    def lines(self) -> list[Line]:
        return [line for part in self.parts for line in part.lines]


@dataclass(frozen=True)
class RepScore:
    """What the awards and the rankings need of one representative's year."""

    representative_id: int
    name: str
    score: float
    flagged: bool


# --- batch computation ---------------------------------------------------------------------------


def _duty_sets(township: Township) -> list[tuple[ModuleSpec, DutySet]]:
    return current_registry().duty_sets(tenants.enabled_module_keys(township.id))


def roster(year: int) -> list[Representative]:
    """The representatives of the year: registered on the platform before it ended, and in
    office or whose office ended in or after it."""
    start, end = year_bounds(year)
    _low, registered_by = utc_bounds(start, end)
    return list(
        db.session.scalars(
            select(Representative)
            .where(
                Representative.created_at < registered_by,
                or_(
                    Representative.status == RepStatus.IN_OFFICE,
                    Representative.ended_on.is_(None),
                    Representative.ended_on >= start,
                ),
            )
            .order_by(Representative.name_pinyin, Representative.id)
        )
    )


Entries = dict[int, dict[str, DutyEntry]]


def _gather(
    sets: Sequence[tuple[ModuleSpec, DutySet]], start: date, end: date, ids: Sequence[int]
) -> Entries:
    """Every part's entries of [start, end) for these representatives: one call a part."""
    out: Entries = {i: {} for i in ids}
    if not ids:
        return out
    for _spec, duty in sets:
        found: Mapping[int, Mapping[str, DutyEntry]] = duty.compute(start, end, list(ids))
        keys = {item.key for item in duty.items}
        for rep_id, entries in found.items():
            if rep_id in out:
                out[rep_id].update((k, v) for k, v in entries.items() if k in keys)
    return out


def _parts(
    sets: Sequence[tuple[ModuleSpec, DutySet]], entries: Mapping[str, DutyEntry], formula: Formula
) -> tuple[Part, ...]:
    return tuple(
        Part(
            spec.key,
            str(spec.name),
            tuple(line_of(i, entries.get(i.key), formula) for i in duty.items),
        )
        for spec, duty in sets
    )


def _suggestions(
    sets: Sequence[tuple[ModuleSpec, DutySet]],
    formula: Formula,
    year: int,
    ids: Sequence[int],
    year_entries: Entries | None = None,
) -> set[int]:
    """Who has at least one constructive suggestion in the term holding `year` (up to the end
    of that year): one call a part that declares a suggestion item (none when the term
    begins with this year and its entries are at hand)."""
    first, _last = formula.term_of(year)
    with_items = [(s, d) for s, d in sets if any(i.suggestion for i in d.items)]
    if first == year and year_entries is not None:
        found = year_entries
    else:
        found = _gather(with_items, date(first, 1, 1), date(year + 1, 1, 1), ids)
    keys = {i.key for _s, d in with_items for i in d.items if i.suggestion}
    return {
        rep
        for rep, entries in found.items()
        if any(entries[k].count > 0 for k in keys & set(entries))
    }


def _record(
    rep: Representative,
    years: tuple[int, ...],
    parts: tuple[Part, ...],
    formula: Formula,
    has_suggestion: bool,
    year_scores: tuple[tuple[int, float], ...] = (),
) -> DutyRecord:
    score = score_of([line for part in parts for line in part.lines])
    if year_scores:  # a term: the mean of its years' scores (each year capped on its own)
        total = round(_mean(s for _y, s in year_scores), 2)
        score = Score(score.earned, score.deducted, total, "")
    return DutyRecord(
        representative_id=rep.id,
        name=rep.name,
        term=rep.term,
        in_office=rep.in_office,
        years=years,
        parts=parts,
        score=score,
        threshold=formula.inactive_below,
        flagged=formula.is_inactive(score.total),
        has_suggestion=has_suggestion,
        term_years=formula.term_of(years[-1]),
        year_scores=year_scores,
        formula_from=formula.from_year,
    )


def compute_records(
    township: Township, year: int, reps: Sequence[Representative] | None = None
) -> list[DutyRecord]:
    """The records of `year` for the roster (or `reps`), computed in one batch. No access
    check: for the township's own context (the pages' reads, the county refresh, the awards)."""
    reps = list(roster(year) if reps is None else reps)
    formula = get_formula(township.county_id, year)
    sets = _duty_sets(township)
    ids = [r.id for r in reps]
    start, end = year_bounds(year)
    entries = _gather(sets, start, end, ids)
    suggested = _suggestions(sets, formula, year, ids, entries)
    return [
        _record(rep, (year,), _parts(sets, entries[rep.id], formula), formula, rep.id in suggested)
        for rep in reps
    ]


@contextmanager
def _in_township(township: Township) -> Iterator[None]:
    if current_tenant_id() == township.id:
        yield
        return
    with tenant_context(township.id):
        yield


def township_scores(township: Township, year: int) -> list[RepScore]:
    """(representative id, name, score, flagged) of every representative of the year, best
    first: for the awards (评先) and whoever ranks the township's representatives. The caller
    checks who may see it; runs in the township's context (entered if it is not the current)."""
    with _in_township(township):
        records = compute_records(township, year)
    out = [RepScore(r.representative_id, r.name, r.score.total, r.flagged) for r in records]
    out.sort(key=lambda s: (-s.score, s.name))
    return out


# --- the escalation steps, as the records show them (written by stages.steps) ----------------


def steps_of(township: Township, rep_id: int, year: int) -> list[DutyStep]:
    return list(
        db.session.scalars(
            select(DutyStep)
            .where(DutyStep.representative_id == rep_id, DutyStep.year == year)
            .order_by(DutyStep.taken_on, DutyStep.id)
        )
    )


def steps_by_representative(year: int) -> dict[int, list[DutyStep]]:
    """Every step of the year in the request's township, by representative (one query)."""
    out: dict[int, list[DutyStep]] = defaultdict(list)
    for step in db.session.scalars(
        select(DutyStep).where(DutyStep.year == year).order_by(DutyStep.taken_on, DutyStep.id)
    ):
        out[step.representative_id].append(step)
    return dict(out)


# --- reads with access ---------------------------------------------------------------------------


def can_read_record(actor: Actor, township: Township, rep: Representative) -> bool:
    if is_office(actor, township):
        return True
    own = representative_of(actor)
    return own is not None and own.id == rep.id


def _readable(actor: Actor, township: Township, rep_id: int) -> Representative:
    permissions.require_member(actor, township)
    rep = find_representative(township, rep_id)
    if not can_read_record(actor, township, rep):
        raise PermissionDenied(_("只能查看本人的履职档案。"))
    return rep


def this_year() -> int:
    return kit.today().year


def get_record(
    actor: Actor, township: Township, rep_id: int, year: int | None = None
) -> DutyRecord:
    """One representative's record of a year: the office's, or the representative's own."""
    rep = _readable(actor, township, rep_id)
    record = compute_records(township, year or this_year(), [rep])[0]
    return _with_steps(record, steps_of(township, rep.id, record.year))


def _with_steps(record: DutyRecord, steps: Sequence[Any]) -> DutyRecord:
    from dataclasses import replace

    return replace(record, steps=tuple(steps))


def my_representative(actor: Actor, township: Township) -> Representative | None:
    permissions.require_member(actor, township)
    return representative_of(actor)


def get_term_record(
    actor: Actor, township: Township, rep_id: int, year: int | None = None
) -> DutyRecord:
    """A representative's record over the term that holds `year`: the lines of its years (up
    to this year) gathered over the whole span, each detail dated with its year and one
    "……另 n 条" at the end; the score the mean of the years' scores, each year scored by the
    formula in force then; the lines weighed and the flag by the formula of the last year."""
    rep = _readable(actor, township, rep_id)
    year = year or this_year()
    first, last = get_formula(township.county_id, year).term_of(year)
    years = tuple(range(first, min(last, max(year, this_year())) + 1))
    formula = get_formula(township.county_id, years[-1])
    sets = _duty_sets(township)
    per_year = [(y, _gather(sets, *year_bounds(y), [rep.id])[rep.id]) for y in years]
    scores = tuple(
        (
            y,
            score_of(
                [ln for p in _parts(sets, e, get_formula(township.county_id, y)) for ln in p.lines]
            ).total,
        )
        for y, e in per_year
    )
    if len(years) > 1:  # one call a part over the span: its details carry the year
        summed = _gather(sets, date(first, 1, 1), date(years[-1] + 1, 1, 1), [rep.id])[rep.id]
    else:
        summed = {k: _dated(e, years[0]) for k, e in per_year[0][1].items()}
    parts = _parts(sets, summed, formula)
    suggested = rep.id in _suggestions(sets, formula, years[-1], [rep.id])
    return _record(rep, years, parts, formula, suggested, scores)


_DAY = re.compile(r"^\d{1,2}月\d{1,2}日")


def _dated(entry: DutyEntry, year: int) -> DutyEntry:
    """A year's entry with its year before each day ("3月9日 …" → "2026年3月9日 …")."""
    prefix = _("%(y)d年", y=year)
    return DutyEntry(
        entry.count,
        tuple(prefix + d if _DAY.match(d) else d for d in entry.details),
    )


@dataclass(frozen=True)
class Listing:
    year: int
    records: list[DutyRecord]
    formula: Formula
    steps: dict[int, list[Any]]


SORTS = ("score", "name", "flagged")


def list_records(
    actor: Actor,
    township: Township,
    year: int | None = None,
    *,
    sort: str = "score",
    descending: bool = True,
    flagged_only: bool = False,
) -> Listing:
    """Every record of the township's year, with scores (the office's)."""
    permissions.require_office(actor, township)
    year = year or this_year()
    records = compute_records(township, year)
    if flagged_only:
        records = [r for r in records if r.flagged]
    if sort == "name":
        records.sort(key=lambda r: r.name, reverse=descending)
    elif sort == "flagged":
        records.sort(key=lambda r: (r.flagged, -r.score.total), reverse=descending)
    else:
        records.sort(key=lambda r: (r.score.total, r.name), reverse=descending)
    return Listing(
        year, records, get_formula(township.county_id, year), steps_by_representative(year)
    )
