"""Signed checkpoints of the audit chains, kept in the file store, outside the database.

A checkpoint says "chain C had N entries and its N-th hash was H at time T", signed with the
audit key; it is written once under `audit-checkpoints/<chain>/<N, 12 digits>.json` and never
overwritten. On S3 each object asks for Object Lock retention (COMPLIANCE) where the bucket has
Object Lock enabled, so that not even the bucket's owner can delete or replace it before the
retention ends; a bucket without it takes the object plainly.

`audit-checkpoints/legacy.json`, written once by the first checkpoint run, anchors the entries
written before entries were signed (their `mac` is NULL): per chain, how many there were and
the hash of the last of them. Any other entry without a MAC is a forgery.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from lianxin.audit import keys
from lianxin.storage.backends import LocalStorage, S3Storage, StorageError, storage

log = logging.getLogger("lianxin.audit")

PREFIX = "audit-checkpoints"
LEGACY_KEY = f"{PREFIX}/legacy.json"
# Object Lock retention asked for each checkpoint on S3 (COMPLIANCE: nobody can shorten it).
RETAIN = timedelta(days=3650)
CHAIN_NAME = re.compile(r"(?:t:\d+|c:\d+|platform)")
_CHECKPOINT_KEY = re.compile(rf"{PREFIX}/({CHAIN_NAME.pattern})/(\d{{12}})\.json")
_HASH = re.compile(r"[0-9a-f]{64}")


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    seq: int
    hash: str
    at: str

    @property
    def key(self) -> str:
        return checkpoint_key(self.chain, self.seq)

    def body(self) -> dict[str, Any]:
        return {"v": 1, "chain": self.chain, "seq": self.seq, "hash": self.hash, "at": self.at}

    def to_bytes(self) -> bytes:
        body = self.body()
        return _canonical({**body, "sig": keys.mac(keys.CHECKPOINT, _canonical(body))})


@dataclass(frozen=True)
class LegacyAnchor:
    """Per chain, the entries written before signing began: (count, hash of the last one)."""

    chains: dict[str, tuple[int, str]]
    at: str

    def body(self) -> dict[str, Any]:
        return {
            "v": 1,
            "at": self.at,
            "chains": {c: {"seq": s, "hash": h} for c, (s, h) in sorted(self.chains.items())},
        }

    def to_bytes(self) -> bytes:
        body = self.body()
        return _canonical({**body, "sig": keys.mac(keys.LEGACY, _canonical(body))})


@dataclass
class Anchors:
    """What the file store says about the chains: checkpoints, the legacy anchor, and objects
    that are not what they claim (bad signature, wrong name) — a sign the store was written to
    by someone without the audit key."""

    checkpoints: dict[str, dict[int, Checkpoint]] = field(default_factory=dict)
    legacy: LegacyAnchor | None = None
    legacy_problem: str | None = None
    invalid: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def latest(self, chain: str) -> Checkpoint | None:
        points = self.checkpoints.get(chain)
        return points[max(points)] if points else None

    def chains(self) -> set[str]:
        return set(self.checkpoints) | set(self.invalid)


def checkpoint_key(chain: str, seq: int) -> str:
    if not CHAIN_NAME.fullmatch(chain):
        raise ValueError(f"not an audit chain name: {chain!r}")
    return f"{PREFIX}/{chain}/{seq:012d}.json"


# --- the stores -----------------------------------------------------------------------------


class CheckpointStore(Protocol):
    def keys(self, prefix: str) -> list[str]: ...
    def read(self, key: str) -> bytes | None: ...
    def create(self, key: str, data: bytes) -> bool:
        """Write `key` unless it exists (then return False): a checkpoint is never replaced."""
        ...


class LocalCheckpointStore:
    """The local folder: files made read-only and linked into place, so never overwritten."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError("key escapes the storage root")
        return path

    def keys(self, prefix: str) -> list[str]:
        base = self._path(prefix.rstrip("/"))
        if base.is_file():
            return [prefix]
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*.json"))

    def read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def create(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o444)
            try:
                os.link(tmp, path)  # atomic, and refuses an existing name (rename would replace)
            except FileExistsError:
                return False
            return True
        finally:
            os.unlink(tmp)


class S3CheckpointStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def keys(self, prefix: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            )
            return sorted(o["Key"] for page in pages for o in page.get("Contents", []))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def read(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc
        with response["Body"] as body:
            data: bytes = body.read()
        return data

    def create(self, key: str, data: bytes) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        if self.read(key) is not None:
            return False
        retain = datetime.now(UTC) + RETAIN
        lock: dict[str, Any] = {
            "ObjectLockMode": "COMPLIANCE",
            "ObjectLockRetainUntilDate": retain,
        }
        # If-None-Match: * makes the PUT itself refuse an existing key (S3 conditional writes);
        # a store that does not implement it is covered by the read above.
        conditional: dict[str, Any] = {"IfNoneMatch": "*"}
        while True:
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=data,
                    ContentType="application/json",
                    **lock,
                    **conditional,
                )
                return True
            except ClientError as exc:
                error = exc.response.get("Error", {})
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                code = error.get("Code")
                if code in ("PreconditionFailed", "ConditionalRequestConflict") or status == 412:
                    return False
                if lock:
                    # No Object Lock on this bucket (or no right to set it): store it plainly.
                    log.debug("audit checkpoint %s without Object Lock: %s", key, code)
                    lock = {}
                    continue
                if conditional and code in ("NotImplemented", "InvalidArgument"):
                    conditional = {}
                    continue
                raise StorageError(str(exc)) from exc
            except BotoCoreError as exc:
                raise StorageError(str(exc)) from exc


def checkpoint_store() -> CheckpointStore:
    """The app's file store (LIANXIN_STORAGE), seen as a store of checkpoints."""
    backend = storage()
    if isinstance(backend, LocalStorage):
        return LocalCheckpointStore(backend.root)
    if isinstance(backend, S3Storage):
        return S3CheckpointStore(backend.client, backend.bucket)
    raise StorageError(f"audit checkpoints need a local or S3 store, not {type(backend).__name__}")


# --- reading them back ----------------------------------------------------------------------


def _signed(data: bytes, label: bytes) -> dict[str, Any]:
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise ValueError("not JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("sig"), str):
        raise ValueError("not a signed object")
    sig = body.pop("sig")
    if not keys.matches(keys.mac(label, _canonical(body)), sig):
        raise ValueError("signature invalid (not written with the audit key)")
    return body


def parse_checkpoint(key: str, data: bytes) -> Checkpoint:
    match = _CHECKPOINT_KEY.fullmatch(key)
    if match is None:
        raise ValueError(f"not a checkpoint key: {key}")
    body = _signed(data, keys.CHECKPOINT)
    point = Checkpoint(
        chain=str(body.get("chain")),
        seq=int(body.get("seq", -1)),
        hash=str(body.get("hash")),
        at=str(body.get("at")),
    )
    if (point.chain, point.seq) != (match.group(1), int(match.group(2))):
        raise ValueError(f"names chain {point.chain} #{point.seq}, stored as {key}")
    if not _HASH.fullmatch(point.hash):
        raise ValueError("hash malformed")
    return point


def parse_legacy(data: bytes) -> LegacyAnchor:
    body = _signed(data, keys.LEGACY)
    chains = {
        str(chain): (int(link["seq"]), str(link["hash"]))
        for chain, link in dict(body.get("chains") or {}).items()
    }
    return LegacyAnchor(chains, str(body.get("at")))


def load(store: CheckpointStore, chain: str | None = None) -> Anchors:
    """Every checkpoint (of one chain, or all) and the legacy anchor, each signature checked."""
    anchors = Anchors()
    prefix = f"{PREFIX}/{chain}/" if chain else f"{PREFIX}/"
    for key in store.keys(prefix):
        match = _CHECKPOINT_KEY.fullmatch(key)
        if match is None:
            continue  # the legacy anchor, or a name that is none of ours
        name, seq = match.group(1), int(match.group(2))
        data = store.read(key)
        if data is None:
            continue  # removed while listed
        try:
            point = parse_checkpoint(key, data)
        except (ValueError, TypeError) as exc:
            anchors.invalid.setdefault(name, []).append((seq, str(exc)))
            continue
        anchors.checkpoints.setdefault(name, {})[seq] = point
    data = store.read(LEGACY_KEY)
    if data is not None:
        try:
            anchors.legacy = parse_legacy(data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            anchors.legacy_problem = f"{LEGACY_KEY}: {exc}"
    elif anchors.chains():
        # The first checkpoint run writes it before any checkpoint, so it was removed. It is
        # never written again: that would bless any chain whose MACs were stripped since.
        anchors.legacy_problem = f"{LEGACY_KEY} is missing but checkpoints exist"
    return anchors
