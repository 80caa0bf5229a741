"""The database extension: one engine and one scoped session per application."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from lianxin.db import tenancy


class LianxinSession(Session):
    """The application's session class; the tenant guards listen on it."""

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        """`get` may answer from the identity map without a query; check the township there too."""
        found = super().get(entity, ident, **kwargs)
        return tenancy.visible(found)


tenancy.install(LianxinSession)


_session_scope: ContextVar[object | None] = ContextVar("lianxin_session_scope", default=None)


def _scopefunc() -> tuple[int, int]:
    return threading.get_ident(), id(_session_scope.get())


@dataclass
class _State:
    engine: Engine
    session: scoped_session[LianxinSession]


def make_engine(url: str, **overrides: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **overrides
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
            # pysqlite sends no BEGIN before a SAVEPOINT, so a savepoint that opened the
            # transaction would commit on release; SQLAlchemy's recipe emits BEGIN itself.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # IMMEDIATE takes the write lock up front, waiting up to `timeout` for it. A
            # deferred transaction that reads and then writes cannot wait: if another
            # connection committed in between, SQLite refuses it at once ("database is
            # locked"), which two requests of the threaded embedded server, or two worker
            # threads, easily hit. The price: on SQLite, transactions run one at a time.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}
    options.update(overrides)
    return create_engine(url, **options)


def pooler_options(pooler: str) -> dict[str, Any]:
    """Engine options for what stands between the app and PostgreSQL (LIANXIN_DB_POOLER).

    PgBouncer in transaction pooling hands each transaction whichever server connection is
    free. psycopg prepares a statement on its sixth execution since the connection's last
    rollback (prepare_threshold 5) and then runs it by name (_pg3_0 …): on another server
    connection that name is missing, or is another client's statement. PgBouncer before 1.21
    (Debian 12 ships 1.18) does not track them, so they are switched off
    (tests/deploy/test_pgbouncer.py shows both).
    """
    if pooler == "pgbouncer":
        return {"connect_args": {"prepare_threshold": None}}
    return {}


class Database:
    """Bare at import, bound by `init_app` (the Flask extension pattern)."""

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        pool = (
            {}
            if url.startswith("sqlite")
            else {
                "pool_size": app.config.get("DATABASE_POOL_SIZE", 10),
                "max_overflow": app.config.get("DATABASE_MAX_OVERFLOW", 10),
                **pooler_options(app.config.get("DB_POOLER", "")),
            }
        )
        engine = make_engine(url, **pool)
        factory = sessionmaker(bind=engine, class_=LianxinSession, expire_on_commit=False)
        app.extensions["lianxin.db"] = _State(engine, scoped_session(factory, _scopefunc))

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            app.extensions["lianxin.db"].session.remove()

    @staticmethod
    def _state() -> _State:
        state: _State = current_app.extensions["lianxin.db"]
        return state

    @property
    def session(self) -> scoped_session[LianxinSession]:
        return self._state().session

    @property
    def engine(self) -> Engine:
        return self._state().engine

    def bind_to_connection(self, app: Flask, connection: Connection) -> None:
        """Tests: run every session inside an outer transaction that is rolled back after."""
        state: _State = app.extensions["lianxin.db"]
        state.session.remove()
        state.session = scoped_session(
            sessionmaker(
                bind=connection,
                class_=LianxinSession,
                expire_on_commit=False,
                join_transaction_mode="create_savepoint",
            ),
            _scopefunc,
        )

    @contextmanager
    def separate_session(self) -> Iterator[None]:
        """Give the enclosed code its own session (an eager task run inside a request)."""
        token = _session_scope.set(object())
        try:
            yield
        finally:
            self.session.remove()
            _session_scope.reset(token)


db = Database()
