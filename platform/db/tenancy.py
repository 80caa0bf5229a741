"""The tenant context and the ORM lock (ARCHITECTURE.md §3).

A request or task runs inside one township's context, held in a ContextVar. Every ORM query that
touches a tenant-owned model is filtered by it, every new tenant row takes its `tenant_id` from
it, and touching tenant data with no context raises: the lock fails closed. On PostgreSQL the
same tenant id is handed to row-level security with a transaction-local `set_config`.

A county's pages run in the county's context (`county_context`), entered once at the edge like
the township's: on PostgreSQL its id is handed to the county rollups' policy the same way
(`app.county_id`). It opens no township's tenant data: the ORM lock is the township's alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from lianxin.db.base import TenantMixin

log = logging.getLogger(__name__)

RLS_SETTING = "app.tenant_id"
COUNTY_RLS_SETTING = "app.county_id"


class TenancyError(RuntimeError):
    """A programming error: tenant data touched outside its township's context."""


class TenantContextMissing(TenancyError):
    pass


class CrossTenantWrite(TenancyError):
    pass


class ReadOnlyTenantContext(TenancyError):
    pass


@dataclass(frozen=True)
class TenantScope:
    tenant_id: int
    read_only: bool = False


_scope: ContextVar[TenantScope | None] = ContextVar("lianxin_tenant_scope", default=None)
_unscoped_reason: ContextVar[str | None] = ContextVar("lianxin_unscoped", default=None)
_county: ContextVar[int | None] = ContextVar("lianxin_county_scope", default=None)


def current_scope() -> TenantScope | None:
    return _scope.get()


def current_tenant_id() -> int | None:
    scope = _scope.get()
    return scope.tenant_id if scope else None


def require_tenant_id() -> int:
    scope = _scope.get()
    if scope is None:
        raise TenantContextMissing("no township context is set")
    return scope.tenant_id


def enter_tenant(tenant_id: int, *, read_only: bool = False) -> Token[TenantScope | None]:
    """Set the context for the rest of this request; pair with `leave_tenant`."""
    return _scope.set(TenantScope(int(tenant_id), read_only))


def leave_tenant(token: Token[TenantScope | None]) -> None:
    _scope.reset(token)


@contextmanager
def tenant_context(tenant_id: int, *, read_only: bool = False) -> Iterator[TenantScope]:
    token = enter_tenant(tenant_id, read_only=read_only)
    try:
        yield _scope.get()  # type: ignore[misc]
    finally:
        leave_tenant(token)


def current_county_id() -> int | None:
    return _county.get()


def enter_county(county_id: int) -> Token[int | None]:
    """Set the county context for the rest of this request; pair with `leave_county`."""
    return _county.set(int(county_id))


def leave_county(token: Token[int | None]) -> None:
    _county.reset(token)


@contextmanager
def county_context(county_id: int) -> Iterator[int]:
    """A county's context: its rollups are readable (PostgreSQL's county policy)."""
    token = enter_county(county_id)
    try:
        yield int(county_id)
    finally:
        leave_county(token)


@contextmanager
def no_tenant_context() -> Iterator[None]:
    token = _scope.set(None)
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def UNSCOPED_ACROSS_TOWNSHIPS(reason: str) -> Iterator[None]:
    """Lift the ORM filter for platform maintenance. PostgreSQL's row-level security still holds.

    Use only where a platform operation must see rows of many townships (demo loading,
    migrations of data). It is named loudly so that every use stands out in review.
    """
    log.warning("tenant ORM filter lifted: %s", reason)
    token = _unscoped_reason.set(reason)
    try:
        yield
    finally:
        _unscoped_reason.reset(token)


def _is_tenant_mapper(mapper: Any) -> bool:
    return issubclass(mapper.class_, TenantMixin)


def visible(obj: Any) -> Any:
    """An object from the identity map, if the current township may see it."""
    if obj is None or not isinstance(obj, TenantMixin) or _unscoped_reason.get() is not None:
        return obj
    scope = _scope.get()
    if scope is None:
        raise TenantContextMissing("tenant data read with no township context")
    return obj if obj.tenant_id == scope.tenant_id else None


_table_names_cache: tuple[int, frozenset[str]] = (-1, frozenset())


def _tenant_table_names() -> frozenset[str]:
    """The tenant tables' names, recomputed only when a table was added since the last call
    (the walk over every mapper ran for each query on a non-tenant model: ~1 ms a request; even
    `registry.mappers`, to count them, builds a set of all ~140)."""
    global _table_names_cache
    from lianxin.db.base import Base, tenant_tables

    mapped = len(Base.metadata.tables)
    if _table_names_cache[0] != mapped:
        _table_names_cache = (mapped, frozenset(t.name for t in tenant_tables()))
    return _table_names_cache[1]


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    """Whether a statement touches a tenant table anywhere (FROM, join, subquery)."""
    if any(_is_tenant_mapper(m) for m in state.all_mappers):
        return True
    names = _tenant_table_names()
    statement = cast(ClauseElement, state.statement)
    for table in find_tables(
        statement,
        check_columns=True,
        include_aliases=True,
        include_joins=True,
        include_selects=True,
        include_crud=True,
    ):
        if getattr(table, "name", None) in names:
            return True
    return False


def _rls_value() -> str:
    tid = current_tenant_id()
    return "" if tid is None else str(tid)


def _county_value() -> str:
    cid = _county.get()
    return "" if cid is None else str(cid)


def _apply_rls(connection: Connection, session: Session) -> None:
    value = _rls_value()
    # Straight to the driver (PostgreSQL only): a fixed statement needs no compiling, and every
    # transaction of a township's request sends it.
    connection.exec_driver_sql(_SET_TENANT, {"name": RLS_SETTING, "value": value})
    session.info["rls_tenant"] = value


def _apply_county_rls(connection: Connection, session: Session) -> None:
    value = _county_value()
    connection.exec_driver_sql(_SET_TENANT, {"name": COUNTY_RLS_SETTING, "value": value})
    session.info["rls_county"] = value


_SET_TENANT = "SELECT set_config(%(name)s, %(value)s, true)"


@lru_cache(maxsize=4096)
def _tenant_criteria(tid: int) -> Any:
    """The ORM filter of one township: an option is immutable, so one serves every statement
    (building it, and analysing its lambda, cost more than the rest of the check)."""
    return with_loader_criteria(TenantMixin, lambda cls: cls.tenant_id == tid, include_aliases=True)


def install(session_class: type[Session]) -> None:
    """Attach the tenant guards to a Session class."""

    @event.listens_for(session_class, "after_begin")
    def _after_begin(session: Session, transaction: SessionTransaction, connection: Connection):
        if connection.dialect.name != "postgresql":
            return
        if _rls_value() or connection.in_nested_transaction():
            _apply_rls(connection, session)
        else:
            # No township at the start of a real transaction: nothing to send. A
            # transaction-local setting ends with the transaction that made it, so a new one
            # starts with the setting unset (or '' once it was set on the connection), which the
            # policies read as no township; nothing sets it at session level (ARCHITECTURE.md
            # §3). A session joining an outer transaction (a SAVEPOINT: the tests) may inherit
            # the outer one's township, so it is always set there.
            session.info["rls_tenant"] = ""
        # The county's setting likewise; sent only where a county context is (or was) open.
        if _county_value() or session.info.get("rls_county"):
            _apply_county_rls(connection, session)
        else:
            session.info["rls_county"] = ""

    def _sync_rls(session: Session) -> None:
        value = _rls_value()
        if (
            session.info.get("rls_tenant") != value
            and session.get_bind().dialect.name == "postgresql"
        ):
            # The context changed inside an open transaction (e.g. the user was loaded first).
            # `connection()` may begin the transaction, and `_after_begin` then sets it.
            connection = session.connection()
            if session.info.get("rls_tenant") != value:
                _apply_rls(connection, session)
        county = _county_value()
        if (
            session.info.get("rls_county", "") != county
            and session.get_bind().dialect.name == "postgresql"
        ):
            connection = session.connection()
            if session.info.get("rls_county", "") != county:
                _apply_county_rls(connection, session)

    @event.listens_for(session_class, "before_flush")
    def _sync_rls_before_flush(session: Session, flush_context: Any, instances: Any) -> None:
        # A flush writes through the connection, not Session.execute: sync the setting here too.
        _sync_rls(session)

    @event.listens_for(session_class, "do_orm_execute")
    def _scope_queries(state: ORMExecuteState) -> None:
        session = state.session
        _sync_rls(session)
        if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
            return
        if not _touches_tenant_data(state):
            return
        if _unscoped_reason.get() is not None:
            return
        scope = _scope.get()
        if scope is None:
            raise TenantContextMissing("tenant data queried with no township context")
        if scope.read_only and (state.is_update or state.is_delete):
            raise ReadOnlyTenantContext("this township is open read-only")
        state.statement = state.statement.options(_tenant_criteria(scope.tenant_id))

    @event.listens_for(session_class, "before_flush")
    def _stamp_and_check(session: Session, flush_context: Any, instances: Any) -> None:
        scope = _scope.get()
        unscoped = _unscoped_reason.get() is not None
        touched = [
            o
            for o in (*session.new, *session.dirty, *session.deleted)
            if isinstance(o, TenantMixin)
        ]
        if not touched:
            return
        if scope is None and not unscoped:
            raise TenantContextMissing("tenant rows written with no township context")
        if scope is not None and scope.read_only:
            raise ReadOnlyTenantContext("this township is open read-only")
        for obj in touched:
            if obj.tenant_id is None:
                if scope is None:
                    raise TenantContextMissing(f"{type(obj).__name__} has no township")
                obj.tenant_id = scope.tenant_id
            elif scope is not None and obj.tenant_id != scope.tenant_id:
                raise CrossTenantWrite(
                    f"{type(obj).__name__} of township {obj.tenant_id} written "
                    f"in the context of township {scope.tenant_id}"
                )
        if session.get_bind().dialect.name == "sqlite":
            _assign_sqlite_ids(session, [o for o in session.new if isinstance(o, TenantMixin)])


def _assign_sqlite_ids(session: Session, new_rows: list[TenantMixin]) -> None:
    """SQLite cannot autoincrement half of a composite key, so the id is taken here.

    Ids stay unique per table across townships, as PostgreSQL's identity columns are, so that
    an id of one township never names a row of another.
    """
    next_ids: dict[str, int] = {}
    for obj in new_rows:
        if obj.id is not None:
            continue
        table = type(obj).__table__
        if table.name not in next_ids:
            with session.no_autoflush:
                current = session.connection().execute(select(func.max(table.c.id))).scalar()
            next_ids[table.name] = (current or 0) + 1
        obj.id = next_ids[table.name]
        next_ids[table.name] += 1
