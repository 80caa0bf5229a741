"""One page of a query and the total it came from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql import Select

from lianxin.db.core import db


def paged(
    query: Select[Any], *order_by: Any, offset: int = 0, limit: int | None = None
) -> tuple[list[Any], int]:
    """(rows of the page, total rows of the query) — the total ignores offset and limit."""
    if limit is None and not offset:  # every row: they are the count
        rows = list(db.session.scalars(query.order_by(*order_by)))
        return rows, len(rows)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(*order_by).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query)), total
