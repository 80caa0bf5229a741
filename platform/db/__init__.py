"""Database layer: base classes, the session extension and tenant isolation."""

from lianxin.db.base import Base, BigId, TenantMixin, utcnow
from lianxin.db.core import Database, db

__all__ = ["Base", "BigId", "Database", "TenantMixin", "db", "utcnow"]
