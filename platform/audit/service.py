"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from lianxin.audit.models import AuditChainHead, AuditEntry
from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow

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
    """Append an entry in the caller's transaction: it commits or rolls back with the change."""
    session = db.session
    chain = chain_for(tenant_id, county_id)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(AuditChainHead)
        .values(chain=chain, seq=0, hash=GENESIS)
        .on_conflict_do_nothing(index_elements=["chain"])
    )
    # The row lock serialises appends to one chain, so two writers never fork it.
    head = session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.chain == chain)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    entry = AuditEntry(
        chain=chain,
        seq=head.seq + 1,
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
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    chain: str
    entries: int
    ok: bool
    broken_at: int | None = None
    reason: str | None = None


def _entries(chain: str) -> Iterator[AuditEntry]:
    yield from db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain == chain)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=500)
    )


def verify_chain(chain: str) -> ChainReport:
    prev, count = GENESIS, 0
    for entry in _entries(chain):
        count += 1
        if entry.seq != count:
            return ChainReport(chain, count, False, entry.seq, "sequence gap (entry removed)")
        if entry.prev_hash != prev:
            return ChainReport(chain, count, False, entry.seq, "link to previous entry broken")
        if entry_hash(entry) != entry.hash:
            return ChainReport(chain, count, False, entry.seq, "content changed")
        prev = entry.hash
    head = db.session.get(AuditChainHead, chain)
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(chain, count, False, count + 1, "entries removed from the end")
    return ChainReport(chain, count, True)


def all_chains() -> list[str]:
    return list(db.session.scalars(select(AuditChainHead.chain).order_by(AuditChainHead.chain)))


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
    head = db.session.get(AuditChainHead, chain_for(tenant_id, None))
    return head.seq if head is not None else 0


def entries_for_county(county_id: int, *, limit: int = 200) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain_for(None, county_id))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
    )
