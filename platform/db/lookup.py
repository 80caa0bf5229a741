"""Find one of the township's rows by an id that came from outside (a URL, a form, a body)."""

from __future__ import annotations

from typing import Any, TypeVar

from lianxin.db.core import db
from lianxin.errors import NotFound

T = TypeVar("T")


def tenant_get(model: type[T], tenant_id: int, raw_id: Any, message: Any = None) -> T:
    """The row of this township with this id; anything else — another township's, a malformed
    id — is simply not found (NotFound with `message`)."""
    try:
        key = int(raw_id)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    row = db.session.get(model, (tenant_id, key))
    if row is None:
        raise NotFound(message)
    return row
