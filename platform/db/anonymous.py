"""Anonymous answers (ARCHITECTURE.md §6): written apart from the receipt that says who answered,
then released into their final table in shuffled batches.

A caller commits the receipt in one transaction and the pooled answer in another; `release`
moves pooled rows into the box once there are `batch` of them (or all, when forced at the
close), in random order and in one transaction, and deletes them from the pool. Afterwards no
column, transaction id (xmin) or row order pairs an answer with a receipt.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select

from lianxin.db.core import db


def release(
    pool: Any,
    box: Any,
    where: Any,
    *,
    batch: int,
    force: bool,
    copy: Callable[[Any], dict[str, Any]],
) -> int:
    """Move the pooled rows matching `where` into `box`; returns how many moved."""
    pooled = list(db.session.scalars(select(pool).where(where)))
    if not pooled or (not force and len(pooled) < batch):
        return 0
    random.SystemRandom().shuffle(pooled)
    for row in pooled:
        db.session.add(box(**copy(row)))
    db.session.flush()
    db.session.execute(delete(pool).where(pool.key.in_([row.key for row in pooled])))
    db.session.commit()
    return len(pooled)
