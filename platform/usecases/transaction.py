"""One owner of the transaction: the outermost use case.

A use case is a public service function decorated `@use_case`. Called from a view, an API
handler, a task or a command it is the outermost: it commits when it returns and rolls back when
it raises. Called from inside another use case it only flushes, so the two commit together, and
a failure later in the caller takes the callee's work back too. The depth lives in a ContextVar,
so it follows the request, the task or the thread.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from lianxin.db import db

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

_depth: ContextVar[int] = ContextVar("lianxin_use_case_depth", default=0)


def in_use_case() -> bool:
    return _depth.get() > 0


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = _depth.get()
        token = _depth.set(depth + 1)
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                db.session.commit()
            else:
                db.session.flush()
            return result
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)

    run.__lianxin_use_case__ = True  # type: ignore[attr-defined]
    return run


@contextmanager
def outermost() -> Iterator[None]:
    """Run what follows as if called from the outside: a task (even one run eagerly inside a
    request's use case) has its own session, so its use cases commit their own work."""
    token = _depth.set(0)
    try:
        yield
    finally:
        _depth.reset(token)


def commit_on_its_own(reason: str) -> None:
    """Commit now, in the middle of a use case: only where the work must be durable before what
    follows (the anonymous release, a row committed before its message is queued). `reason`
    says why; it is logged at debug level so the exceptions can be found."""
    log.debug("commit on its own: %s", reason)
    db.session.commit()
