"""The hourly audit checkpoint: each chain that grew is checked and signed into the file store.

Scheduled with the other core entries in lianxin.jobs (`audit-checkpoint`, every hour).
"""

from __future__ import annotations

from celery import shared_task

from lianxin.jobs import PlatformTask


class AuditChainBroken(RuntimeError):
    """A chain failed its check: it got no checkpoint (the dead letter tells an operator)."""


@shared_task(base=PlatformTask, name="audit.checkpoint")
def checkpoint() -> int:
    """Write the due checkpoints; raise after all chains if one is broken."""
    from lianxin.audit import service

    results = service.checkpoint_all()
    broken = [r.report for r in results if not r.report.ok]
    if broken:
        raise AuditChainBroken(
            "; ".join(f"{r.chain} at #{r.broken_at}: {r.reason}" for r in broken)[:1500]
        )
    return sum(r.written is not None for r in results)
