"""Storing and serving files: type and size checks, tenant-prefixed keys, re-checked reads.

A file is read by exactly those who may read the object it belongs to, as that object's owner
says (lianxin.storage.owners); a file no object holds is the liaison office's. Refusals are
404s, so that a file one may not read cannot be told from one that does not exist.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import tempfile
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import IO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.core import LianxinSession
from lianxin.db.tenancy import require_tenant_id
from lianxin.errors import DomainError, NotFound, ValidationFailed
from lianxin.storage import owners
from lianxin.storage.backends import StorageError, storage
from lianxin.storage.models import StoredFile
from lianxin.tenants.models import Township
from lianxin.usecases.transaction import use_case

log = logging.getLogger("lianxin.storage")

# Allowed types, by content (sniffed) not by the name the browser sent.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/csv": ".csv",
    "text/plain": ".txt",
}
TEXT_SUFFIXES = {".csv": "text/csv", ".txt": "text/plain"}


class FileTooLarge(DomainError):
    status = 413
    code = "file_too_large"


class StorageUnavailable(DomainError):
    status = 503
    code = "storage_unavailable"


def _sniff(head: bytes, filename: str) -> str | None:
    kind = filetype.guess(head)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind is not None:
        mime = kind.mime
        if mime == "application/zip" and suffix in (".xlsx", ".docx"):
            mime = next(m for m, s in ALLOWED.items() if s == suffix)
        return mime if mime in ALLOWED else None
    if suffix in TEXT_SUFFIXES and _is_text(head):
        return TEXT_SUFFIXES[suffix]
    return None


# Control characters that text (CSV, plain text) does not contain; binary data nearly always does.
_CONTROL = frozenset(chr(c) for c in (*range(0x20), 0x7F)) - frozenset("\t\n\r\f")


def _is_text(head: bytes) -> bool:
    """UTF-8 or GB18030 text without control characters.

    `head` is the first bytes of the file and may end inside a multi-byte character (a Chinese
    CSV cut at 8 KiB), so it is decoded incrementally: an incomplete tail is not an error.
    """
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return not _CONTROL.intersection(text)
    return False


def _safe_name(filename: str) -> str:
    # Only a label: the key is random. No directory part, no leading dots (`..`, `.htaccess`).
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".") or "file"
    return "".join(ch for ch in name if ch.isprintable())[:200]


@dataclass(frozen=True)
class Download:
    file: StoredFile
    stream: IO[bytes]


@use_case
def save_upload(
    actor: Actor,
    township: Township,
    stream: IO[bytes],
    filename: str,
    *,
    purpose: str = "attachment",
    allowed: Collection[str] | None = None,
) -> StoredFile:
    """Check and store one upload, then write its row (committed by the outermost use case).

    The caller is the owner of the object the file is attached to, and has checked that the
    actor may change it; `purpose` names that owner's reader (lianxin.storage.owners). `allowed`
    narrows the accepted content types (a photo: images only); a file outside it is refused
    before any byte is stored."""
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    # The spool is closed on every path (a refused upload included): an unclosed temporary
    # file leaks a descriptor per request until the garbage collector finds it.
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as spool:
        digest, size = hashlib.sha256(), 0
        while chunk := stream.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise FileTooLarge(
                    _("文件超过大小上限（%(mb)d MB）", mb=limit // (1024 * 1024)),
                    errors={"file": [_("文件过大")]},
                )
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            raise ValidationFailed(errors={"file": [_("文件为空")]})
        spool.seek(0)
        content_type = _sniff(spool.read(8192), filename)
        if content_type is None:
            raise ValidationFailed(
                errors={"file": [_("不支持的文件类型（允许 PDF、图片、Excel、Word、CSV、文本）")]}
            )
        if allowed is not None and content_type not in allowed:
            raise ValidationFailed(errors={"file": [_("不支持此处上传该类型的文件")]})
        spool.seek(0)
        tenant_id = require_tenant_id()
        key = f"t/{tenant_id}/{purpose}/{uuid.uuid4().hex}{ALLOWED[content_type]}"
        try:
            storage().put(key, spool, content_type)
        except StorageError as exc:
            log.warning("upload failed: %s", exc)
            raise StorageUnavailable(_("文件存储暂时不可用，请稍后重试。")) from exc
    _delete_unless_committed(key)
    record = StoredFile(
        storage_key=key,
        filename=_safe_name(filename),
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        purpose=purpose,
        uploaded_by_id=actor.user_id,
    )
    db.session.add(record)
    db.session.flush()
    return record


# The objects an open transaction has stored: no orphan bytes for a row that never commits, be
# it this upload's commit that fails or, called inside another use case (a case's or a
# proposal's attachment), the caller's work that fails after the upload.
_UNCOMMITTED = "lianxin_storage_uncommitted"


# The other way round, the objects of the rows an open transaction has deleted
# (`delete_file`): their bytes go once the deletion is committed, never before, so a rolled-back
# erasure or photo change loses nothing.
_DELETED = "lianxin_storage_deleted"


def _delete_unless_committed(key: str) -> None:
    db.session.info.setdefault(_UNCOMMITTED, []).append((storage(), key))


def _delete_once_committed(key: str) -> None:
    db.session.info.setdefault(_DELETED, []).append((storage(), key))


@event.listens_for(LianxinSession, "after_commit")
def _keep_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the transaction is still open
    session.info.pop(_UNCOMMITTED, None)
    for store, key in session.info.pop(_DELETED, None) or ():
        try:
            store.delete(key)
        except StorageError as exc:  # the row is gone: the bytes are an operator's to remove
            log.error("object %s of a deleted file left in the store: %s", key, exc)


@event.listens_for(LianxinSession, "after_transaction_end")
def _delete_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """The whole transaction ended without a commit (rollback, close): delete its objects, and
    keep those of the rows it deleted (the rows are back)."""
    if transaction.parent is not None:
        return
    session.info.pop(_DELETED, None)
    for store, key in session.info.pop(_UNCOMMITTED, None) or ():
        try:
            store.delete(key)
        except StorageError as exc:  # never hide the original failure
            log.warning("orphan object %s left after a rollback: %s", key, exc)


def delete_file(township: Township, file_id: int) -> bool:
    """Delete one of the township's files: its row now, its bytes once the transaction commits.

    For the owner of the object that held the file, which has checked the actor and cleared its
    own pointer first (a row still pointed at is refused by the database). No actor: it commits
    with the caller's work. False if there is no such file. Not inside a SAVEPOINT: one rolled
    back would bring the row back while its bytes still went with the outer commit."""
    if require_tenant_id() != township.id:
        raise NotFound()
    if db.session().in_nested_transaction():
        raise RuntimeError("delete_file inside a SAVEPOINT: its rollback cannot keep the bytes")
    record = db.session.get(StoredFile, (township.id, int(file_id)))
    if record is None or not record.storage_key.startswith(f"t/{township.id}/"):
        return False
    key = record.storage_key
    db.session.delete(record)
    db.session.flush()
    _delete_once_committed(key)
    return True


def store_generated(
    township: Township, data: bytes, filename: str, *, content_type: str, purpose: str
) -> StoredFile:
    """A file the platform made itself (a monthly report, an export), stored under the township's
    prefix like an upload. No actor: the caller is a system job in the township's context.
    Adds the row without committing; the caller commits it with its own change."""
    if require_tenant_id() != township.id:
        raise NotFound()
    extension = ALLOWED.get(content_type, "")
    key = f"t/{township.id}/{purpose}/{uuid.uuid4().hex}{extension}"
    try:
        storage().put(key, io.BytesIO(data), content_type)
    except StorageError as exc:
        raise StorageUnavailable(_("文件存储暂时不可用，请稍后重试。")) from exc
    record = StoredFile(
        storage_key=key,
        filename=_safe_name(filename),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        purpose=purpose,
        uploaded_by_id=None,
    )
    db.session.add(record)
    db.session.flush()
    return record


@use_case
def save_office_file(
    actor: Actor, township: Township, stream: IO[bytes], filename: str
) -> StoredFile:
    """A file the liaison office keeps on the files page, attached to nothing: the office's only
    (no owner reads it), so only the office may store one."""
    permissions.require_office(actor, township)
    return save_upload(actor, township, stream, filename)


def list_files(actor: Actor, township: Township, *, limit: int = 100) -> list[StoredFile]:
    """The township's latest files, every owner's: the office's index (others are refused)."""
    permissions.require_office(actor, township)
    return list(
        db.session.scalars(
            select(StoredFile)
            .order_by(StoredFile.created_at.desc(), StoredFile.id.desc())
            .limit(limit)
        )
    )


def may_read(actor: Actor, township: Township, record: StoredFile) -> bool:
    """Whether the actor may read the file: its owner decides; an unowned file is the office's.

    The owner's reader answers through the owner's own service, which raises (NotFound,
    PermissionDenied) for an object the actor may not read."""
    read = owners.reader_for(record.purpose)
    if read is not None:
        try:
            if read(actor, township, record.id):
                return True
        except DomainError:  # NotFound, PermissionDenied, a switched-off module: fail closed
            return False
    # No owner holds the file (an office file, a replaced report, an owner not installed).
    return permissions.can_work_in_office(actor, township.id)


def open_download(actor: Actor, township: Township, file_id: int) -> Download:
    """Read a file of this township that the actor may read; the key is checked again against
    the township. Anything else is 404: existence does not leak."""
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    record = db.session.get(StoredFile, (township.id, file_id))
    if record is None or not record.storage_key.startswith(f"t/{township.id}/"):
        raise NotFound(_("未找到该文件"))
    if not may_read(actor, township, record):
        log.info("file %s refused to user %s", record.id, actor.user_id)
        raise NotFound(_("未找到该文件"))
    try:
        return Download(record, storage().open(record.storage_key))
    except StorageError as exc:
        raise StorageUnavailable(_("文件存储暂时不可用，请稍后重试。")) from exc


def open_linked_download(township: Township, file_id: int, held: Collection[int]) -> Download:
    """Read a file for the holder of a one-time link (someone without an account): the owner's
    service has checked the link and passes the ids of the files its one item holds (`held`).
    A file id outside them, another township's or a missing one is 404, like any refusal."""
    if int(file_id) not in {int(i) for i in held}:
        raise NotFound(_("未找到该文件"))
    record = db.session.get(StoredFile, (township.id, int(file_id)))
    if record is None or not record.storage_key.startswith(f"t/{township.id}/"):
        raise NotFound(_("未找到该文件"))
    try:
        return Download(record, storage().open(record.storage_key))
    except StorageError as exc:
        raise StorageUnavailable(_("文件存储暂时不可用，请稍后重试。")) from exc
