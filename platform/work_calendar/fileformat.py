"""Reading a year's calendar from the simple file the operator writes from the State Council's
notice: CSV (`日期,类型,名称`) or YAML (a list of `{date, type, name}`), one row per day.

Parsing checks each row on its own and collects every problem with its line, so that the
operator fixes the file in one go; what the rows mean for the calendar is `service`'s business.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from flask_babel import gettext as _

OFF = frozenset({"off", "休", "放假", "休息", "假", "holiday", "false", "0", "no"})
WORKING = frozenset({"working", "work", "班", "上班", "调休上班", "workday", "true", "1", "yes"})
DATE_KEYS = ("date", "日期", "day")
TYPE_KEYS = ("type", "类型", "working")
NAME_KEYS = ("name", "名称", "说明")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NAME_MAX = 60
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class FileRow:
    line: int
    day: date
    working: bool
    name: str


def _fmt_date(raw: Any) -> str:
    return raw.isoformat() if isinstance(raw, date) else str(raw).strip()


def _parse_row(
    line: int, raw_date: Any, raw_type: Any, raw_name: Any, errors: list[str]
) -> FileRow | None:
    where = _("第 %(n)d 行", n=line)
    shown = _fmt_date(raw_date)
    if isinstance(raw_date, date):
        day = raw_date
    elif ISO_DATE.match(shown):
        try:
            day = date.fromisoformat(shown)
        except ValueError:
            errors.append(_("%(where)s：日期“%(d)s”不存在。", where=where, d=shown))
            return None
    else:
        errors.append(
            _(
                "%(where)s：日期“%(d)s”无效，应写作 YYYY-MM-DD，例如 2027-02-08。",
                where=where,
                d=shown,
            )
        )
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(_("%(where)s：年份 %(y)d 超出范围。", where=where, y=day.year))
        return None
    kind = str(raw_type).strip().lower() if raw_type is not None else ""
    if isinstance(raw_type, bool):
        kind = "true" if raw_type else "false"
    if kind in OFF:
        working = False
    elif kind in WORKING:
        working = True
    else:
        errors.append(
            _(
                "%(where)s：类型“%(k)s”无法识别，应为“休”（放假）或“班”（调休上班）。",
                where=where,
                k=kind,
            )
        )
        return None
    name = str(raw_name or "").strip() or (_("调休上班") if working else _("法定节假日"))
    if len(name) > NAME_MAX:
        errors.append(_("%(where)s：名称超过 %(n)d 个字。", where=where, n=NAME_MAX))
        return None
    return FileRow(line, day, working, name)


def _is_yaml(text: str, filename: str | None) -> bool:
    if filename:
        lowered = filename.lower()
        if lowered.endswith((".yaml", ".yml")):
            return True
        if lowered.endswith((".csv", ".txt")):
            return False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.startswith("-") or stripped.startswith("days:")
    return False


def _csv_rows(text: str, errors: list[str]) -> list[FileRow]:
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if cells[0].lower() in DATE_KEYS:
            continue  # the header
        if len(cells) < 2:
            errors.append(_("第 %(n)d 行：至少需要“日期,类型”两列。", n=number))
            continue
        row = _parse_row(number, cells[0], cells[1], cells[2] if len(cells) > 2 else "", errors)
        if row is not None:
            rows.append(row)
    return rows


def _pick(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in item:
            return item[key]
    return None


def _yaml_rows(text: str, errors: list[str]) -> list[FileRow]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        errors.append(_("YAML 格式错误（第 %(n)d 行附近）。", n=line))
        return []
    if isinstance(data, dict):
        data = data.get("days")
    if data is None:
        return []
    if not isinstance(data, list):
        errors.append(_("YAML 文件应为日期列表：每项写 date、type、name。"))
        return []
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or _pick(item, DATE_KEYS) is None:
            errors.append(_("第 %(n)d 项：缺少 date（日期）。", n=number))
            continue
        row = _parse_row(
            number,
            _pick(item, DATE_KEYS),
            _pick(item, TYPE_KEYS),
            _pick(item, NAME_KEYS),
            errors,
        )
        if row is not None:
            rows.append(row)
    return rows


def read_rows(text: str, filename: str | None = None) -> tuple[list[FileRow], list[str]]:
    """The file's rows and every problem found (empty when the file is good)."""
    errors: list[str] = []
    rows = _yaml_rows(text, errors) if _is_yaml(text, filename) else _csv_rows(text, errors)
    seen: dict[date, FileRow] = {}
    for row in rows:
        earlier = seen.get(row.day)
        if earlier is not None and earlier.working != row.working:
            errors.append(
                _(
                    "第 %(n)d 行：%(d)s 与第 %(m)d 行矛盾（一行放假、一行上班）。",
                    n=row.line,
                    d=row.day.isoformat(),
                    m=earlier.line,
                )
            )
        seen.setdefault(row.day, row)
    if not rows and not errors:
        errors.append(_("文件中没有任何日期。"))
    return list(seen.values()), errors


def decode(data: bytes) -> str:
    """An uploaded file's text: UTF-8 (with or without BOM), else GB18030 (Excel on Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
