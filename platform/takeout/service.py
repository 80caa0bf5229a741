"""A township's data it can take away: the archive, the county's request and its download.

`write_archive(township, path)` writes every table of the township (found in the schema,
`policy.py`), its files and a manifest into one zip file, reading inside the township's
read-only tenant context: on PostgreSQL row-level security shows the app role that township's
rows and no other's, and every query names the township besides. The operator runs it from the
command line (`lianxin township export SLUG`); a county admin asks for it on the township's page
(`request_export`), the worker writes it into the file store through the outbox, and the admin
is told where to download it. Each is audited: asked for and downloaded in the county's chain,
written in the township's.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from lianxin.audit import service as audit
from lianxin.audit.models import AuditEntry
from lianxin.auth import permissions
from lianxin.auth.actor import SYSTEM, Actor, Grant, actor_for
from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.base import Base
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.notify import service as notify
from lianxin.takeout import policy
from lianxin.takeout.archive import FORMAT, FORMAT_VERSION, ArchiveWriter
from lianxin.tenants.models import County, Township
from lianxin.usecases import use_case

log = logging.getLogger("lianxin.takeout")

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOPIC = "takeout.export"
ZIP = "application/zip"
BATCH = 1000
EXPORT_ID = re.compile(r"^[0-9a-f]{32}$")
UNSAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")

# Who exports from the command line: whoever runs `lianxin township export` on the server.
COMMAND_LINE = Actor(
    user_id=None, name="命令行 lianxin township export", grants=(Grant(0, Role.PLATFORM_ADMIN),)
)


@dataclass
class ExportResult:
    """What one archive holds."""

    township_id: int
    slug: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing_files: list[int] = field(default_factory=list)
    foreign_files: list[int] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# --- the archive -----------------------------------------------------------------------------


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _rows(statement: Any) -> Iterator[Sequence[Any]]:
    """Rows of a SELECT, fetched in batches rather than all at once."""
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for row in result:
        yield tuple(row)


def _user_columns(table: Table, columns: Sequence[str]) -> list[int]:
    """Positions of the columns that name a user (their names go into users.json)."""
    names = {fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "users"}
    return [i for i, c in enumerate(columns) if c in names]


def _table_rows(
    plan: policy.TablePlan, township_id: int, users: set[int]
) -> Iterator[Sequence[Any]]:
    table = plan.table
    statement = select(*(table.c[c] for c in plan.columns)).where(table.c[plan.key] == township_id)
    extra = plan.where()
    if extra is not None:
        statement = statement.where(extra)
    statement = statement.order_by(*table.primary_key.columns)
    positions = _user_columns(table, plan.columns)
    for row in _rows(statement):
        for i in positions:
            if row[i] is not None:
                users.add(int(row[i]))
        yield row


def _ev_results() -> tuple[list[str], Iterator[Sequence[Any]]] | None:
    """Evaluation results per subject of each counted campaign, never a single answer: how
    many answered and, from K real grades on, the grades, mean scores and the comments sorted
    (what the office's results page shows)."""
    tables = Base.metadata.tables
    if "ev_answers" not in tables or "ev_campaigns" not in tables:
        return None
    answers, campaigns = tables["ev_answers"], tables["ev_campaigns"]
    columns = [
        "campaign_id",
        "subject_id",
        "answers",
        "cannot_evaluate",
        "graded",
        "grades",
        "mean_scores",
        "comments",
    ]

    def rows() -> Iterator[Sequence[Any]]:
        counted = {
            r.id: int(r.min_answers or 1)
            for r in db.session.execute(
                select(campaigns.c.id, campaigns.c.min_answers).where(
                    campaigns.c.counted_at.is_not(None)
                )
            )
        }
        if not counted:
            return
        statement = (
            select(
                answers.c.campaign_id,
                answers.c.subject_id,
                answers.c.scores,
                answers.c.overall,
                answers.c.comment,
                answers.c.cannot_evaluate,
            )
            .where(answers.c.campaign_id.in_(list(counted)))
            .order_by(answers.c.campaign_id, answers.c.subject_id)
        )
        current: tuple[int, int] | None = None
        group: list[Any] = []
        for row in [*_rows(statement), None]:
            key = None if row is None else (int(row[0]), int(row[1]))
            if key != current and current is not None:
                yield _subject_result(current, group, counted[current[0]])
                group = []
            current = key
            if row is not None:
                group.append(row)

    return columns, rows()


def _subject_result(key: tuple[int, int], group: list[Any], k: int) -> Sequence[Any]:
    real = [r for r in group if not r[5]]
    unknown = len(group) - len(real)
    if len(real) < k:
        return (*key, len(group), unknown, None, None, None, None)
    grades: dict[str, int] = {}
    sums: dict[str, list[float]] = {}
    for r in real:
        if r[3]:
            grades[str(r[3])] = grades.get(str(r[3]), 0) + 1
        for name, value in (r[2] or {}).items():
            if isinstance(value, int | float):
                sums.setdefault(str(name), []).append(float(value))
    means = {name: round(sum(v) / len(v), 2) for name, v in sorted(sums.items())}
    comments = sorted(str(r[4]) for r in real if r[4])
    return (*key, len(group), unknown, len(real), grades, means, comments)


def _users(ids: set[int], members: set[int]) -> Iterator[Sequence[Any]]:
    """The township's members in full (without secrets); others its rows name by name only."""
    table = User.__table__
    plan = policy.plan(table)
    for chunk in _chunks(sorted(ids)):
        statement = (
            select(*(table.c[c] for c in plan.columns))
            .where(table.c.id.in_(list(chunk)))
            .order_by(table.c.id)
        )
        for row in _rows(statement):
            record = dict(zip(plan.columns, row, strict=True))
            member = record["id"] in members
            if not member:
                record = {
                    c: record[c] if c in ("id", "display_name") else None for c in plan.columns
                }
            yield (*record.values(), member)


def _file_name(file_id: int, filename: str) -> str:
    name = UNSAFE_NAME.sub("_", filename).strip("._") or "file"
    return f"files/{file_id}/{name[:120]}"


def _files(writer: ArchiveWriter, township_id: int, result: ExportResult) -> list[dict[str, Any]]:
    from lianxin.storage.backends import StorageError, storage
    from lianxin.storage.models import StoredFile

    table = StoredFile.__table__
    listed: list[dict[str, Any]] = []
    statement = (
        select(table.c.id, table.c.storage_key, table.c.filename, table.c.sha256, table.c.size)
        .where(table.c.tenant_id == township_id)
        .order_by(table.c.id)
    )
    store = storage()
    for file_id, key, filename, sha256, size in _rows(statement):
        entry: dict[str, Any] = {"id": file_id, "filename": filename, "recorded_sha256": sha256}
        listed.append(entry)
        # Only this township's objects: a row can never pull another's file into the archive.
        if not str(key).startswith(f"t/{township_id}/"):
            entry["skipped"] = "not under this township's prefix"
            result.foreign_files.append(file_id)
            continue
        path = _file_name(file_id, filename)
        try:
            with store.open(key) as handle:
                written = writer.stream(path, handle)
        except (StorageError, FileNotFoundError, OSError) as exc:
            log.warning("export of township %s: file %s missing: %s", township_id, file_id, exc)
            entry["missing"] = True
            result.missing_files.append(file_id)
            continue
        entry.update(path=path, sha256=written["sha256"], size=written["size"])
        entry["matches_record"] = written["sha256"] == sha256 and written["size"] == size
        result.files += 1
    return listed


def _readme() -> str:
    return resources.files("lianxin.takeout").joinpath("README.md").read_text(encoding="utf-8")


def write_archive(township: Township, path: Path, *, created_by: str) -> ExportResult:
    """Write the township's archive to `path` (a zip), reading in its read-only context."""
    result = ExportResult(township.id, township.slug)
    county = db.session.get(County, township.county_id)
    tables: dict[str, Any] = {}
    users: set[int] = set()
    writer = ArchiveWriter(path)
    try:
        with tenant_context(township.id, read_only=True):

            def add(name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], **more: Any):
                count, _json, _csv = writer.table(f"tables/{name}", columns, rows)
                result.rows[name] = count
                tables[name] = {
                    "rows": count,
                    "columns": list(columns),
                    "json": f"tables/{name}.json",
                    "csv": f"tables/{name}.csv",
                    **more,
                }

            township_table = Township.__table__
            add(
                "townships",
                [c.name for c in township_table.columns],
                _rows(select(township_table).where(township_table.c.id == township.id)),
            )
            for plan in policy.keyed_tables(Base.metadata):
                more: dict[str, Any] = {}
                if plan.dropped:
                    more["dropped_columns"] = list(plan.dropped)
                if plan.name in policy.ROW_FILTERS:
                    more["rows_left_out"] = policy.ROW_FILTERS[plan.name][1]
                add(plan.name, plan.columns, _table_rows(plan, township.id, users), **more)
            derived = _ev_results()
            if derived is not None:
                add("ev_results", derived[0], derived[1], derived_from="ev_answers")
            members = {
                int(r[0])
                for r in db.session.execute(
                    select(Base.metadata.tables["memberships"].c.user_id).where(
                        Base.metadata.tables["memberships"].c.tenant_id == township.id
                    )
                )
            }
            user_plan = policy.plan(User.__table__)
            add(
                "users",
                [*user_plan.columns, "member"],
                _users(users | members, members),
                dropped_columns=list(user_plan.dropped),
            )
            preferences = Base.metadata.tables["channel_preferences"]
            pref_plan = policy.plan(preferences)
            add(
                "channel_preferences",
                pref_plan.columns,
                (
                    row
                    for chunk in _chunks(sorted(members))
                    for row in _rows(
                        select(*(preferences.c[c] for c in pref_plan.columns))
                        .where(preferences.c.user_id.in_(list(chunk)))
                        .order_by(preferences.c.user_id)
                    )
                ),
            )
            files = _files(writer, township.id, result)
        writer.text("README.md", _readme())
        writer.close(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
                "created_by": created_by,
                "township": {
                    "id": township.id,
                    "slug": township.slug,
                    "name": township.name,
                    "status": township.status,
                    "county": (
                        {"id": county.id, "slug": county.slug, "name": county.name}
                        if county is not None
                        else None
                    ),
                },
                "tables": tables,
                "files": files,
                "left_out": {
                    "tables": policy.EXCLUDED,
                    "platform_tables": policy.NOT_TOWNSHIP,
                    "columns": "any column named like a secret (password, token, salt, "
                    "sealed, *_hash, mac), and " + json.dumps(policy.DROPPED_COLUMNS),
                },
            }
        )
    except BaseException:
        writer.abort()
        raise
    return result


def _stamp() -> str:
    return datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M")


def archive_name(township: Township) -> str:
    return f"{township.slug}-{_stamp()}.zip"


def _snapshot(township_id: int) -> Township:
    """Begin a REPEATABLE READ transaction on PostgreSQL, so that every table is read at one
    moment (a command line's own; a task's transaction is already begun and reads as it is)."""
    session = db.session()
    bind = session.get_bind()
    # Bound to an engine only: a session joined to an outer connection (the tests') reads in
    # the outer transaction.
    postgres = isinstance(bind, Engine) and bind.dialect.name == "postgresql"
    if postgres and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    township = session.get(Township, township_id)
    assert township is not None
    return township


def export_to_file(township_id: int, out: Path, *, actor: Actor = COMMAND_LINE) -> ExportResult:
    """The command line's export: written beside `out` and moved into place only when whole
    (a failed export leaves no partial archive behind), then audited in the township's chain."""
    db.session.rollback()
    township = _snapshot(township_id)
    partial = out.with_name(out.name + ".partial")
    try:
        result = write_archive(township, partial, created_by=actor.name)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    db.session.rollback()  # the snapshot ends; the audit entry is written in its own transaction
    _audit_exported(actor, township_id, None, out.name, result)
    return result


@use_case
def _audit_exported(
    actor: Actor, township_id: int, export_id: str | None, filename: str, result: ExportResult
) -> None:
    _record_exported(actor, township_id, export_id, filename, result)


def _record_exported(
    actor: Actor, township_id: int, export_id: str | None, filename: str, result: ExportResult
) -> None:
    township = db.session.get(Township, township_id)
    assert township is not None
    audit.record(
        "township.exported",
        actor=actor,
        tenant_id=township.id,
        county_id=township.county_id,
        target_type="township",
        target_id=township.id,
        after={
            "file": export_id,
            "filename": filename,
            "rows": result.total_rows,
            "count": result.files,
        },
    )


# --- the county's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportEntry:
    """One export a county admin asked for, and whether its archive is ready."""

    export_id: str
    requested_at: datetime
    requested_by: str
    done: bool
    filename: str | None = None
    rows: int | None = None
    files: int | None = None
    finished_at: datetime | None = None


def storage_key(county_id: int, township_id: int, export_id: str) -> str:
    return f"c/{county_id}/takeout/{township_id}/{export_id}.zip"


def can_export(actor: Actor, county: County) -> bool:
    return permissions.can_administer_county(actor, county.id)


def county_township(actor: Actor, county: County, township_id: int) -> Township:
    """A township of this county, for its county admin; one of another county is not found."""
    if not can_export(actor, county):
        raise PermissionDenied()
    township = db.session.get(Township, township_id)
    if township is None or township.county_id != county.id:
        raise NotFound(_("未找到该乡镇"))
    return township


@use_case
def request_export(actor: Actor, county: County, township_id: int) -> str:
    """Ask for the township's archive: the worker writes it (through the outbox); audited."""
    township = county_township(actor, county, township_id)
    export_id = uuid.uuid4().hex
    audit.record(
        "township.export_requested",
        actor=actor,
        county_id=county.id,
        target_type="township",
        target_id=township.id,
        after={"slug": township.slug, "file": export_id},
    )
    notify.enqueue(
        TOPIC,
        {
            "export_id": export_id,
            "county_id": county.id,
            "township_id": township.id,
            "user_id": actor.user_id,
        },
        tenant_id=township.id,
        dedupe_key=f"takeout:{export_id}",
    )
    return export_id


@notify.handler(TOPIC)
def _export_on_request(message: Any) -> None:
    build_requested(dict(message.payload))


def build_requested(payload: dict[str, Any]) -> None:
    """The worker's part: write the archive into the file store and tell who asked."""
    export_id = str(payload["export_id"])
    if not EXPORT_ID.match(export_id):
        raise ValueError("not an export id")
    township = db.session.get(Township, int(payload["township_id"]))
    county_id = int(payload["county_id"])
    if township is None or township.county_id != county_id:
        log.warning("export %s: township %s gone or moved", export_id, payload["township_id"])
        return
    user = db.session.get(User, int(payload["user_id"])) if payload.get("user_id") else None
    actor = actor_for(user) if user is not None else SYSTEM
    if user is not None and not permissions.can_administer_county(actor, county_id):
        log.warning("export %s: %s is no longer a county admin", export_id, user.id)
        return
    from lianxin.storage.backends import storage

    filename = archive_name(township)
    handle, name = tempfile.mkstemp(prefix="lianxin-export-", suffix=".zip")
    os.close(handle)
    path = Path(name)
    try:
        result = write_archive(township, path, created_by=actor.name)
        with path.open("rb") as archive:
            storage().put(storage_key(county_id, township.id, export_id), archive, ZIP)
    finally:
        path.unlink(missing_ok=True)
    _record_exported(actor, township.id, export_id, filename, result)
    if user is not None:
        county = db.session.get(County, county_id)
        notify.notify(
            [user.id],
            _("%(name)s 的数据导出已完成", name=township.name),
            _(
                "共 %(rows)s 行数据、%(files)s 个文件，可在乡镇页面下载。",
                rows=result.total_rows,
                files=result.files,
            ),
            tenant_id=None,
            link=f"/c/{county.slug if county else county_id}/townships/{township.id}/takeout",
        )


def _entries(chain: str, action: str, limit: int, target_id: str | None = None) -> list[Any]:
    statement = select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.action == action)
    if target_id is not None:
        statement = statement.where(AuditEntry.target_id == target_id)
    return list(db.session.scalars(statement.order_by(AuditEntry.seq.desc()).limit(limit)))


def exports(actor: Actor, county: County, township_id: int, limit: int = 20) -> list[ExportEntry]:
    """The township's exports this county asked for, newest first, read from the audit log."""
    township = county_township(actor, county, township_id)
    asked = _entries(
        audit.chain_for(None, county.id),
        "township.export_requested",
        limit,
        target_id=str(township.id),
    )
    written = {
        (e.after or {}).get("file"): e
        for e in _entries(audit.chain_for(township.id, None), "township.exported", limit * 5)
    }
    out = []
    for entry in asked:
        export_id = str((entry.after or {}).get("file") or "")
        done = written.get(export_id)
        after = (done.after or {}) if done is not None else {}
        out.append(
            ExportEntry(
                export_id=export_id,
                requested_at=entry.created_at,
                requested_by=entry.actor_name,
                done=done is not None,
                filename=after.get("filename"),
                rows=after.get("rows"),
                files=after.get("count"),
                finished_at=done.created_at if done is not None else None,
            )
        )
    return out


@use_case
def open_export(
    actor: Actor, county: County, township_id: int, export_id: str
) -> tuple[IO[bytes], str]:
    """The archive of a finished export, for the county admin; the download is audited."""
    from lianxin.storage.backends import StorageError, storage

    township = county_township(actor, county, township_id)
    if not EXPORT_ID.match(export_id):
        raise NotFound()
    found = next(
        (e for e in exports(actor, county, township.id, 200) if e.export_id == export_id), None
    )
    if found is None or not found.done:
        raise NotFound()
    try:
        handle = storage().open(storage_key(county.id, township.id, export_id))
    except (StorageError, FileNotFoundError, OSError):
        raise NotFound() from None
    audit.record(
        "township.export_downloaded",
        actor=actor,
        county_id=county.id,
        target_type="township",
        target_id=township.id,
        after={"file": export_id, "filename": found.filename},
    )
    return handle, found.filename or f"{township.slug}.zip"


def township_by_slug(slug: str) -> Township | None:
    return db.session.scalars(select(Township).where(Township.slug == slug)).first()


__all__ = [
    "COMMAND_LINE",
    "ExportEntry",
    "ExportResult",
    "can_export",
    "export_to_file",
    "exports",
    "open_export",
    "request_export",
    "write_archive",
]
