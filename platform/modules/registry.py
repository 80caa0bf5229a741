"""The module registry: each feature module declares itself once (ARCHITECTURE.md §5).

A module is one folder, `platform/modules/<key>/`, whose `module.py` defines `MODULE`, a
`ModuleSpec`. The registry is an explicit tuple of first-party modules (FIRST_PARTY below), not a
folder scan. The registry knows each module's settings schema and defaults; which modules a
township has switched on lives in `township_modules` and is read through tenants.service.

The metrics hook (the county's comparison, ARCHITECTURE.md §4). A module that the county
compares sets `ModuleSpec.metrics` to a `MetricSet`:

    MetricSet(
        metrics=(Metric("cases_received", _l("收到诉求"), kind="count"), ...),
        compute=figures,            # figures(start: date, end: date) -> Mapping[str, Figure]
        entities=entity_figures,    # optional: (start, end) -> Iterable[EntityFigure]
    )

- `compute(start, end)` is called by the county rollup refresh inside the township's tenant
  context (read-only, `lianxin.db.tenancy.tenant_context(tenant_id, read_only=True)`), once per
  period, with Shanghai calendar dates and `end` exclusive: figures of [start, end). It returns
  a `Figure(value, n)` (or a plain number) for each declared metric key. `n` is the count a rate
  or a median is drawn from (its denominator), which decides whether the entry may be ranked;
  `value=None` means "no data in this period" and is shown as such, never as zero. A rate is a
  fraction in [0, 1]. It must not write, commit or depend on the request.
- Metric keys are global: the registry prefixes none, so name them after the module
  (`liaison_links_kept`). `kind` is "count", "rate" (0–1), "days" or "number";
  `lower_is_better` orders rankings (e.g. median days to answer).
- `entities(start, end)` (optional) yields figures of stations, handling units or
  representatives (`EntityFigure.kind` "station" / "unit" / "representative") for the county's
  rankings.
- The simple form is also accepted: `metrics={"key": fn}` with `fn(start, end) -> Figure |
  int | float | None`; the key is then its own label.

A switched-off module is never asked: its figures show as 未开通.

The to-do hook (a person's home page, issue 21). A part with daily work sets `ModuleSpec.todo`
to the import path of its `todo.py` (`todo="lianxin.casework.todo"`), whose

    items(actor: Actor, township: Township) -> list[TodoItem]

says what waits for this person in this township: `TodoItem(key, label, count, url, latest,
urgent, due_on, due_label, note)`, one line per kind of work ("3 件诉求待接待"), each one tap to the
filtered list or, when there is one, to the item itself. It is called inside the request of
the township's home, in its tenant context; it reads through the part's service, one query a
count (no N+1), returns only what the actor's role may see and nothing it has no work for (no
zero lines), and never writes. A switched-off module is not asked; a core part always is.

The case-places hook (issue 21). A module with places where people raise cases in person (the
workstations) sets `ModuleSpec.case_places` to a `CasePlaces`: the channels of a case received
at one of them, and how to list and find them. Casework's own form (代为登记) then asks for the
place when the channel is one of those, and sources the case to it (`source_type`, `source_id`)
so that it counts in the place's figures, without casework importing the module. A
switched-off module's places are not offered.

The duty-record hook (履职档案, issue 24). A part whose work a representative does or misses
sets `ModuleSpec.duty` to a `DutySet`:

    DutySet(
        items=(DutyItem("reception_days.duties_kept", _l("接待日值班"), unit=_l("次")),
               DutyItem("reception_days.duties_missed", _l("接待日缺岗"), kind="missed"), ...),
        compute=duty_lines,   # duty_lines(start, end, representative_ids) -> {id: {key: DutyEntry}}
    )

- `items` declares every line the part may contribute (the county weighs each key; keys are
  global, the part's key first). `kind="done"` is work done, scored by the county's weight up to
  its cap; `kind="missed"` is a duty missed, a deduction; `kind="info"` is shown on the record
  and never scored (approved leave: neither work done nor a duty missed).
- `compute(start, end, representative_ids)` is called inside the township's tenant context
  (read-only), Shanghai dates, `end` exclusive, for a batch of the township's representatives
  (the whole roster at once): a fixed number of queries whatever the batch size (group by
  representative), no writes, no request. It returns, per representative id, a `DutyEntry`
  (count, and the few lines it is made of: "3月9日 接待日（城关站）") for each item with
  something to say; a missing key is zero. The lines are read by the representative, the office
  and the county: they never carry what traces a rater's answer, nor the public's personal data
  (a case is "诉求 #12（已办结）", not its submitter).
So a new module adds its lines to the record by declaring them; the record does not change.

The grade-limit hook (what a part's rules mean for the year's grade, issue 24). A part whose
rules bound the grade a representative may get in the evaluation of their duty report (述职评议)
sets `ModuleSpec.grade_limits` to

    grade_limits(year: int, representative_ids: Sequence[int]) -> {id: GradeLimit}

- `GradeLimit(highest, lowest_forced, reasons)`: `highest` is the best grade the
  representative may still get (`GRADES`, best first: "excellent" 优秀, "competent" 称职,
  "incompetent" 不称职/不合格), None for no bound; `lowest_forced` is the grade the rule sets
  outright (001 果园 "无故不参加学习的…定为不合格等次"), None if none: a grade better than either
  is refused. `reasons` are plain Chinese lines naming the rule and what triggered it
  ("连续两次未参加学习培训（2026年）"), shown beside the grade and in the refusal.
- It is called inside the township's tenant context (read-only), for the calendar year of the
  year the campaign grades (`campaign_year`: the year it opens in, the year before when it
  opens in January or February), once for a batch of representatives: a fixed
  number of queries whatever the batch size, no writes, no request. It honours the part's own
  settings (a rule switched off in a township bounds nothing there); a representative with
  no bound is simply missing.
- The evaluations ask every switched-on part (`Registry.grade_limit_sources(enabled)`) and
  never import them; `tightest(limits)` folds several parts' limits into one.

The report-commitment hook (述诺、评诺, issue 24). A part that keeps representatives' public
commitments sets `ModuleSpec.report_commitments` to

    report_commitments(year: int, representative_ids: Sequence[int]) -> {id: [ReportCommitment]}

- `ReportCommitment(content, due_on, state, state_label)`:
  one commitment of the year as the public board shows it (approved or closed ones only, never
  one waiting for approval or returned), its board status (`state`: on_track / overdue / kept /
  not_kept, `state_label` 进行中 / 已逾期 / 已兑现 / 未兑现). Plain text, nothing about the
  representative beyond the commitment itself, and no progress notes (guest raters read it).
- It is called inside the township's tenant context for the evaluation's year (the campaign's
  `campaign_year`), once for a batch of representatives: a fixed number of queries, no writes.
  A representative with none is missing.
- The evaluations of duty reports show them beside the report to raters, in the API and on the
  results, asking every switched-on part (`Registry.report_commitment_sources(enabled)`) and
  never importing them.

The card-line hook (the contact card, 连心卡, issue 25). A part that knows where a
representative can be met (the workstations: the station they serve at) sets
`ModuleSpec.card_lines` to

    card_lines(tenant_id: int, representative_ids: Sequence[int]) -> {id: [CardLine, ...]}

- `CardLine(slot, label, value, detail)`: `slot` names the card's place for it ("workstation"
  fills the 工作站 line); `value` the one-line text ("城关镇党代表工作站"), `detail` a smaller
  line (address, opening hours). Only what a public card may carry: no personal data.
- It is called in the township's tenant context for a batch of cards (a township's whole
  roster at once): a fixed number of queries whatever the batch size, no writes. A
  representative with nothing to say is missing. The people's card asks every switched-on part
  (`Registry.card_line_sources(enabled)`) and never imports them.

The object-page hook (the audit log's links, issue 25). A part whose objects are written to the
audit log declares where one of them can be opened in its township:
`ModuleSpec.object_pages = {"proposal": ObjectPage("proposals.detail", "proposal_id"), …}`, keyed
by the audit entry's `target_type`. The endpoint takes the township's slug and that one id. The
township's log (`lianxin.audit.links`) links an entry's object to it when the part is on there
(`Registry.object_pages(enabled)`), and never imports the part.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from marshmallow import RAISE, Schema, ValidationError

from lianxin.auth.roles import TOWNSHIP_ROLES, Role
from lianxin.errors import ValidationFailed
from lianxin.usecases.chinese import ChineseMessages

# Import paths of the first-party modules' `module.py`, in menu order. Each module issue adds
# its line here.
FIRST_PARTY: tuple[str, ...] = (
    "lianxin.modules.workstations.module",
    "lianxin.modules.reception_days.module",
    "lianxin.modules.proposals.module",
    "lianxin.modules.annual_sessions.module",
    "lianxin.modules.evaluations.module",
    "lianxin.modules.liaison.module",
    "lianxin.modules.consultations.module",
    "lianxin.modules.sittings.module",
    "lianxin.modules.briefings.module",
    "lianxin.modules.inspections.module",
    "lianxin.modules.by_elections.module",
    "lianxin.modules.trainings.module",
    "lianxin.modules.group_activities.module",
    "lianxin.modules.commitments.module",
)


class EmptySettings(ChineseMessages):
    class Meta:
        unknown = RAISE


# Settings that passed validation, by (module, content): see ModuleSpec.validate_settings.
_VALID_SETTINGS: dict[tuple[str, int, str], dict[str, Any]] = {}


@dataclass(frozen=True)
class NavItem:
    """A menu entry. It is shown to a member of the township whose roles there meet `roles`
    (the entry's audience; None: every member) and, where the page refuses some of them,
    for whom `allowed(actor, township)` is true: the service's own check (a `can_*` of
    `lianxin.auth.permissions` or of the part's service), never a copy of it."""

    endpoint: str
    label: str
    roles: frozenset[Role] | None = None  # None: everyone with a membership in the township
    allowed: Callable[[Any, Any], bool] | None = None  # (actor, township) -> may open it

    def shown_to(self, actor: Any, township: Any) -> bool:
        if self.roles is not None and not self.roles & actor.roles_in_township(township.id):
            return False
        return self.allowed is None or bool(self.allowed(actor, township))


# Every township role but a handling unit: a unit answers the cases and proposals assigned to
# it, and has no part in the representatives' own work (stations, reception days, sessions,
# evaluations, the liaison chain) nor in the roster.
ALL_BUT_UNITS = frozenset(TOWNSHIP_ROLES) - {Role.HANDLING_UNIT}


@dataclass(frozen=True)
class Figure:
    """One figure of one township in one period; `n` is what a rate or median is drawn from."""

    value: float | None
    n: int | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # a lazy gettext string
    kind: str = "count"  # count / rate (0-1) / days / number
    lower_is_better: bool = False
    description: Any = ""  # how it is computed, shown beside the figure


@dataclass(frozen=True)
class EntityFigure:
    """A figure of one station, handling unit or representative, for the county's rankings."""

    kind: str  # station / unit / representative
    entity_id: int
    name: str
    metric: str
    value: float | None
    n: int | None = None


FiguresFn = Callable[[date, date], Mapping[str, "Figure | int | float | None"]]
EntitiesFn = Callable[[date, date], Iterable[EntityFigure]]


@dataclass(frozen=True)
class MetricSet:
    metrics: tuple[Metric, ...]
    compute: FiguresFn
    entities: EntitiesFn | None = None


@dataclass(frozen=True)
class TodoItem:
    """One line of a person's to-do home: how many of one kind of work wait, and where.

    `url` leads to the filtered list, or to the item when `count` is 1; `latest` is when the
    newest of them arrived (the home lists newest first); `urgent` (overdue, or due within the
    part's warning days) puts it at the top; `due_on` is the earliest due date among them, shown
    after `due_label` (最早期限 when empty), and `note` is one line more ("下次：3月9日 …")."""

    key: str  # global: the part's key first ("casework.to_receive")
    label: Any  # a gettext string: "待接待的诉求"
    count: int
    url: str
    latest: datetime | None = None  # aware UTC
    urgent: bool = False
    due_on: date | None = None
    due_label: Any = ""  # what `due_on` is: 截止, 会议日期 … (最早期限 when empty)
    note: Any = ""

    def __post_init__(self) -> None:
        # Plain text, never markup: a lazy gettext string counts as safe HTML to Jinja, so a
        # station's or a session's name formatted into it would be rendered unescaped.
        for name in ("label", "due_label", "note"):
            object.__setattr__(self, name, str(getattr(self, name) or ""))


TodoFn = Callable[[Any, Any], list[TodoItem]]  # items(actor, township)


@dataclass(frozen=True)
class CasePlace:
    """A place where people raise cases in person, as casework's form offers it."""

    source_type: str  # a case received there is sourced to (source_type, id)
    id: int
    name: str


@dataclass(frozen=True)
class CasePlaces:
    """A module's places where cases are received in person (see the module docstring)."""

    channels: frozenset[str]  # a case of one of these channels names its place
    listed: Callable[[Any], list[CasePlace]]  # listed(township): the open places, by name
    find: Callable[[Any, int], CasePlace | None]  # find(township, id): one, or None if unknown


@dataclass(frozen=True)
class DutyItem:
    """One line a part may add to a representative's duty record (see the module docstring)."""

    key: str  # global: the part's key first ("reception_days.duties_kept")
    label: Any  # a lazy gettext string: 接待日值班
    unit: Any = "次"  # what the count counts: 次, 天, 件, 条
    # done: work done (weighted, capped) / missed: a duty missed (deducted) / info: shown only
    kind: str = "done"
    description: Any = ""  # how it is counted, shown beside the line
    # A constructive suggestion (a case raised, a proposal, a sitting-in suggestion …): the
    # record checks at least one per term among the items that say so.
    suggestion: bool = False


@dataclass(frozen=True)
class DutyEntry:
    """One representative's figure of one item in the period, and what it is made of."""

    count: float
    details: tuple[str, ...] = ()  # a few plain lines: "3月9日 接待日（城关站）"


DutyFn = Callable[[date, date, Sequence[int]], Mapping[int, Mapping[str, DutyEntry]]]

# The grades of an evaluation, best first (the evaluations' keys): see the grade-limit hook.
GRADES: tuple[str, ...] = ("excellent", "competent", "incompetent")


@dataclass(frozen=True)
class GradeLimit:
    """The bound a part's rules set on one representative's grade (see the module docstring)."""

    highest: str | None = None  # the best grade still allowed (a key of GRADES)
    lowest_forced: str | None = None  # the grade the rule sets outright
    reasons: tuple[str, ...] = ()  # plain lines: the rule and what triggered it

    @property
    def cap(self) -> str | None:
        """The best grade allowed, both bounds taken together (None: no bound)."""
        bounds = [g for g in (self.highest, self.lowest_forced) if g in GRADES]
        return max(bounds, key=GRADES.index) if bounds else None

    def allows(self, grade: str) -> bool:
        cap = self.cap
        return cap is None or grade not in GRADES or GRADES.index(grade) >= GRADES.index(cap)

    def bounded(self, grade: str | None) -> str | None:
        """`grade`, lowered to the cap if it is better."""
        return grade if grade is None or self.allows(grade) else self.cap


def tightest(limits: Iterable[GradeLimit]) -> GradeLimit | None:
    """Several parts' limits of one representative as one (the lowest bounds, every reason)."""
    limits = [lim for lim in limits if lim.cap is not None]
    if not limits:
        return None

    def lowest(values: list[str | None]) -> str | None:
        known = [v for v in values if v in GRADES]
        return max(known, key=GRADES.index) if known else None

    return GradeLimit(
        highest=lowest([lim.highest for lim in limits]),
        lowest_forced=lowest([lim.lowest_forced for lim in limits]),
        reasons=tuple(r for lim in limits for r in lim.reasons),
    )


GradeLimitFn = Callable[[int, Sequence[int]], Mapping[int, GradeLimit]]


@dataclass(frozen=True)
class ReportCommitment:
    """One public commitment beside a duty report (see the module docstring)."""

    content: str
    due_on: date
    state: str  # the board's: on_track / overdue / kept / not_kept
    state_label: str  # 进行中 / 已逾期 / 已兑现 / 未兑现


ReportCommitmentsFn = Callable[[int, Sequence[int]], Mapping[int, Sequence[ReportCommitment]]]


@dataclass(frozen=True)
class CardLine:
    """One line a part adds to a representative's contact card (see the module docstring)."""

    slot: str  # the card's place for it: "workstation" fills the 工作站 line
    label: str  # plain text: 工作站
    value: str  # plain text: the station's name
    detail: str = ""  # a smaller line: address, opening hours


CardLinesFn = Callable[[int, Sequence[int]], Mapping[int, Sequence[CardLine]]]


@dataclass(frozen=True)
class ObjectPage:
    """Where one kind of audited object opens in its township (see the module docstring)."""

    endpoint: str  # takes the township's slug and `arg`
    arg: str  # the URL's parameter that takes the object's id


@dataclass(frozen=True)
class DutySet:
    items: tuple[DutyItem, ...]
    compute: DutyFn


def as_figure(value: Any) -> Figure:
    if isinstance(value, Figure):
        return value
    if value is None:
        return Figure(None)
    return Figure(float(value))


SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end) in Shanghai calendar days, as UTC instants to compare stored timestamps."""
    return (
        datetime.combine(start, time(), SHANGHAI).astimezone(UTC),
        datetime.combine(end, time(), SHANGHAI).astimezone(UTC),
    )


def rate(numerator: int, denominator: int) -> Figure:
    """A share in [0, 1]; no denominator is "no data", never 0 %."""
    return Figure(numerator / denominator if denominator else None, denominator)


def median(values: list[float]) -> Figure:
    if not values:
        return Figure(None, 0)
    ordered = sorted(values)
    mid = len(ordered) // 2
    value = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return Figure(float(value), len(ordered))


def _metric_set(spec_key: str, metrics: Any) -> MetricSet | None:
    """The module's MetricSet, the simple form `{key: fn(start, end)}` adapted to one."""
    if metrics is None:
        return None
    if isinstance(metrics, MetricSet):
        return metrics
    if isinstance(metrics, Mapping) and metrics:
        functions = dict(metrics)

        def compute(start: date, end: date) -> dict[str, Any]:
            return {key: fn(start, end) for key, fn in functions.items()}

        return MetricSet(tuple(Metric(key, key, kind="number") for key in functions), compute)
    return None


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    name: Any  # a lazy gettext string: the module's Chinese name
    description: Any = ""
    settings_schema: type[Schema] = EmptySettings
    api_blueprint: Any = None  # flask_smorest.Blueprint, mounted at /api/v1/t/<slug>/<key>
    pages_blueprint: Blueprint | None = None  # mounted at /t/<slug>/<key>
    public_blueprint: Blueprint | None = None  # mounted at /p/<slug>/<key>
    nav: tuple[NavItem, ...] = ()
    public_nav: tuple[NavItem, ...] = ()  # entries on the township's public page
    labels: Mapping[str, Any] = field(default_factory=dict)
    beat_schedule: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    task_module: str | None = None
    models_module: str | None = None
    # The county's figures of this module: a MetricSet (see the module docstring), or the
    # simple form {metric_key: fn(start, end)}.
    metrics: MetricSet | Mapping[str, Callable[..., Any]] | None = None
    # A core part (casework, people, tenants, auth …) is always on. One with a settings schema
    # (casework) keeps per-township settings like a module and is listed beside the modules as
    # 核心功能; the others only mount what they declare.
    core: bool = False
    # A core part's own blueprints, mounted at the url_prefix each declares (a module's are
    # mounted under its township's URL instead, above).
    blueprints: tuple[Blueprint, ...] = ()
    api_blueprints: tuple[Any, ...] = ()  # flask_smorest.Blueprint, at their own url_prefix
    # The demo's data of this part: a module with `seed(township, index)`, run by `lianxin demo`
    # in registry order for each demo township where the part is on.
    seed_module: str | None = None
    # What waits for a person on the township's home: the import path of a module with
    # `items(actor, township) -> list[TodoItem]` (the part's `todo.py`; see the docstring).
    todo: str | None = None
    # Where cases are received in person (a station): see CasePlaces and the module docstring.
    case_places: CasePlaces | None = None
    # The lines of a representative's duty record (履职档案) this part contributes: a DutySet
    # (see the module docstring).
    duty: DutySet | None = None
    # The bounds this part's rules set on a representative's grade of the year:
    # grade_limits(year, representative_ids) -> {id: GradeLimit} (see the module docstring).
    grade_limits: GradeLimitFn | None = None
    # The public commitments shown beside a representative's duty report:
    # report_commitments(year, representative_ids) -> {id: [ReportCommitment]} (see the docstring).
    report_commitments: ReportCommitmentsFn | None = None
    # The lines this part adds to the contact card (连心卡):
    # card_lines(tenant_id, representative_ids) -> {id: [CardLine]} (see the module docstring).
    card_lines: CardLinesFn | None = None
    # Where this part's audited objects open in their township, by the audit entries'
    # `target_type`: {"proposal": ObjectPage("proposals.detail", "proposal_id")}.
    object_pages: Mapping[str, ObjectPage] = field(default_factory=dict)

    @property
    def is_feature(self) -> bool:
        """What a township has: a switchable module, or a core part with its own settings."""
        return not self.core or self.settings_schema is not EmptySettings

    def default_settings(self) -> dict[str, Any]:
        return dict(self.settings_schema().load({}))

    def validate_settings(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Full settings with defaults filled in; raises ValidationFailed naming each field.

        Valid settings are remembered by their content (the same township's deadlines are
        checked on every case list), and handed out as copies."""
        content = json.dumps(data, sort_keys=True, default=str)
        memo_key = (self.key, id(self.settings_schema), content)
        known = _VALID_SETTINGS.get(memo_key)
        if known is not None:
            return copy.deepcopy(known)
        try:
            valid = dict(self.settings_schema().load(dict(data)))
        except ValidationError as exc:
            errors = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
            raise ValidationFailed(
                errors={
                    k: [str(m) for m in (v if isinstance(v, list) else [v])]
                    for k, v in errors.items()
                }
            ) from exc
        if len(_VALID_SETTINGS) >= 4096:
            _VALID_SETTINGS.clear()
        _VALID_SETTINGS[memo_key] = copy.deepcopy(valid)
        return valid

    def settings_fields(self) -> list[tuple[str, Any]]:
        return list(self.settings_schema().fields.items())


class UnknownModule(LookupError):
    pass


class Registry:
    def __init__(self, modules: Iterable[ModuleSpec]) -> None:
        self._modules: dict[str, ModuleSpec] = {}
        for spec in modules:
            if spec.key in self._modules:
                raise ValueError(f"module {spec.key!r} registered twice")
            self._modules[spec.key] = spec

    def __iter__(self) -> Iterator[ModuleSpec]:
        return iter(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def get(self, key: str) -> ModuleSpec:
        try:
            return self._modules[key]
        except KeyError:
            raise UnknownModule(key) from None

    def keys(self) -> list[str]:
        """The switchable modules' keys (core parts are always on)."""
        return [k for k, spec in self._modules.items() if not spec.core]

    def features(self) -> list[ModuleSpec]:
        """The modules and the core parts with settings: what a township's pages list."""
        return [spec for spec in self if spec.is_feature]

    def switchable(self) -> list[ModuleSpec]:
        return [spec for spec in self if not spec.core]

    def labels(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for spec in self:
            merged.update(spec.labels)
        return merged

    def beat_schedule(self) -> dict[str, Any]:
        schedule: dict[str, Any] = {}
        for spec in self:
            for name, entry in spec.beat_schedule.items():
                schedule[f"{spec.key}.{name}"] = dict(entry)
        return schedule

    def metric_sets(self) -> list[tuple[ModuleSpec, MetricSet]]:
        """Every registered part that declares figures for the county, in registry order."""
        out = []
        for spec in self:
            metric_set = _metric_set(spec.key, spec.metrics)
            if metric_set is not None:
                out.append((spec, metric_set))
        return out

    def duty_sets(self, enabled: Iterable[str] | None = None) -> list[tuple[ModuleSpec, DutySet]]:
        """The duty-record lines of every part that declares them, in registry order; with
        `enabled`, only core parts and the modules switched on."""
        on = None if enabled is None else set(enabled)
        return [
            (spec, spec.duty)
            for spec in self
            if spec.duty is not None and (on is None or spec.core or spec.key in on)
        ]

    def grade_limit_sources(self, enabled: Iterable[str]) -> list[tuple[ModuleSpec, GradeLimitFn]]:
        """The grade-limit functions of every part that declares one and is on (a core part
        always, a module when its key is in `enabled`), in registry order."""
        on = set(enabled)
        return [
            (spec, spec.grade_limits)
            for spec in self
            if spec.grade_limits is not None and (spec.core or spec.key in on)
        ]

    def report_commitment_sources(
        self, enabled: Iterable[str]
    ) -> list[tuple[ModuleSpec, ReportCommitmentsFn]]:
        """The report-commitment functions of every part that declares one and is on (a core
        part always, a module when its key is in `enabled`), in registry order."""
        on = set(enabled)
        return [
            (spec, spec.report_commitments)
            for spec in self
            if spec.report_commitments is not None and (spec.core or spec.key in on)
        ]

    def card_line_sources(self, enabled: Iterable[str]) -> list[tuple[ModuleSpec, CardLinesFn]]:
        """The card-line functions of every part that declares one and is on (a core part
        always, a module when its key is in `enabled`), in registry order."""
        on = set(enabled)
        return [
            (spec, spec.card_lines)
            for spec in self
            if spec.card_lines is not None and (spec.core or spec.key in on)
        ]

    def object_pages(self, enabled: Iterable[str]) -> dict[str, ObjectPage]:
        """The audited objects' pages of every part that is on (a core part always, a module
        when its key is in `enabled`), by target type."""
        on = set(enabled)
        return {
            kind: page
            for spec in self
            if spec.core or spec.key in on
            for kind, page in spec.object_pages.items()
        }

    def todo_sources(self, enabled: Iterable[str]) -> list[tuple[ModuleSpec, TodoFn]]:
        """The to-do functions of every part that declares one and is on: a core part always,
        a module when its key is in `enabled` (a switched-off module contributes nothing)."""
        on = set(enabled)
        out = []
        for spec in self:
            if spec.todo and (spec.core or spec.key in on):
                out.append((spec, importlib.import_module(spec.todo).items))
        return out

    def case_places(self, enabled: Iterable[str]) -> list[CasePlaces]:
        """The case places of every switched-on part that has some, in registry order."""
        on = set(enabled)
        return [
            spec.case_places
            for spec in self
            if spec.case_places is not None and (spec.core or spec.key in on)
        ]

    def task_modules(self) -> tuple[str, ...]:
        return tuple(spec.task_module for spec in self if spec.task_module)


# The core parts, always on, declared like the modules (each part's `module.py`). Those before
# the modules mount first; the county's comparison, which reads every module's figures, last.
CORE: tuple[str, ...] = (
    "lianxin.web.module",
    "lianxin.auth.module",
    "lianxin.tenants.module",
    "lianxin.storage.module",
    "lianxin.people.module",
    "lianxin.casework.module",
    "lianxin.work_calendar.module",
    "lianxin.notify.module",
    "lianxin.messages.module",
    "lianxin.audit.module",
    "lianxin.privacy.module",
    "lianxin.takeout.module",
)
CORE_LAST: tuple[str, ...] = (
    "lianxin.duty_records.module",
    "lianxin.county.module",
    "lianxin.awards.module",
)


def load_core() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in CORE)


def load_core_last() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in CORE_LAST)


def load_first_party() -> tuple[ModuleSpec, ...]:
    return tuple(importlib.import_module(path).MODULE for path in FIRST_PARTY)


def import_module_models() -> None:
    for spec in load_first_party():
        if spec.models_module:
            importlib.import_module(spec.models_module)


def current_registry() -> Registry:
    from flask import current_app

    return current_app.extensions["lianxin.registry"]  # type: ignore[no-any-return]
