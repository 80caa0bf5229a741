"""How far each chain is verified, for the county's and the platform's audit pages.

Drawing a page does not walk the chain: it reads the chain's latest signed checkpoint in the
file store (one listing, one object) and checks in the database, by two indexed lookups, that
the entry at that seq still has the checkpointed hash and that the chain still reaches it.
"Check now" (立即核验) does what the hourly task does for these chains only: walks the entries
after the latest checkpoint (link, hash, MAC) and, if they verify, signs a new checkpoint.
`lianxin audit verify` walks whole chains (README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lianxin.audit import checkpoints
from lianxin.audit import service as audit
from lianxin.audit.checkpoints import Anchors, Checkpoint, CheckpointStore
from lianxin.audit.models import AuditEntry
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import PermissionDenied
from lianxin.storage.backends import StorageError
from lianxin.usecases import use_case

STALE = timedelta(hours=2)  # the hourly task should have checked entries older than this


@dataclass(frozen=True)
class ChainStatus:
    chain: str
    entries: int
    checkpoint: Checkpoint | None = None
    problem: str | None = None  # a break found, or the store unreadable
    stale: bool = False  # entries after the checkpoint older than STALE: not checked hourly

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def pending(self) -> int:
        return self.entries - (self.checkpoint.seq if self.checkpoint else 0)

    @property
    def checked_at(self) -> datetime | None:
        if self.checkpoint is None:
            return None
        try:
            return datetime.fromisoformat(self.checkpoint.at)
        except ValueError:
            return None


def _latest(store: CheckpointStore, chain: str) -> tuple[Checkpoint | None, str | None]:
    """The chain's latest genuine checkpoint, and a problem if a later one is not genuine."""
    problem = None
    for key in sorted(store.keys(f"{checkpoints.PREFIX}/{chain}/"), reverse=True):
        data = store.read(key)
        if data is None:
            continue
        try:
            return checkpoints.parse_checkpoint(key, data), problem
        except (ValueError, TypeError) as exc:
            problem = problem or f"checkpoint {key.rsplit('/', 1)[-1]} is not genuine: {exc}"
    return None, problem


def chain_status(chain: str, store: CheckpointStore | None = None) -> ChainStatus:
    entries = int(
        db.session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.chain == chain)) or 0
    )
    try:
        store = store or checkpoints.checkpoint_store()
        point, problem = _latest(store, chain)
    except StorageError as exc:
        return ChainStatus(chain, entries, None, f"checkpoints unreadable: {exc}")
    if point is not None and problem is None:
        if point.seq > entries:
            problem = (
                f"entries removed from the end: #{point.seq} was checkpointed, "
                f"the chain ends at #{entries}"
            )
        else:
            stored = db.session.scalar(
                select(AuditEntry.hash).where(
                    AuditEntry.chain == chain, AuditEntry.seq == point.seq
                )
            )
            if stored != point.hash:
                problem = f"entry #{point.seq} differs from the checkpoint of {point.at}"
    since = point.seq if point is not None else 0
    oldest = db.session.scalar(
        select(AuditEntry.created_at).where(AuditEntry.chain == chain, AuditEntry.seq == since + 1)
    )
    stale = oldest is not None and oldest < utcnow() - STALE
    return ChainStatus(chain, entries, point, problem, stale)


def statuses(chains: list[str]) -> list[ChainStatus]:
    try:
        store = checkpoints.checkpoint_store()
    except StorageError as exc:
        return [ChainStatus(c, 0, None, f"checkpoints unreadable: {exc}") for c in chains]
    return [chain_status(chain, store) for chain in chains]


@dataclass(frozen=True)
class CheckResult:
    chain: str
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str | None = None
    written: int | None = None  # the seq of the checkpoint signed now


def check_now(chains: list[str]) -> list[CheckResult]:
    """Check the entries after each chain's latest checkpoint and sign a new one if they
    verify (the hourly task's work, for these chains). Raises StorageError."""
    store = checkpoints.checkpoint_store()
    legacy = store.read(checkpoints.LEGACY_KEY)
    if legacy is None:
        # No checkpoint run yet: the first one anchors the unsigned entries (service.py).
        return [_result(r.report, r.written) for c in chains for r in audit.checkpoint_all(c)]
    out = []
    for chain in chains:
        anchors = Anchors()
        try:
            anchors.legacy = checkpoints.parse_legacy(legacy)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            anchors.legacy_problem = f"{checkpoints.LEGACY_KEY}: {exc}"
        point, problem = _latest(store, chain)
        if point is not None:
            anchors.checkpoints[chain] = {point.seq: point}
        if problem is not None:
            out.append(CheckResult(chain, False, point.seq if point else 0, None, problem))
            continue
        result = audit.checkpoint_chain(chain, store, anchors)
        out.append(_result(result.report, result.written))
    return out


def _result(report: audit.ChainReport, written: Checkpoint | None) -> CheckResult:
    return CheckResult(
        report.chain,
        report.ok,
        report.entries,
        report.broken_at,
        report.reason,
        written.seq if written is not None else None,
    )


# --- the chains a page answers for, and checking them from the page ----------------------------


def scope_chains(county_id: int | None) -> list[tuple[str, str]]:
    """(chain, whose) of a county's page (the county's and its townships') or of the
    platform's (the platform's and every county's)."""
    from lianxin.tenants.models import County, Township

    if county_id is not None:
        county = db.session.get(County, county_id)
        townships = db.session.execute(
            select(Township.id, Township.name)
            .where(Township.county_id == county_id)
            .order_by(Township.name)
        ).all()
        return [
            (audit.chain_for(None, county_id), county.name if county else ""),
            *((audit.chain_for(tid, None), name) for tid, name in townships),
        ]
    counties = db.session.execute(select(County.id, County.name).order_by(County.name)).all()
    return [
        (audit.chain_for(None, None), ""),
        *((audit.chain_for(None, cid), name) for cid, name in counties),
    ]


def _may_check(actor: Actor, county_id: int | None) -> bool:
    if county_id is None:
        return permissions.can_administer_platform(actor)
    return permissions.can_administer_county(actor, county_id)


@use_case
def verify_now(actor: Actor, *, county_id: int | None) -> list[CheckResult]:
    """立即核验 on a county's or the platform's audit page: check the page's chains from their
    latest checkpoints on, sign new checkpoints where they verify, and record that it was done
    (and any break) in the page's own chain. Raises StorageError when the store is down."""
    if not _may_check(actor, county_id):
        raise PermissionDenied()
    results = check_now([chain for chain, _whose in scope_chains(county_id)])
    broken = [f"{r.chain} #{r.broken_at or r.entries}" for r in results if not r.ok]
    audit.record(
        "audit.checked",
        actor=actor,
        county_id=county_id,
        after={
            "chains": len(results),
            "verified": sum(r.ok for r in results),
            "broken": broken,
        },
    )
    return results


@dataclass(frozen=True)
class LastCheck:
    """The latest 立即核验 recorded in a page's chain."""

    at: datetime
    actor_name: str
    chains: int
    broken: dict[str, int]  # chain → the entry where it broke


def last_check(chain: str) -> LastCheck | None:
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain == chain, AuditEntry.action == "audit.checked")
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    if entry is None:
        return None
    after = entry.after or {}
    broken = {}
    for item in after.get("broken") or []:
        name, _sep, at = str(item).partition(" #")
        broken[name] = int(at) if at.isdigit() else 0
    return LastCheck(entry.created_at, entry.actor_name, int(after.get("chains") or 0), broken)


def still_broken(state: ChainStatus, check: LastCheck | None) -> int | None:
    """Where the last 立即核验 found this chain broken, unless a checkpoint signed since (which
    only a verified walk writes) shows it whole again."""
    if check is None or state.chain not in check.broken:
        return None
    checked_at = state.checked_at
    if checked_at is not None and checked_at >= check.at:
        return None
    return check.broken[state.chain]
