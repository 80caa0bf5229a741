"""Reading one chain of the audit log on a page or in an export: one filter schema, the query
in SQL (indexes of 0040_audit_filters), pages of 50, and each entry in words.

The chain is the scope: a township's page reads `t:<id>` and nothing else, whatever the filter
says, so a crafted actor, kind or date can only narrow that chain. The words come from
`labels.py`; a personal field (a representative's phone, a household's address …) is shown
only when the viewer may see it of everyone of that kind (`lianxin.people.privacy`), else as
"—" with the line kept, so that the log still says that it changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import ColumnElement, func, select

from lianxin.audit import labels
from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.usecases import InputSchema, load_input

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one workbook; narrow the filter for more
SHORT = 120  # characters of a changed value shown on a page (the export keeps it whole)
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
SYSTEM_ACTOR = 0  # the filter's value for entries of no account (the platform's jobs, the public)

# What kind of thing an action belongs to: the part of its code before the first dot.
FAMILIES: dict[str, Any] = {
    "user": _l("账号"),
    "api_token": _l("API 令牌"),
    "membership": _l("角色授权"),
    "county": _l("县（区）"),
    "township": _l("乡镇"),
    "module": _l("模块"),
    "branch": _l("支部"),
    "work_calendar": _l("工作日历"),
    "outbox": _l("消息发送"),
    "privacy": _l("个人信息"),
    "audit": _l("审计日志"),
    "representative": _l("代表"),
    "group": _l("代表小组"),
    "unit": _l("承办单位"),
    "party_member": _l("党员"),
    "household": _l("群众户"),
    "case": _l("诉求办理"),
    "escalation": _l("上报县级"),
    "workstation": _l("工作站"),
    "inspection": _l("视察调研"),
    "reception_day": _l("接待日"),
    "proposal": _l("提案"),
    "annual_session": _l("年会"),
    "by_election": _l("补选"),
    "evaluation": _l("评议"),
    "liaison": _l("联系群众"),
    "consultation": _l("征询意见"),
    "briefing": _l("通报"),
    "group_activity": _l("代表小组活动"),
    "sitting": _l("列席"),
    "training": _l("学习培训"),
    "duty_records": _l("履职档案"),
    "commitment": _l("公开承诺"),
    "award": _l("评先评优"),
}


def family_of(action: str) -> str:
    return action.split(".", 1)[0]


def family_actions(family: str) -> list[str]:
    """The action codes of a kind: the query asks `action IN (…)`, which an index can use."""
    return sorted(code for code in labels.ACTIONS if family_of(code) == family)


# --- the filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    actor: int | None = None  # a user id, or SYSTEM_ACTOR
    family: str | None = None
    target: str | None = None
    date_from: date | None = None  # Shanghai dates, both inclusive
    date_to: date | None = None
    page: int = 1

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this filter (for page links and the export), without blanks."""
        values = {**asdict(self), **changes}
        if values.get("page") == 1:
            values.pop("page")
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v}

    @property
    def narrowed(self) -> bool:
        return any(v is not None for k, v in asdict(self).items() if k != "page")


class AuditQuerySchema(InputSchema[AuditFilter]):
    """The audit log's filter without the page: an API pages with its own parameters."""

    input_type = AuditFilter

    actor = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=2**62, error=_l("操作人无效")),
        metadata={"description": "操作人的用户编号；0：系统"},
    )
    family = fields.String(
        load_default=None,
        validate=validate.OneOf(list(FAMILIES), error=_l("没有这一类操作")),
        metadata={"description": "操作类别（操作代码第一个点之前的部分，如 case）"},
    )
    target = fields.String(
        load_default=None,
        validate=validate.OneOf(list(labels.TARGETS), error=_l("没有这一类对象")),
        metadata={"description": "对象类型（如 case、representative）"},
    )
    date_from = fields.Date(
        load_default=None,
        validate=validate.Range(FIRST_DAY, LAST_DAY, error=_l("日期须在 2000 年至 2099 年之间")),
        metadata={"description": "起始日期（北京时间，含当天）"},
    )
    date_to = fields.Date(
        load_default=None,
        validate=validate.Range(FIRST_DAY, LAST_DAY, error=_l("日期须在 2000 年至 2099 年之间")),
        metadata={"description": "截止日期（北京时间，含当天）"},
    )

    @pre_load
    def _blanks(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """An empty box of the form means "any"."""
        out = {}
        for key, value in dict(data).items():
            if isinstance(value, str):
                value = value.strip()
            if value not in ("", None):
                out[key] = value
        return out

    @validates_schema
    def _order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("date_from"), data.get("date_to")
        if start is not None and end is not None and start > end:
            raise ValidationError(_("开始日期不能晚于截止日期"), "date_to")


class AuditFilterSchema(AuditQuerySchema):
    """The audit log's filter and page, from a page's query string."""

    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000, error=_l("页码无效"))
    )


def parse_filter(args: Mapping[str, Any]) -> AuditFilter:
    """The filter of a query string; a bad value raises ValidationFailed (Chinese messages)."""
    return load_input(AuditFilterSchema, args, form=True)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, labels.SHANGHAI).astimezone(UTC)


def _conditions(chain: str, flt: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [AuditEntry.chain == chain]
    if flt.actor is not None:
        where.append(
            AuditEntry.actor_user_id.is_(None)
            if flt.actor == SYSTEM_ACTOR
            else AuditEntry.actor_user_id == flt.actor
        )
    if flt.family is not None:
        where.append(AuditEntry.action.in_(family_actions(flt.family)))
    if flt.target is not None:
        where.append(AuditEntry.target_type == flt.target)
    if flt.date_from is not None:
        where.append(AuditEntry.created_at >= _day_start(flt.date_from))
    if flt.date_to is not None:
        where.append(AuditEntry.created_at < _day_start(flt.date_to + timedelta(days=1)))
    return where


# --- an entry in words --------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One changed field: `before` None for a field an entry sets without an old value."""

    field: str
    before: str | None
    after: str
    hidden: bool = False  # a personal value the viewer may not see


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    who: str
    action: str
    family: str
    target: str
    link: str | None
    lines: list[Line] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:  # seq, created_at, actor_name … as stored
        return getattr(self.entry, name)


# The audit field names that are personal columns of a kind of person (people/privacy.py).
def _personal(target_type: str | None) -> tuple[Any, dict[str, str]] | None:
    from lianxin.people.privacy import COLUMNS, Kind

    kind = {
        "representative": Kind.REPRESENTATIVE,
        "party_member": Kind.PARTY_MEMBER,
        "household": Kind.HOUSEHOLD,
        "case": Kind.CASE_RAISER,
        "submitter": Kind.CASE_RAISER,
    }.get(target_type or "")
    if kind is None:
        return None
    columns = {name: column for column, names in COLUMNS[kind].items() for name in names}
    if kind is Kind.CASE_RAISER:  # a case's snapshot names them `name`/`phone` too
        columns.update({"phone": "phone", "raiser": "name"})
    return kind, columns


def _hidden_fields(target_type: str | None, viewer: Any) -> frozenset[str]:
    """The fields of this kind of object the viewer may not read in the log."""
    personal = _personal(target_type)
    if personal is None or viewer is None:
        return frozenset()
    kind, columns = personal
    return frozenset(n for n, column in columns.items() if viewer.reaches(kind, column) != "all")


def lines(entry: AuditEntry, viewer: Any, *, short: int | None = SHORT) -> list[Line]:
    """`字段：旧值 → 新值` per field that differs (labels.py's words), personal values masked."""
    before, after = entry.before or {}, entry.after or {}
    hidden = _hidden_fields(entry.target_type, viewer)
    names = [*before, *(k for k in after if k not in before)]
    out = []
    for name in names:
        old, new = before.get(name, _ABSENT), after.get(name, _ABSENT)
        if old == new or (old is _ABSENT and new in _EMPTY):
            continue  # unchanged, or left empty on creation: nothing to read
        label = labels.field_label(name, entry.target_type)
        if name in hidden:
            masked = "—"
            out.append(Line(label, None if old is _ABSENT else masked, masked, hidden=True))
            continue
        out.append(
            Line(
                label,
                None if old is _ABSENT else _cut(_text(name, old, entry), short),
                _("（无）") if new is _ABSENT else _cut(_text(name, new, entry), short),
            )
        )
    return out


_ABSENT = object()
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _text(name: str, value: Any, entry: AuditEntry) -> str:
    return labels.value_text(name, value, entry.target_type)


def _cut(text: str, short: int | None) -> str:
    if short is None or len(text) <= short:
        return text
    return text[:short].rstrip() + "…"


def who(entry: AuditEntry) -> str:
    """The actor's name; the platform's own jobs (lianxin.auth.actor.SYSTEM) as 系统."""
    if entry.actor_user_id is None and entry.actor_name == "system":
        return _("系统")
    return entry.actor_name


def row_of(entry: AuditEntry, viewer: Any, link: str | None, *, short: int | None = SHORT) -> Row:
    return Row(
        entry,
        who(entry),
        labels.action_label(entry.action),
        str(FAMILIES.get(family_of(entry.action), "")),
        labels.target_label(entry.target_type, entry.target_id),
        link,
        lines(entry, viewer, short=short),
    )


# --- pages and exports --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def count(chain: str, flt: AuditFilter) -> int:
    where = _conditions(chain, flt)
    return int(db.session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0)


def entries(chain: str, flt: AuditFilter, *, limit: int, offset: int = 0) -> list[AuditEntry]:
    """The chain's entries that match, newest first (an API's page: its own limit/offset)."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(*_conditions(chain, flt))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def search(chain: str, flt: AuditFilter, *, page_size: int = PAGE_SIZE) -> LogPage:
    """One page of the chain's entries that match, newest first; a page past the end shows
    the last one."""
    total = count(chain, flt)
    pages = max(1, -(-total // page_size))
    page = min(flt.page, pages)
    found = entries(chain, flt, limit=page_size, offset=(page - 1) * page_size)
    return LogPage(found, total, page, pages)


def matching(chain: str, flt: AuditFilter, *, limit: int = EXPORT_LIMIT) -> Iterator[AuditEntry]:
    """Every entry that matches (newest first, at most `limit`), read in batches: the export."""
    result = db.session.scalars(
        select(AuditEntry)
        .where(*_conditions(chain, flt))
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
        .execution_options(yield_per=500)
    )
    try:
        yield from result
    finally:
        result.close()


@dataclass(frozen=True)
class Actor:
    id: int
    name: str


def actors(chain: str) -> list[Actor]:
    """Who wrote entries in the chain: the choices of the actor filter (the platform itself as
    SYSTEM_ACTOR)."""
    rows = db.session.execute(
        select(AuditEntry.actor_user_id, func.max(AuditEntry.actor_name))
        .where(AuditEntry.chain == chain)
        .group_by(AuditEntry.actor_user_id)
    ).all()
    out = [
        Actor(
            SYSTEM_ACTOR if uid is None else int(uid),
            _("无账号（系统、群众）") if uid is None else str(name),
        )
        for uid, name in rows
    ]
    return sorted(out, key=lambda a: (a.id != SYSTEM_ACTOR, a.name))
