"""Importing the roster from the spreadsheets townships keep, and exporting it back.

Two steps:

1. **Preview** (`preview_upload`): the file is checked for its type and size, read (`.xlsx`, or
   `.csv` in UTF-8 with or without BOM, or GB18030), stored, and every row is loaded by
   `RepresentativeInputSchema`, as a single new representative is, then checked by
   `RepresentativeChecks` (branch and group by name, phone, birth date). Each bad cell is named
   (spreadsheet row, Chinese column header, why), as are people listed twice in the sheet. The
   result is an `ImportJob` in status `previewed`; while previewed, its `created_rows` and
   `updated_rows` hold the *planned* counts.
2. **Commit** (`commit_import` → `run_commit`): allowed only for a preview without errors. The
   stored file is read and checked again, then every row is written in ONE transaction, or
   nothing is. More than `IMPORT_ASYNC_ROWS` rows go to the Celery task `people.import_commit`,
   which reports its progress every `IMPORT_PROGRESS_EVERY` rows in a separate session.

The stable key: a representative is the same person when the **name and birth date** match
(unique per township). Re-importing a sheet therefore updates those people and never adds them
twice; a changed name or birth date makes a new person. Columns missing from the sheet leave
the matching fields of existing people as they were; an empty cell in a present column clears
an optional field.

The file-level problems (wrong type, too large, unreadable, empty, missing headers) raise a
`DomainError` with a named code and write nothing at all, not even the stored file.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lianxin import jobs, spreadsheets
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.db import db, utcnow
from lianxin.db.tenancy import require_tenant_id
from lianxin.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.people import choices, privacy
from lianxin.people import service as people
from lianxin.people.inputs import RepresentativeInput, RepresentativeInputSchema
from lianxin.people.models import (
    GroupKind,
    GroupMembership,
    GroupRole,
    ImportJob,
    ImportStatus,
    Representative,
    RepresentativeGroup,
    RepStatus,
)
from lianxin.storage import owners as storage_owners
from lianxin.storage import service as files
from lianxin.storage.service import FileTooLarge
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import commit_on_its_own, use_case

log = logging.getLogger("lianxin.people.imports")

KIND = "representatives"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FILENAME = "代表名册.xlsx"
TEMPLATE_FILENAME = "空白模板.xlsx"
STABLE_KEY = ("姓名", "出生日期")

# field of RepresentativeInputSchema, the header written on export, other headers accepted
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("name", "姓名", ("代表姓名",)),
    ("gender", "性别", ()),
    ("birth_date", "出生日期", ("出生年月", "出生年月日", "出生日期年月日")),
    ("ethnicity", "民族", ()),
    ("education", "学历", ("文化程度", "最高学历")),
    ("category", "类别", ("代表类别",)),
    ("is_grassroots_cadre", "是否基层领导干部", ("基层领导干部",)),
    ("branch", "选举单位", ("所在支部", "所在党支部", "支部")),
    ("group", "代表小组", ("所在代表小组", "代表团", "代表队", "小组")),
    ("level", "代表层级", ("层级", "代表级别")),
    ("term", "届次", ("届别", "届")),
    ("phone", "手机号", ("手机", "手机号码", "联系电话", "电话")),
    ("workplace", "工作单位", ("单位",)),
    ("post", "职务", ()),
    # The thematic groups (专业小组) a representative is in now, "、"-separated: exported and
    # read back (a sheet with the column sets them exactly; one without it leaves them alone).
    ("thematic_groups", "专业小组", ("所在专业小组",)),
)
HEADER_OF = {f: header for f, header, _s in COLUMNS}
FIELD_OF = {h: f for f, header, synonyms in COLUMNS for h in (header, *synonyms)}
REQUIRED_FIELDS = ("name", "gender", "birth_date", "education", "category", "term")
# Columns that are read without a warning and ignored: a row number, and what export adds.
IGNORED_HEADERS = {"序号", "编号", "状态"}
EXPORT_HEADERS = [header for _f, header, _s in COLUMNS] + ["状态"]
# The input's error fields that have no column of their own.
ERROR_FIELD = {"is_township_rep": "level", "is_county_rep": "level"}
# The column a field is read from, where it is not its own (an existing person's field changes
# only when its column is in the sheet).
SOURCE_OF = {
    "is_township_rep": "level",
    "is_county_rep": "level",
    "branch_id": "branch",
    "group_id": "group",
    "thematic_group_ids": "thematic_groups",
}
# The consent to publish has no column: it is written "no" for everyone a sheet names, as it
# always has been (a re-import does not carry anyone's consent).
ALWAYS_WRITTEN = ("publish_contact",)
# A row's errors in the order of its fields (then the checks' in the service).
ERROR_ORDER = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "category",
    "is_grassroots_cadre",
    "level",
    "term",
    "phone",
    "workplace",
    "post",
    "branch",
    "group",
    "thematic_groups",
)

MAX_LISTED_ERRORS = 2000
HEADER_SEARCH_ROWS = 10
_SPACES = re.compile(r"\s+")
_NOTE = re.compile(r"[（(][^）)]*[）)]")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS.update({"八": 8, "九": 9})


class QueueUnavailable(DomainError):
    status = 503
    code = "queue_unavailable"


# --- reading a file -----------------------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of a spreadsheet, by field; `columns` maps a field to its header text."""

    columns: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]
    warnings: list[str] = field(default_factory=list)


def _file_error(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, errors={"file": [message]}, code=code)


def read_limited(stream: IO[bytes], limit: int | None = None) -> bytes:
    """The upload's bytes; refused as soon as it passes the size limit, before any parsing."""
    limit = limit if limit is not None else current_app.config["MAX_UPLOAD_BYTES"]
    buffer = io.BytesIO()
    while chunk := stream.read(64 * 1024):
        if buffer.tell() + len(chunk) > limit:
            raise too_large(limit)
        buffer.write(chunk)
    return buffer.getvalue()


def too_large(limit: int | None = None) -> FileTooLarge:
    limit = limit if limit is not None else current_app.config["MAX_UPLOAD_BYTES"]
    return FileTooLarge(
        _("文件超过大小上限（%(mb)s MB），未读取。", mb=megabytes(limit)),
        errors={"file": [_("文件过大")]},
    )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


def detect_format(data: bytes, filename: str) -> str:
    """Tell an .xlsx from a .csv by the content as well as the name; refuse anything else."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise _file_error(_("文件为空。"), "empty_file")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                is_workbook = "xl/workbook.xml" in archive.namelist()
                unpacked = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            is_workbook, unpacked = False, 0
        # zipfile never inflates a member past its declared size (a lie fails its CRC), so the
        # declared sizes bound what parsing the workbook can unpack into memory.
        limit = current_app.config.get("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
        if unpacked > limit:
            raise FileTooLarge(
                _("文件解压后超过 %(mb)s MB，未读取。", mb=megabytes(limit)),
                errors={"file": [_("文件解压后过大")]},
            )
        if is_workbook:
            return "xlsx"
        if suffix == "docx":
            raise _file_error(
                _("不支持 Word 文档，请上传 Excel（.xlsx）或 CSV 文件。"), "unsupported_file_type"
            )
        raise _file_error(
            _("文件内容不是有效的 Excel（.xlsx）表格，请上传 .xlsx 或 .csv 文件。"),
            "unsupported_file_type",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            _("不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 后再上传。"),
            "unsupported_file_type",
        )
    if suffix == "xlsx":
        raise _file_error(
            _("文件名是 .xlsx，但内容不是 Excel 表格，请上传真正的 .xlsx 或 .csv 文件。"),
            "unsupported_file_type",
        )
    if suffix == "csv":
        return "csv"
    raise _file_error(
        _("不支持的文件类型，请上传 Excel（.xlsx）或 CSV 文件。"), "unsupported_file_type"
    )


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (what Excel on Chinese Windows saves)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(ch) < 0x20 and ch not in "\t\r\n" for ch in text):
            break  # binary data, whatever its name says
        return text
    raise _file_error(
        _("无法识别 CSV 文件的编码（支持 UTF-8 和 GB18030），或文件不是文本。"),
        "unsupported_file_type",
    )


def _raw_rows(data: bytes, fmt: str) -> Generator[tuple[int, list[Any]], None, None]:
    """(spreadsheet row number, cell values) of the first sheet, empty rows included."""
    if fmt == "csv":
        text = decode_csv(data)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            yield number, list(row)
        return
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or encrypted workbook
        log.info("unreadable workbook: %s", exc)
        raise _file_error(
            _("无法读取该 Excel 文件，文件可能已损坏或设置了密码。"), "unreadable_file"
        ) from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong used range
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, list(row)
    finally:
        workbook.close()


def normalize_header(value: Any) -> str:
    """A header as written → the word looked up: 姓 名* → 姓名, 出生日期（年月日） → 出生日期."""
    text = _SPACES.sub("", str(value if value is not None else ""))
    return _NOTE.sub("", text).strip("*＊:：")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_file(data: bytes, filename: str, *, group_label: str | None = None) -> Sheet:
    """Read the first sheet: find the header row, map the headers, keep the non-empty rows."""
    fmt = detect_format(data, filename)
    accepted = dict(FIELD_OF)
    if group_label:
        accepted.setdefault(normalize_header(group_label), "group")
    with closing(_raw_rows(data, fmt)) as rows:
        return _read_sheet(rows, accepted)


def _read_sheet(rows: Iterator[tuple[int, list[Any]]], accepted: dict[str, str]) -> Sheet:
    header_row: tuple[int, list[Any]] | None = None
    first_row: tuple[int, list[Any]] | None = None
    seen = 0
    for number, values in rows:
        if all(_blank(v) for v in values):
            continue
        first_row = first_row or (number, values)
        if any(accepted.get(normalize_header(v)) == "name" for v in values):
            header_row = (number, values)
            break
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first_row is None:
        raise _file_error(_("表格是空的：没有表头，也没有数据行。"), "empty_sheet")
    if header_row is None:
        # No 姓名 column near the top: the first row is taken as the header, to name what lacks.
        header_row = first_row
    header_number, header_values = header_row
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    warnings: list[str] = []
    unknown: list[str] = []
    for index, value in enumerate(header_values):
        header = normalize_header(value)
        if not header or header in IGNORED_HEADERS:
            continue
        target = accepted.get(header)
        if target is None:
            unknown.append(header)
        elif target in columns:
            warnings.append(
                _("列“%(a)s”与“%(b)s”表示同一项，已忽略后者。", a=columns[target], b=header)
            )
        else:
            columns[target] = header
            positions[target] = index
    missing = [HEADER_OF[f] for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        raise ValidationFailed(
            _(
                "表头缺少必需的列：%(cols)s（表头在第%(row)d行）。",
                cols="、".join(missing),
                row=header_number,
            ),
            errors={"file": [_("缺少必需的列：%(cols)s", cols="、".join(missing))]},
            code="missing_headers",
        )
    if unknown:
        warnings.insert(0, _("未识别的列（已忽略）：%(cols)s", cols="、".join(unknown)))
    data_rows: list[tuple[int, dict[str, Any]]] = []
    limit = current_app.config.get("IMPORT_MAX_ROWS", 20000)
    for number, values in rows:
        if all(_blank(v) for v in values):
            continue
        if len(data_rows) == limit:  # stop reading: the rest of the sheet is never held
            raise _file_error(
                _("一次最多导入 %(n)d 行，请分成几个文件。", n=limit), "too_many_rows"
            )
        data_rows.append(
            (number, {f: values[i] if i < len(values) else None for f, i in positions.items()})
        )
    if not data_rows:
        raise _file_error(
            _("表格中没有数据行：表头（第%(row)d行）下面是空的。", row=header_number), "empty_sheet"
        )
    return Sheet(columns, data_rows, warnings)


# --- checking rows ------------------------------------------------------------------------------


def _chinese_number(text: str) -> int | None:
    """十二 → 12, 二十 → 20, 九 → 9 (届次 as townships write them)."""
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _sep, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _cell(field_name: str, value: Any) -> Any:
    """A cell as the input schema takes it: text trimmed, dates and numbers as typed."""
    if _blank(value):
        return None
    if isinstance(value, datetime | date | bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if field_name == "birth_date":
        compact = _COMPACT_DATE.match(text)
        if compact:
            return f"{compact[1]}-{compact[2]}-{compact[3]}"
    if field_name == "term":
        number = _chinese_number(text.strip("第届"))
        if number is not None:
            return number
    return text


@dataclass
class CheckedRow:
    row: int
    data: dict[str, Any]  # clean data for a new person (defaults filled in)
    changes: dict[str, Any]  # clean data of the columns present (for an existing person)
    key: tuple[str, date]
    rep_id: int | None

    @property
    def action(self) -> str:
        return "update" if self.rep_id is not None else "create"


@dataclass
class Checked:
    rows: list[CheckedRow]
    errors: list[dict[str, Any]]
    warnings: list[str]
    total: int

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.rows if r.rep_id is None)

    @property
    def to_update(self) -> int:
        return sum(1 for r in self.rows if r.rep_id is not None)


def existing_keys() -> dict[tuple[str, date], int]:
    """The township's people by the stable key (one query, not one per row)."""
    rows = db.session.execute(
        select(Representative.name, Representative.birth_date, Representative.id)
    ).all()
    return {(name, born): id_ for name, born, id_ in rows}


def _load_row(
    checks: people.RepresentativeChecks, raw: dict[str, Any]
) -> tuple[RepresentativeInput | None, dict[str, Any], dict[str, list[str]]]:
    """A row through the schema of a single new representative, then the service's checks:
    (the input, or None; what to write; errors by field). A row the schema refuses is still
    checked for what did load, so that every bad cell of it is named at once."""
    problems: dict[str, list[str]] = {}
    try:
        data: RepresentativeInput | None = RepresentativeInputSchema().load(raw)
        given: dict[str, Any] = asdict(data) if data is not None else {}
    except ValidationError as exc:
        data, given = None, dict(exc.valid_data or {})
        for error_field, messages in exc.normalized_messages().items():
            # A field's message may be one (lazy) string rather than a list of them.
            listed = messages if isinstance(messages, list) else [messages]
            problems[str(error_field)] = [str(m) for m in listed]
    values, checked = checks.check(given)
    for error_field, messages in checked.items():
        problems.setdefault(error_field, []).extend(messages)
    order = {f: i for i, f in enumerate(ERROR_ORDER)}
    return data, values, dict(sorted(problems.items(), key=lambda kv: order.get(kv[0], 99)))


def check_sheet(township: Township, sheet: Sheet) -> Checked:
    """Every row through the input schema and the checks; duplicates inside the sheet; create or
    update."""
    checks = people.RepresentativeChecks(township)
    known = existing_keys()
    first_seen: dict[tuple[str, date], int] = {}
    rows: list[CheckedRow] = []
    errors: list[dict[str, Any]] = []
    for number, cells in sheet.rows:
        raw = {f: _cell(f, v) for f, v in cells.items()}
        data, values, problems = _load_row(checks, raw)
        row_errors: list[dict[str, Any]] = []
        for error_field, messages in problems.items():
            column_field = ERROR_FIELD.get(error_field, error_field)
            column = sheet.columns.get(column_field, HEADER_OF.get(column_field, error_field))
            row_errors.extend({"row": number, "column": column, "message": m} for m in messages)
        key = None
        if "name" in values and "birth_date" in values and "name" not in problems:
            key = (values["name"], values["birth_date"])
            if "birth_date" not in problems:
                if key in first_seen:
                    row_errors.insert(
                        0,
                        {
                            "row": number,
                            "column": sheet.columns["name"],
                            "message": _(
                                "与第%(row)d行重复：姓名和出生日期都相同（%(name)s，%(born)s）",
                                row=first_seen[key],
                                name=key[0],
                                born=key[1].isoformat(),
                            ),
                        },
                    )
                else:
                    first_seen[key] = number
        if row_errors:
            errors.extend(row_errors)
            continue
        assert key is not None and data is not None
        changes = {
            k: v
            for k, v in values.items()
            if k in ALWAYS_WRITTEN or SOURCE_OF.get(k, k) in sheet.columns
        }
        rows.append(CheckedRow(number, values, changes, key, known.get(key)))
    return Checked(rows, errors, list(sheet.warnings), len(sheet.rows))


# --- permissions and look-ups -------------------------------------------------------------------


def _require_office(actor: Actor, township: Township) -> None:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    if not permissions.can_work_in_office(actor, township.id):
        raise PermissionDenied(_("只有乡镇联络办公室的工作人员可以导入和导出代表名册。"))


def can_import(actor: Actor, township: Township) -> bool:
    """Who may open the import and the export: the office, seeing every personal field of the
    roster (the export holds them all, an import's errors quote its rows). A county drilling
    down reads as the office does, but not this (people/privacy.py). The menu asks this too."""
    return permissions.can_work_in_office(actor, township.id) and privacy.viewer_for(
        actor, township.id
    ).sees_everything(privacy.Kind.REPRESENTATIVE)


def get_import(actor: Actor, township: Township, import_id: int) -> ImportJob:
    _require_office(actor, township)
    job = db.session.get(ImportJob, (township.id, import_id))
    if job is None or job.kind != KIND:
        raise NotFound(_("未找到该导入记录"))
    return job


@storage_owners.reader("import")
def _roster_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """An uploaded roster is read by whoever may read its import (`get_import`: the office)."""
    job_id = db.session.scalar(select(ImportJob.id).where(ImportJob.file_id == file_id).limit(1))
    if job_id is None:
        return False
    get_import(actor, township, job_id)
    return True


def recent_imports(actor: Actor, township: Township, limit: int = 20) -> list[ImportJob]:
    _require_office(actor, township)
    return list(
        db.session.scalars(
            select(ImportJob)
            .where(ImportJob.kind == KIND)
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
            .limit(limit)
        )
    )


def _group_label(township: Township) -> str | None:
    from lianxin.tenants import service as tenants

    return tenants.labels_for(township).get("representative_group")


# --- step 1: preview ----------------------------------------------------------------------------


@dataclass
class Preview:
    job: ImportJob
    checked: Checked


@use_case
def preview_upload(actor: Actor, township: Township, stream: IO[bytes], filename: str) -> Preview:
    """Check the file, store it, check every row; an `ImportJob` in status `previewed`."""
    _require_office(actor, township)
    data = read_limited(stream)
    sheet = parse_file(data, filename, group_label=_group_label(township))
    checked = check_sheet(township, sheet)
    stored = files.save_upload(actor, township, io.BytesIO(data), filename, purpose="import")
    listed = checked.errors[:MAX_LISTED_ERRORS]
    warnings = list(checked.warnings)
    if len(checked.errors) > len(listed):
        warnings.append(
            _("共有 %(n)d 处错误，仅列出前 %(m)d 处。", n=len(checked.errors), m=len(listed))
        )
    job = ImportJob(
        kind=KIND,
        filename=stored.filename,
        file_id=stored.id,
        status=ImportStatus.PREVIEWED,
        total_rows=checked.total,
        valid_rows=len(checked.rows),
        errors=listed,
        processed_rows=0,
        created_rows=checked.to_create,
        updated_rows=checked.to_update,
        message="\n".join(warnings) or None,
        created_by_id=actor.user_id,
    )
    db.session.add(job)
    return Preview(job, checked)


# --- step 2: commit -----------------------------------------------------------------------------


def async_threshold() -> int:
    return int(current_app.config.get("IMPORT_ASYNC_ROWS", 500))


@use_case
def commit_import(actor: Actor, township: Township, import_id: int) -> tuple[ImportJob, bool]:
    """Write the previewed rows: inline when small, as a Celery task when large.

    Returns the job and whether it went to the task queue. The job is claimed atomically, so a
    double click commits once.
    """
    job = get_import(actor, township, import_id)
    if job.status != ImportStatus.PREVIEWED:
        raise Conflict(_("该导入已经提交过，不能再次提交。"), code="import_not_previewed")
    if job.errors:
        raise Conflict(
            _("预览发现 %(n)d 处错误，请修正文件后重新上传，再提交。", n=len(job.errors)),
            code="import_has_errors",
        )
    queued = job.total_rows > async_threshold()
    claimed = db.session.execute(
        update(ImportJob)
        .where(
            ImportJob.tenant_id == township.id,
            ImportJob.id == job.id,
            ImportJob.status == ImportStatus.PREVIEWED,
        )
        .values(status=ImportStatus.QUEUED if queued else ImportStatus.RUNNING)
        .execution_options(synchronize_session=False)
    ).rowcount
    # Before the rows are written (inline) or queued: a double click commits once, and an eager
    # task runs in its own session, which must find nothing of this one's to wait for.
    commit_on_its_own("the import's claim is durable before its rows are written or queued")
    if not claimed:
        raise Conflict(_("该导入已经提交过，不能再次提交。"), code="import_not_previewed")
    job_id = job.id
    if not queued:
        run_commit(job_id, actor)
        db.session.refresh(job)
        return job, False
    import_commit = jobs.task("people.import_commit")

    # No transaction is open here: an eager task (the embedded default) runs in its own session
    # and must find nothing of this request's session to wait for or to roll back.
    try:
        import_commit.delay(import_id=job_id, tenant_id=township.id, user_id=actor.user_id)
    except Exception as exc:
        log.warning("import %s not queued: %s", job_id, exc)
        db.session.rollback()
        db.session.execute(
            update(ImportJob)
            .where(
                ImportJob.tenant_id == township.id,
                ImportJob.id == job_id,
                ImportJob.status == ImportStatus.QUEUED,
            )
            .values(status=ImportStatus.PREVIEWED)
            .execution_options(synchronize_session=False)
        )
        commit_on_its_own("the job is previewed again, though this request fails")
        raise QueueUnavailable(_("后台任务队列暂时不可用，请稍后再提交。")) from exc
    # Eager Celery (the embedded default) has run the task already; a worker will run it later.
    # Read the job afresh: an eager task's app context may have closed this request's session.
    db.session.rollback()
    fresh = db.session.get(ImportJob, (township.id, job_id), populate_existing=True)
    assert fresh is not None
    return fresh, True


def claim_queued(import_id: int) -> bool:
    """The task takes a queued job (once: a redelivered message finds it taken)."""
    claimed = db.session.execute(
        update(ImportJob)
        .where(
            ImportJob.tenant_id == require_tenant_id(),
            ImportJob.id == import_id,
            ImportJob.status == ImportStatus.QUEUED,
        )
        .values(status=ImportStatus.RUNNING)
        .execution_options(synchronize_session=False)
    ).rowcount
    # The task's own unit of work (a task may run eagerly inside the request's use case).
    commit_on_its_own("the task's claim is taken once, before the rows are written")
    return bool(claimed)


def progress_every() -> int:
    return max(1, int(current_app.config.get("IMPORT_PROGRESS_EVERY", 200)))


def report_progress(import_id: int, processed: int) -> None:
    """Write the count in a separate session, visible while the import's transaction is open.

    SQLite has one writer at a time and the open import holds it, so there the count is only
    written with the result.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return
    tenant_id = require_tenant_id()
    with db.separate_session():
        job = db.session.get(ImportJob, (tenant_id, import_id))
        if job is not None:
            job.processed_rows = processed
            commit_on_its_own("progress is seen while the import's own transaction is open")


def _read_stored(actor: Actor, township: Township, file_id: int) -> bytes:
    download = files.open_download(actor, township, file_id)
    try:
        return download.stream.read()
    finally:
        download.stream.close()


def run_commit(
    import_id: int, actor: Actor, *, progress: Callable[[int, int], None] | None = None
) -> ImportJob:
    """Write every row of a claimed (running) import in one transaction, or nothing.

    Used inline and by the task. The outcome is recorded on the job either way; a failure is
    logged and not raised (the job's status and message are what the user sees).
    """
    progress = progress or report_progress
    tenant_id = require_tenant_id()
    job = db.session.get(ImportJob, (tenant_id, import_id))
    if job is None:
        raise NotFound(_("未找到该导入记录"))
    township = db.session.get(Township, tenant_id)
    assert township is not None
    try:
        data = _read_stored(actor, township, job.file_id)
        sheet = parse_file(data, job.filename, group_label=_group_label(township))
        checked = check_sheet(township, sheet)
        if checked.errors:
            db.session.rollback()
            return _fail(
                import_id,
                _(
                    "预览之后数据已有变化，重新检查发现 %(n)d 处错误，未写入任何数据。",
                    n=len(checked.errors),
                ),
                errors=checked.errors[:MAX_LISTED_ERRORS],
            )
        created, updated = _write_rows(import_id, checked.rows, progress)
        job.status = ImportStatus.DONE
        job.processed_rows = len(checked.rows)
        job.created_rows, job.updated_rows = created, updated
        job.finished_at = utcnow()
        audit.record(
            "representative.imported",
            actor=actor,
            tenant_id=tenant_id,
            target_type="import",
            target_id=job.id,
            after={
                "filename": job.filename,
                "rows": len(checked.rows),
                "created": created,
                "updated": updated,
            },
        )
        commit_on_its_own("an import writes every row or nothing, and records its outcome")
        return job
    except Exception as exc:
        db.session.rollback()
        log.exception("import %s failed; nothing written", import_id)
        if isinstance(exc, DomainError):
            reason = exc.message
        elif isinstance(exc, IntegrityError):
            reason = _("与同时进行的其他修改冲突，请重新上传预览后再提交")
        else:
            reason = type(exc).__name__
        return _fail(import_id, _("导入失败，未写入任何数据（%(why)s）。", why=reason))


def _write_rows(
    import_id: int, rows: list[CheckedRow], progress: Callable[[int, int], None]
) -> tuple[int, int]:
    by_key = {(r.name, r.birth_date): r for r in db.session.scalars(select(Representative))}
    today = deadlines.shanghai_today()
    every = progress_every()
    created = updated = 0
    new_members: list[tuple[Representative, int]] = []
    thematic: list[tuple[Representative, list[int]]] = []
    for done, row in enumerate(rows, 1):
        rep = by_key.get(row.key)
        if rep is None:
            rep = Representative(status=RepStatus.IN_OFFICE, group_id=None)
            db.session.add(rep)
            fields = {k: v for k, v in row.data.items() if k != "group_id"}
            people.apply_representative(rep, fields, on=today)
            if row.data.get("group_id"):
                # Set before the INSERT; its membership row follows once the id is known.
                rep.group_id = row.data["group_id"]
                new_members.append((rep, row.data["group_id"]))
            by_key[row.key] = rep
            created += 1
            if row.data.get("thematic_group_ids"):
                thematic.append((rep, row.data["thematic_group_ids"]))
        else:
            people.apply_representative(rep, row.changes, on=today)
            updated += 1
            if "thematic_group_ids" in row.changes:
                thematic.append((rep, row.changes["thematic_group_ids"]))
        if done % every == 0 or done == len(rows):
            db.session.flush()
            progress(import_id, done)
    # The new people's first memberships go in one batch at the end: PostgreSQL plans its
    # foreign-key check once per connection, and planned against a still small table it would
    # scan the table for every row.
    _start_memberships(new_members, today)
    for rep, group_ids in thematic:  # the sheet's 专业小组 column, when it has one
        people.set_thematic_groups(rep, group_ids, today)
    db.session.flush()
    return created, updated


def _start_memberships(new_members: list[tuple[Representative, int]], on: date) -> None:
    """A new person's first group: what `_move_group` writes for someone with no history yet,
    in one batch instead of a query per person."""
    for rep, group_id in new_members:
        db.session.add(
            GroupMembership(
                group_id=group_id, representative_id=rep.id, role=GroupRole.MEMBER, started_on=on
            )
        )
    if new_members:
        db.session.flush()


def _fail(import_id: int, message: str, *, errors: list[dict[str, Any]] | None = None) -> ImportJob:
    job = db.session.get(ImportJob, (require_tenant_id(), import_id))
    assert job is not None
    job.status = ImportStatus.FAILED
    job.message = message
    job.processed_rows = 0
    job.finished_at = utcnow()
    if errors is not None:
        job.errors = errors
    commit_on_its_own("the failure is recorded on the job: the import's rows were rolled back")
    return job


def progress_of(job: ImportJob) -> dict[str, Any]:
    """What the progress bar polls."""
    total = job.valid_rows or job.total_rows or 0
    if job.status == ImportStatus.DONE:
        processed, percent = total, 100
    else:
        processed = job.processed_rows
        percent = int(100 * processed / total) if total else 0
    return {
        "id": job.id,
        "status": job.status,
        "processed_rows": processed,
        "total_rows": total,
        "percent": percent,
        "created_rows": job.created_rows,
        "updated_rows": job.updated_rows,
        "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED),
        "message": job.message,
    }


# --- export -------------------------------------------------------------------------------------


def _workbook(sheets: Iterable[tuple[str, list[str], Iterable[list[Any]]]]) -> bytes:
    book = spreadsheets.Book()
    for title, headers, rows in sheets:
        sheet = book.sheet(title)
        sheet.header(headers)
        for values in rows:
            sheet.append(values)
    return book.to_bytes()


def _level_word(rep: Representative) -> str:
    if rep.is_township_rep and rep.is_county_rep:
        return "乡镇和县"
    return "县" if rep.is_county_rep else "乡镇"


@dataclass(frozen=True)
class RosterFilter:
    """The roster page's filters, applied to the export (none: the whole roster)."""

    q: str | None = None
    status: str | None = None
    branch_id: int | None = None
    group_id: int | None = None


def _thematic_names() -> dict[int, str]:
    """Each representative's current thematic groups (专业小组), by name, "、"-joined."""
    names: dict[int, list[str]] = {}
    for rep_id, name in db.session.execute(
        select(GroupMembership.representative_id, RepresentativeGroup.name)
        .join(RepresentativeGroup, RepresentativeGroup.id == GroupMembership.group_id)
        .where(
            GroupMembership.ended_on.is_(None),
            RepresentativeGroup.kind == GroupKind.THEMATIC,
        )
        .order_by(RepresentativeGroup.name)
    ):
        names.setdefault(rep_id, []).append(name)
    return {rep_id: "、".join(listed) for rep_id, listed in names.items()}


def export_rows(
    township: Township, reps: Iterable[Representative] | None = None
) -> list[list[Any]]:
    """The export's rows: of `reps` (the page's filtered roster), or of everyone."""
    branches = {id_: name for id_, name in db.session.execute(select(Branch.id, Branch.name))}
    groups = {
        id_: name
        for id_, name in db.session.execute(
            select(RepresentativeGroup.id, RepresentativeGroup.name)
        )
    }
    thematic = _thematic_names()
    if reps is None:
        reps = db.session.scalars(
            select(Representative).order_by(
                Representative.name_pinyin, Representative.birth_date, Representative.id
            )
        )
    return [
        [
            rep.name,
            choices.label(choices.GENDER, rep.gender),
            rep.birth_date,
            rep.ethnicity,
            choices.label(choices.EDUCATION, rep.education),
            choices.label(choices.CATEGORY, rep.category),
            "是" if rep.is_grassroots_cadre else "否",
            branches.get(rep.branch_id, "") if rep.branch_id else "",
            groups.get(rep.group_id, "") if rep.group_id else "",
            _level_word(rep),
            rep.term,
            rep.phone or "",
            rep.workplace or "",
            rep.post or "",
            thematic.get(rep.id, ""),
            choices.label(choices.STATUS, rep.status),
        ]
        for rep in reps
    ]


@use_case
def export_roster(actor: Actor, township: Township, filters: RosterFilter | None = None) -> bytes:
    """The roster with the import's headers: it imports back (a filtered one changes only the
    people it lists). Without filters, everyone (in office and ended); with the roster page's,
    the people the page lists. Every personal field of everyone: only for who may see them all
    (people/privacy.py)."""
    _require_office(actor, township)
    if not privacy.viewer_for(actor, township.id).sees_everything(privacy.Kind.REPRESENTATIVE):
        raise PermissionDenied()
    reps = None
    if filters is not None and filters != RosterFilter():
        reps, _total = people.list_representatives(
            actor,
            township,
            q=filters.q,
            status=filters.status,
            branch_id=filters.branch_id,
            group_id=filters.group_id,
        )
    rows = export_rows(township, reps)
    audit.record(
        "representative.exported",
        actor=actor,
        tenant_id=township.id,
        target_type="roster",
        after={"rows": len(rows)},
    )
    return _workbook([(_("代表名册"), EXPORT_HEADERS, rows)])


def blank_template(actor: Actor, township: Township) -> bytes:
    """The headers, and a second sheet explaining each column and the words accepted."""
    _require_office(actor, township)
    branches = db.session.scalars(select(Branch.name).order_by(Branch.name)).all()
    groups = db.session.scalars(
        select(RepresentativeGroup.name).order_by(RepresentativeGroup.name)
    ).all()
    words = {
        "name": _("必填。姓名和出生日期相同即视为同一人：再次导入会更新，不会重复添加。"),
        "gender": _("必填：男 / 女"),
        "birth_date": _("必填：如 1980-03-01、1980/3/1、1980.03.01、1980年3月1日"),
        "ethnicity": _("如 汉族；不填为汉族"),
        "education": _("必填：") + " / ".join(str(v) for v in choices.EDUCATION.values()),
        "category": _("必填：") + " / ".join(str(v) for v in choices.CATEGORY.values()),
        "is_grassroots_cadre": _("是 / 否；不填为否"),
        "branch": _("填写支部全称：") + "、".join(branches),
        "group": _("填写名称：") + "、".join(groups),
        "level": _("乡镇 / 县 / 乡镇和县；不填为乡镇"),
        "term": _("必填：数字，如 12 或 第十二届"),
        "phone": _("11位手机号或带区号的固定电话"),
        "workplace": "",
        "post": "",
        "thematic_groups": _("可填多个，用“、”分隔：")
        + "、".join(
            db.session.scalars(
                select(RepresentativeGroup.name)
                .where(RepresentativeGroup.kind == GroupKind.THEMATIC)
                .order_by(RepresentativeGroup.name)
            )
        )
        + _("。填写后以本表为准，不填该列则不改动"),
    }
    notes = [[header, words.get(f, "")] for f, header, _s in COLUMNS]
    return _workbook(
        [
            (_("代表名册"), [header for _f, header, _s in COLUMNS], []),
            (_("填写说明"), [_("列"), _("说明")], notes),
        ]
    )


def content_disposition(filename: str) -> str:
    """RFC 5987/6266: an ASCII fallback name and the UTF-8 name for every current browser."""
    from urllib.parse import quote

    ascii_name = "roster.xlsx" if filename == EXPORT_FILENAME else "template.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def describe_errors(errors: list[Mapping[str, Any]]) -> list[str]:
    """ "第5行 出生日期：日期无效：1990.13.01" lines (flash messages, logs)."""
    return [
        _(
            "第%(row)s行 %(column)s：%(message)s",
            row=e["row"],
            column=e["column"],
            message=e["message"],
        )
        for e in errors
    ]
