"""Writing and verifying the hash-chained audit log (README.md in this folder).

Each entry's hash covers its content and the previous hash; its `mac` is an HMAC of that hash
under the audit key (lianxin.audit.keys), which the database never holds. Signed checkpoints in
the file store (lianxin.audit.checkpoints) pin each chain's length and hash from outside the
database. `verify_chain` checks all three; `checkpoint_all` writes the checkpoints.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from lianxin.audit import checkpoints, keys
from lianxin.audit.checkpoints import Anchors, Checkpoint, CheckpointStore
from lianxin.audit.models import AuditChainHead, AuditEntry
from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.storage.backends import StorageError

log = logging.getLogger("lianxin.audit")

GENESIS = "0" * 64


def chain_for(tenant_id: int | None, county_id: int | None) -> str:
    if tenant_id is not None:
        return f"t:{tenant_id}"
    if county_id is not None:
        return f"c:{county_id}"
    return "platform"


def _canonical(entry: AuditEntry) -> bytes:
    created: datetime = entry.created_at
    body = {
        "chain": entry.chain,
        "seq": entry.seq,
        "tenant_id": entry.tenant_id,
        "county_id": entry.county_id,
        "actor_user_id": entry.actor_user_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "before": entry.before,
        "after": entry.after,
        "ip": entry.ip,
        "created_at": created.isoformat(timespec="microseconds"),
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _last_link(chain: str) -> tuple[int, str] | None:
    """The chain's last (seq, hash), with the right to append after it until the commit.

    PostgreSQL: a transaction-level advisory lock on the chain's name serialises appenders (the
    next appender's read, a new statement under READ COMMITTED, sees the committed entry); the
    unique (chain, seq) constraint refuses a fork whatever happens. SQLite: every write
    transaction begins IMMEDIATE, so writers are serialised already.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(chain, 0))))
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.chain == chain)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row.seq), str(row.hash))


def _register_chain(chain: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(AuditChainHead).values(chain=chain).on_conflict_do_nothing(index_elements=["chain"])
    )


def record(
    action: str,
    *,
    actor: Actor,
    tenant_id: int | None = None,
    county_id: int | None = None,
    target_type: str | None = None,
    target_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append a signed entry in the caller's transaction: it commits or rolls back with it."""
    session = db.session
    chain = chain_for(tenant_id, county_id)
    last = _last_link(chain)
    if last is None:
        _register_chain(chain)
    seq, prev_hash = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
    entry = AuditEntry(
        chain=chain,
        seq=seq,
        tenant_id=tenant_id,
        county_id=county_id,
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        actor_role=actor.primary_role(tenant_id=tenant_id, county_id=county_id),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=_jsonable(before),
        after=_jsonable(after),
        ip=actor.ip,
        created_at=utcnow(),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    entry.mac = keys.entry_mac(entry.hash)
    session.add(entry)
    session.flush()
    return entry


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    chain: str
    entries: int
    ok: bool
    broken_at: int | None = None
    reason: str | None = None
    unsigned: int = 0  # entries written before signing began, anchored by the legacy anchor
    checkpoints: int = 0  # signed checkpoints of this chain in the file store
    anchored: int = 0  # the latest checkpointed seq the chain agrees with
    last_hash: str | None = None


def _rows(chain: str, since: int) -> Iterable[AuditEntry]:
    result = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain == chain, AuditEntry.seq >= since)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=500)
    )
    try:
        yield from result
    finally:
        result.close()


def _walk(chain: str, anchors: Anchors, since: Checkpoint | None = None) -> ChainReport:
    """Check links, hashes, MACs and every checkpoint; from `since` (trusted) if given."""
    key = keys.audit_key()
    points = anchors.checkpoints.get(chain, {})
    legacy = anchors.legacy.chains.get(chain) if anchors.legacy is not None else None
    legacy_at = anchors.legacy.at if anchors.legacy is not None else ""
    unsigned = 0
    count = 0 if since is None else since.seq - 1
    prev: str | None = GENESIS if since is None else None

    def report(at: int | None = None, reason: str | None = None) -> ChainReport:
        anchored = max((s for s in points if s <= count), default=0)
        return ChainReport(
            chain,
            count,
            reason is None,
            at,
            reason,
            unsigned,
            len(points),
            anchored,
            prev if reason is None else None,
        )

    for entry in _rows(chain, count + 1):
        count += 1
        if entry.seq != count:
            return report(count, "sequence gap (entry removed)")
        if since is not None and count == since.seq and entry.hash != since.hash:
            return report(count, f"differs from the checkpoint of {since.at}")
        if prev is not None and entry.prev_hash != prev:
            return report(count, "link to previous entry broken")
        if entry_hash(entry) != entry.hash:
            return report(count, "content changed")
        if entry.mac is None:
            if legacy is None or count > legacy[0]:
                return report(count, _unsigned_reason(anchors, legacy))
            unsigned += 1
        elif not keys.matches(keys.entry_mac(entry.hash, key), entry.mac):
            return report(count, "MAC invalid (entry forged, or re-hashed without the audit key)")
        if legacy is not None and count == legacy[0] and entry.hash != legacy[1]:
            return report(count, f"differs from the legacy anchor of {legacy_at}")
        point = points.get(count)
        if point is not None and entry.hash != point.hash:
            return report(count, f"differs from the checkpoint of {point.at}")
        prev = entry.hash
    past_end = [s for s in points if s > count]
    if legacy is not None and legacy[0] > count:
        past_end.append(legacy[0])
    if past_end:
        return report(
            count + 1,
            f"entries removed from the end: #{max(past_end)} was checkpointed, "
            f"the chain ends at #{count}",
        )
    problems = anchors.invalid.get(chain)
    if problems:
        seq, why = min(problems)
        return report(seq, f"checkpoint #{seq} in the file store is not genuine: {why}")
    return report()


def _unsigned_reason(anchors: Anchors, legacy: tuple[int, str] | None) -> str:
    if anchors.legacy_problem is not None:
        return f"entry has no MAC, and the legacy anchor is not genuine ({anchors.legacy_problem})"
    if anchors.legacy is None:
        return (
            "entry has no MAC and no legacy anchor covers it (entries written before signing "
            "began are anchored by the first `lianxin audit checkpoint`)"
        )
    if legacy is None:
        return "entry has no MAC (this chain had no unsigned entries when they were anchored)"
    return (
        f"entry has no MAC (only the first {legacy[0]} entries, written before signing began, "
        "may have none)"
    )


def load_anchors(chain: str | None = None) -> Anchors:
    """The checkpoints (and the legacy anchor) in the app's file store; raises StorageError."""
    return checkpoints.load(checkpoints.checkpoint_store(), chain)


def verify_chain(chain: str, *, anchors: Anchors | None = None) -> ChainReport:
    """Every entry's link, hash and MAC, and agreement with every checkpoint of the chain."""
    if anchors is None:
        try:
            anchors = load_anchors(chain)
        except StorageError as exc:
            return ChainReport(chain, 0, False, None, f"checkpoints unreadable: {exc}")
    return _walk(chain, anchors)


def all_chains() -> list[str]:
    """Every chain named in the registry or present in the entries."""
    # A loose index scan over (chain, seq): one index probe per chain, not a scan of entries.
    present = db.session.execute(
        text(
            "WITH RECURSIVE c(chain) AS ("
            " SELECT min(chain) FROM audit_entries"
            " UNION ALL"
            " SELECT (SELECT min(e.chain) FROM audit_entries e WHERE e.chain > c.chain)"
            " FROM c WHERE c.chain IS NOT NULL"
            ") SELECT chain FROM c WHERE chain IS NOT NULL"
        )
    ).scalars()
    registered = db.session.scalars(select(AuditChainHead.chain))
    return sorted({*present, *registered})


# --- checkpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointResult:
    chain: str
    report: ChainReport
    written: Checkpoint | None = None


def _legacy_anchor(store: CheckpointStore, anchors: Anchors) -> None:
    """Once, on the first checkpoint run: anchor the entries written before signing began.

    Per chain, the unsigned entries before its first signed one (mac NULL: written by the
    version before 0014_audit_anchor) and the hash of the last of them. They are trusted as the
    database holds them at this moment; from then on no other entry may lack a MAC.
    """
    first_signed = dict(
        db.session.execute(
            select(AuditEntry.chain, func.min(AuditEntry.seq))
            .where(AuditEntry.mac.is_not(None))
            .group_by(AuditEntry.chain)
        ).all()
    )
    last = dict(
        db.session.execute(
            select(AuditEntry.chain, func.max(AuditEntry.seq))
            .where(AuditEntry.mac.is_(None))
            .group_by(AuditEntry.chain)
        ).all()
    )
    chains: dict[str, tuple[int, str]] = {}
    for chain, last_unsigned in last.items():
        upto = min(last_unsigned, first_signed.get(chain, last_unsigned + 1) - 1)
        link = db.session.scalar(
            select(AuditEntry.hash).where(AuditEntry.chain == chain, AuditEntry.seq == upto)
        )
        if upto > 0 and link is not None:
            chains[chain] = (upto, link)
    anchor = checkpoints.LegacyAnchor(chains, checkpoints.now())
    if store.create(checkpoints.LEGACY_KEY, anchor.to_bytes()):
        anchors.legacy = anchor
        log.info("audit: legacy entries anchored: %s", chains or "none")
        return
    data = store.read(checkpoints.LEGACY_KEY)  # another run was first
    try:
        anchors.legacy = checkpoints.parse_legacy(data or b"")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        anchors.legacy_problem = f"{checkpoints.LEGACY_KEY}: {exc}"


def checkpoint_chain(chain: str, store: CheckpointStore, anchors: Anchors) -> CheckpointResult:
    """Check the chain from its latest checkpoint on, then sign where it ends now.

    A chain that does not verify gets no checkpoint: it would anchor the tampering.
    """
    latest = anchors.latest(chain)
    report = _walk(chain, anchors, since=latest)
    if not report.ok or report.last_hash is None or report.entries == 0:
        return CheckpointResult(chain, report)
    if latest is not None and latest.seq == report.entries:
        return CheckpointResult(chain, report)
    point = Checkpoint(chain, report.entries, report.last_hash, checkpoints.now())
    if not store.create(point.key, point.to_bytes()):
        data = store.read(point.key) or b""
        try:
            existing = checkpoints.parse_checkpoint(point.key, data)
        except (ValueError, TypeError) as exc:
            return CheckpointResult(
                chain, _failed(report, point.seq, f"checkpoint #{point.seq} not genuine: {exc}")
            )
        if existing.hash != point.hash:
            return CheckpointResult(
                chain,
                _failed(report, point.seq, f"differs from the checkpoint of {existing.at}"),
            )
        point = existing  # a concurrent run wrote the same one
    anchors.checkpoints.setdefault(chain, {})[point.seq] = point
    return CheckpointResult(chain, report, point)


def _failed(report: ChainReport, at: int, reason: str) -> ChainReport:
    return ChainReport(report.chain, report.entries, False, at, reason)


def checkpoint_all(chain: str | None = None) -> list[CheckpointResult]:
    """Sign a checkpoint of every chain that grew since its last one (the hourly beat task)."""
    store = checkpoints.checkpoint_store()
    anchors = checkpoints.load(store)
    if anchors.legacy is None and anchors.legacy_problem is None:
        _legacy_anchor(store, anchors)
    names = [chain] if chain else sorted(set(all_chains()) | anchors.chains())
    results = []
    for name in names:
        result = checkpoint_chain(name, store, anchors)
        if not result.report.ok:
            log.error(
                "audit chain %s BROKEN at #%s: %s (no checkpoint written)",
                name,
                result.report.broken_at,
                result.report.reason,
            )
        results.append(result)
    return results


# --- reading ------------------------------------------------------------------------------------


def entries_for_township(tenant_id: int, *, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain_for(tenant_id, None))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_for_township(tenant_id: int) -> int:
    last = db.session.scalar(
        select(func.max(AuditEntry.seq)).where(AuditEntry.chain == chain_for(tenant_id, None))
    )
    return int(last or 0)


def entries_for_platform(*, limit: int = 200) -> list[AuditEntry]:
    """The platform's own chain (counties created, platform accounts), newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain_for(None, None))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
    )


def entries_for_county(county_id: int, *, limit: int = 200) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain_for(None, county_id))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
    )
