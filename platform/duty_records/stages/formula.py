"""The county's scoring formula (百分制): read by every township's record, set by the county.

Each item a part declares (`DutyItem`) is weighed by its key:

- work done (`kind="done"`): count × points per unit, up to the item's cap;
- a duty missed (`kind="missed"`): count × points per missed unit, deducted up to the cap.

The score is the sum of what was earned less what was deducted, clipped to 0..100. Below the
inactive threshold a representative is flagged for the office. A township is ranked by the
county only when at least `min_sample` representatives were scored. A term (届) is the five
years from the county's 换届 year (`term_first_year`) onward: 2021–2025, 2026–2030 …

The formula has a version per year: a county's change applies from the current Shanghai year
on (the version `from_year` = this year), and a past year is scored by the version in force
then, so a verdict the office acted on (an escalation step) never changes under it. A county
that set nothing scores every year with the defaults.

Defaults when the county has set nothing (documented on the formula page too):

| what | default |
| --- | --- |
| work done | `DEFAULT_WEIGHTS` below: the caps of the work done add up to 100 |
| a duty missed | 5 points a unit deducted, at most 15 points an item |
| an item the table does not name | 0 points (shown, not scored until the county weighs it) |
| inactive threshold | below 60 points |
| minimum sample | 5 scored representatives |
| term | five years from 2021 (2021–2025, 2026–2030) |

Where two items count the same work, one of them is weighed and the other listed at 0 points:
a case closed is the case received (the representative's work is taking it up), a commitment
made earns when it is kept (not kept: deducted), the days of a training are its sessions. 优秀
earns more than 称职. The adoption mark (采纳, the awards' line) earns like a case raised.

Only a county admin changes it (audited with before and after); a township has no setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.duty_records.inputs import FormulaInput
from lianxin.duty_records.models import DutyFormula
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.registry import DutyItem, Registry, current_registry
from lianxin.tenants.models import County
from lianxin.usecases import use_case

DEFAULT_MISSED_POINTS = 5.0
DEFAULT_MISSED_CAP = 15.0
DEFAULT_UNKNOWN_POINTS = 0.0  # an item the defaults do not name: shown, not scored
DEFAULT_UNKNOWN_CAP = 0.0
DEFAULT_INACTIVE_BELOW = 60.0
DEFAULT_MIN_SAMPLE = 5
DEFAULT_TERM_FIRST_YEAR = 2021
TERM_YEARS = 5
MAX_SCORE = 100.0
# The first year a version may hold: the version a migration carried over holds from it.
FIRST_YEAR = 2000

# The default weights of the work done (points a unit, cap): the caps add up to 100. A pair
# counting the same work weighs one of its two items (the other 0, listed only).
DEFAULT_WEIGHTS: dict[str, tuple[float, float]] = {
    "casework.cases_received": (2, 6),
    "casework.cases_closed": (0, 0),  # the case received, once more
    "casework.cases_raised": (2, 6),
    "workstations.shifts_kept": (1, 6),
    "workstations.meetings": (1, 4),
    "reception_days.duties_kept": (1, 5),
    "proposals.led": (4, 8),
    "proposals.accepted": (2, 4),
    "proposals.cosigned": (1, 3),
    "annual_sessions.attended": (6, 6),
    "annual_sessions.items_proposed": (2, 4),
    "evaluations.excellent": (8, 8),
    "evaluations.competent": (5, 5),
    "liaison.contacts": (1, 4),
    "liaison.reports": (1, 4),
    "consultations.answered": (1, 2),
    "consultations.opinions": (1, 2),
    "sittings.attended": (1, 3),
    "sittings.suggestions": (1, 2),
    "inspections.took_part": (1, 3),
    "trainings.sessions_attended": (1, 4),
    "trainings.days_attended": (0, 0),  # the sessions, counted in days
    "group_activities.attended": (1, 4),
    "commitments.made": (0, 0),  # earns when kept
    "commitments.kept": (1, 3),
    "awards.adopted": (2, 4),  # 采纳: an item the office marked adopted
}


def default_weight(item: DutyItem) -> tuple[float, float]:
    """(points, cap) of an item the county has not weighed: the table above; a missed duty
    not in it 5 a unit up to 15; the awards' adoption line (采纳) by its kind; anything else
    0 (shown on the record, not scored until the county weighs it)."""
    if item.kind == "info":
        return 0.0, 0.0
    found = DEFAULT_WEIGHTS.get(item.key)
    if found is None and item.key.startswith("awards.") and "adopt" in item.key:
        found = DEFAULT_WEIGHTS["awards.adopted"]
    if found is not None:
        return float(found[0]), float(found[1])
    if item.kind == "missed":
        return DEFAULT_MISSED_POINTS, DEFAULT_MISSED_CAP
    return DEFAULT_UNKNOWN_POINTS, DEFAULT_UNKNOWN_CAP


@dataclass(frozen=True)
class Weight:
    points: float  # per unit (done) or per missed unit (deducted)
    cap: float  # the most points an item earns, or the most it deducts
    default: bool = True  # the county has not set it


@dataclass(frozen=True)
class Formula:
    """The effective formula of a county in a year: the version in force then, over the
    defaults."""

    county_id: int
    weights: dict[str, Weight] = field(default_factory=dict)
    inactive_below: float = DEFAULT_INACTIVE_BELOW
    min_sample: int = DEFAULT_MIN_SAMPLE
    term_first_year: int = DEFAULT_TERM_FIRST_YEAR
    is_default: bool = True
    year: int = 0  # the year scored by it
    from_year: int | None = None  # the year its version took effect (None: the defaults)

    def weight(self, item: DutyItem) -> Weight:
        if item.kind == "info":  # shown on the record, never scored
            return Weight(0.0, 0.0)
        found = self.weights.get(item.key)
        if found is not None:
            return found
        return Weight(*default_weight(item))

    def term_of(self, year: int) -> tuple[int, int]:
        """(first year, last year) of the term that holds `year`."""
        first = self.term_first_year + ((year - self.term_first_year) // TERM_YEARS) * TERM_YEARS
        return first, first + TERM_YEARS - 1

    def is_inactive(self, score: float) -> bool:
        return score < self.inactive_below

    def caps_total(self, registry: Registry | None = None) -> float:
        """The caps of the work done added up (100 with the defaults): the most a score
        could reach before the clip."""
        return round(
            sum(self.weight(i).cap for _n, i in all_items(registry) if i.kind == "done"), 2
        )


def all_items(registry: Registry | None = None) -> list[tuple[Any, DutyItem]]:
    """(part name, item) of every line the formula weighs, in registry order (a line shown only,
    `kind="info"`, is never weighed)."""
    registry = registry or current_registry()
    return [
        (spec.name, item)
        for spec, duty in registry.duty_sets()
        for item in duty.items
        if item.kind != "info"
    ]


def _version(county_id: int, year: int) -> DutyFormula | None:
    """The county's version in force in `year`: the latest that took effect by then."""
    return db.session.scalar(
        select(DutyFormula)
        .where(DutyFormula.county_id == county_id, DutyFormula.from_year <= year)
        .order_by(DutyFormula.from_year.desc())
        .limit(1)
    )


def get_formula(county_id: int, year: int | None = None) -> Formula:
    """The county's formula in force in `year` (this Shanghai year by default), defaults for
    what it has not set (a plain read: townships call it in their own context; the table is
    the county's, not tenant-owned)."""
    year = year or kit.today().year
    row = _version(county_id, year)
    if row is None:
        return Formula(county_id, year=year)
    weights = {
        key: Weight(float(v["points"]), float(v["cap"]), default=False)
        for key, v in (row.items or {}).items()
        if isinstance(v, dict) and "points" in v and "cap" in v
    }
    return Formula(
        county_id,
        weights,
        float(row.inactive_below),
        int(row.min_sample),
        int(row.term_first_year),
        is_default=False,
        year=year,
        from_year=int(row.from_year),
    )


def read_formula(actor: Actor, county: County, year: int | None = None) -> Formula:
    """The county's formula in force in `year`, for its own roles."""
    if not permissions.can_view_county(actor, county.id):
        raise PermissionDenied()
    return get_formula(county.id, year)


def can_edit_formula(actor: Actor, county: County) -> bool:
    return permissions.can_administer_county(actor, county.id)


def _snapshot(row: DutyFormula | None) -> dict[str, Any]:
    if row is None:
        return {
            "from_year": None,
            "items": {},
            "inactive_below": DEFAULT_INACTIVE_BELOW,
            "min_sample": DEFAULT_MIN_SAMPLE,
            "term_first_year": DEFAULT_TERM_FIRST_YEAR,
        }
    return {
        "from_year": row.from_year,
        "items": dict(row.items or {}),
        "inactive_below": row.inactive_below,
        "min_sample": row.min_sample,
        "term_first_year": row.term_first_year,
    }


@use_case
def set_formula(actor: Actor, county: County, data: FormulaInput) -> Formula:
    """The county admin sets the formula from this Shanghai year on (past years keep the
    version in force then); items not named keep their weights (or defaults). Refused (403)
    to anyone else, a township's roles included."""
    if not can_edit_formula(actor, county):
        raise PermissionDenied(_("只有县级管理员可以修改履职积分办法。"))
    known = {item.key for _name, item in all_items()}
    unknown = sorted(set(data.items) - known)
    if unknown:
        raise ValidationFailed(errors={"items": [_("未知的履职项目：%(k)s", k="、".join(unknown))]})
    year = kit.today().year
    current = _version(county.id, year)
    before = _snapshot(current)
    if current is not None and current.from_year == year:
        row = current
    else:  # a new version from this year on, starting from the one in force
        base = before
        row = DutyFormula(
            county_id=county.id,
            from_year=year,
            items=dict(base["items"]),
            inactive_below=base["inactive_below"],
            min_sample=base["min_sample"],
            term_first_year=base["term_first_year"],
        )
        db.session.add(row)
    items = dict(row.items or {})
    for key, weight in data.items.items():
        items[key] = {"points": float(weight.points), "cap": float(weight.cap)}
    row.items = items
    if data.inactive_below is not None:
        row.inactive_below = float(data.inactive_below)
    if data.min_sample is not None:
        row.min_sample = int(data.min_sample)
    if data.term_first_year is not None:
        row.term_first_year = int(data.term_first_year)
    row.updated_by_id = actor.user_id
    after = _snapshot(row)
    if {k: v for k, v in after.items() if k != "from_year"} == {
        k: v for k, v in before.items() if k != "from_year"
    }:
        if row is not current:  # nothing changed: no new version
            db.session.expunge(row)
        return get_formula(county.id, year)
    db.session.flush()
    audit.record(
        "duty_records.formula_changed",
        actor=actor,
        county_id=county.id,
        target_type="duty_formula",
        target_id=county.id,
        before=before,
        after=after,
    )
    return get_formula(county.id, year)
