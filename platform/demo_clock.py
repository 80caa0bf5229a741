"""The demo county's clock: two years of history made through the use cases, each on its day.

`lianxin demo load` onboards the county two years back and replays what its townships did since
then (cases registered and answered, reception days held, proposals handled, sessions,
evaluations, liaison contacts) through the same use cases the pages call, at the moment each
happened. The whole process's clock is moved there (`time_machine`), so every timestamp a use
case writes — `created_at`, an answer's time, an audit entry, an inbox message — and every date
it reads (`shanghai_today`, `lianxin.modules.kit.today`) is that moment's: the rules (deadlines,
periods, lead times) judge each step as they would have on the day, and nothing is dated after
it was done.

Seeds put their steps on one `Timeline` (`history()`); `demo.load` runs it once every seed has
added its steps, oldest first, so the audit log and the inboxes read in the order things
happened. A seed run on its own gets a timeline of its own, run when its `with` ends.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.tenants.models import Township

SHANGHAI = ZoneInfo("Asia/Shanghai")
HISTORY_MONTHS = 24

Step = Callable[[], None]


def real_now() -> datetime:
    """The wall clock, even while the demo's clock is moved."""
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(UTC)
    return datetime.now(UTC)


def real_today() -> date:
    return real_now().astimezone(SHANGHAI).date()


def history_start(today: date | None = None) -> date:
    """The day the demo county came onto the platform: the first of the month 24 months ago."""
    today = today or real_today()
    index = today.year * 12 + today.month - 1 - HISTORY_MONTHS
    return date(index // 12, index % 12 + 1, 1)


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time on `day`, as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


@contextmanager
def at(when: datetime) -> Iterator[None]:
    """Everything inside happens at `when` (the clock then runs on from there)."""
    if when > real_now():
        raise ValueError(f"the demo does not write the future: {when.isoformat()}")
    with time_machine.travel(when, tick=True):
        yield


def working_day(day: date) -> bool:
    """A day the office works (China's official calendar, 调休 included)."""
    from lianxin.casework.deadlines import is_working_day

    return is_working_day(day)


def next_working_day(day: date, days: int = 0) -> date:
    """`day` itself if it is a working day (days=0), else the `days`-th working day after it."""
    while not working_day(day):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not working_day(day):
            day += timedelta(days=1)
    return day


def annual_session_day(year: int) -> date:
    """The day of the demo townships' annual session (年会) in `year`: in March, after the
    proposals collected in the month before it."""
    return next_working_day(date(year, 3, 12))


def months(start: date, until: date) -> Iterator[date]:
    """The first day of every month from `start`'s month to `until`'s, oldest first."""
    month = start.replace(day=1)
    while month <= until:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def rng(*key: object) -> random.Random:
    """A random source that gives the same history on every load (for one key)."""
    return random.Random("|".join(str(k) for k in key))


class Timeline:
    """Steps to take at given moments; `run` takes them oldest first, each at its moment (in
    its township's tenant context), and a step may add later steps. A step whose moment has not
    come yet is dropped: the demo's story stops today, wherever each record's life is then."""

    def __init__(self) -> None:
        self._steps: list[tuple[datetime, int, int | None, Step]] = []
        self._order = itertools.count()
        self.now: datetime | None = None  # the moment of the step being taken

    def add(self, when: datetime, step: Step, tenant_id: int | None = None) -> bool:
        """Whether the step was kept (False: its moment is still to come)."""
        if self.now is not None and when < self.now:
            when = self.now  # a step never goes back before the one that added it
        if when > real_now():
            return False
        heapq.heappush(self._steps, (when, next(self._order), tenant_id, step))
        return True

    def run(self) -> int:
        from lianxin.db.tenancy import tenant_context

        taken = 0
        with _messages_of_the_day() as sent:
            while self._steps:
                when, _n, tenant_id, step = heapq.heappop(self._steps)
                self.now = when
                with at(when):
                    if tenant_id is None:
                        step()
                    else:
                        with tenant_context(tenant_id):
                            step()
                taken += 1
                if sent and (not self._steps or _day(self._steps[0][0]) != _day(when)):
                    with at(min(when + timedelta(minutes=1), real_now())):
                        _deliver(sent)
        self.now = None
        return taken


def _day(when: datetime) -> date:
    return when.astimezone(SHANGHAI).date()


@contextmanager
def _messages_of_the_day() -> Iterator[list[int]]:
    """The outbox messages the day's steps write (notifications, texts, the evaluations' count),
    kept to be delivered together once the day's steps are taken, in batches as the beat sweep
    delivers them, instead of one task each: the same deliveries, in a fraction of the time."""
    from flask import current_app

    tasks = current_app.extensions["celery"].tasks
    sent: list[int] = []

    class Kept:
        def __init__(self, many: bool) -> None:
            self.many = many

        def delay(self, ids: Any) -> None:
            sent.extend(ids if self.many else [ids])

    names = ("outbox.deliver", "outbox.deliver_batch")
    real = {name: tasks[name] for name in names}
    tasks["outbox.deliver"], tasks["outbox.deliver_batch"] = Kept(False), Kept(True)
    try:
        yield sent
        if sent:
            _deliver(sent)
    finally:
        tasks.update(real)


def _deliver(sent: list[int]) -> None:
    """Deliver what was kept (and what delivering it writes), 500 at a time."""
    from lianxin.notify import service as notify

    while sent:
        batch = sorted(set(sent))
        sent.clear()
        for start in range(0, len(batch), notify.BATCH):
            notify.deliver_many(batch[start : start + notify.BATCH])


_current: Timeline | None = None


@contextmanager
def quick_commits() -> Iterator[None]:
    """On SQLite, commits without waiting for the disk while the demo loads (WAL with
    synchronous=NORMAL: a crash loses at most the last commits, never the file's consistency;
    a half-loaded demo is loaded again anyway). PostgreSQL is left as it is."""
    from sqlalchemy import event

    from lianxin.db import db

    engine = db.session.get_bind()
    if engine.dialect.name != "sqlite":
        yield
        return

    def normal(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        (level,) = dbapi_conn.execute("PRAGMA synchronous").fetchone()
        if level > 1:  # FULL or EXTRA; a test's OFF stays OFF
            record.info["demo_synchronous"] = level
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    def full(dbapi_conn: Any, record: Any) -> None:
        level = record.info.pop("demo_synchronous", None)
        if level is not None:
            dbapi_conn.execute(f"PRAGMA synchronous={int(level)}")

    event.listen(engine, "checkout", normal)
    event.listen(engine, "checkin", full)
    try:
        yield
    finally:
        event.remove(engine, "checkout", normal)
        event.remove(engine, "checkin", full)


@contextmanager
def history() -> Iterator[Timeline]:
    """The demo load's timeline; a seed run on its own gets one, run when the `with` ends."""
    global _current
    if _current is not None:
        yield _current
        return
    timeline = _current = Timeline()
    try:
        yield timeline
        timeline.run()  # steps taken here may add steps (`history()` gives them this timeline)
    finally:
        _current = None


# --- who acts in the demo ------------------------------------------------------------------------

_actors: dict[int, Actor] = {}


def actor_of(user_id: int) -> Actor:
    """The actor of an account, with its memberships (read once per load)."""
    from lianxin.auth.actor import actor_for
    from lianxin.auth.models import User
    from lianxin.db import db

    if user_id not in _actors:
        user = db.session.get(User, user_id)
        assert user is not None
        _actors[user_id] = actor_for(user)
    return _actors[user_id]


def forget_actors() -> None:
    _actors.clear()
    _offices.clear()


_offices: dict[int, int] = {}


def office(township: Township) -> Actor:
    """The township's liaison office: its staff (cg.staff in 城关镇), else its admin."""
    if township.id not in _offices:
        _offices[township.id] = _member_of(township, Role.TOWNSHIP_STAFF, Role.TOWNSHIP_ADMIN)
    return actor_of(_offices[township.id])


def committee(township: Township) -> list[Actor]:
    """The township's committee members, cg.committee first in 城关镇."""
    return [actor_of(u) for u in _members_of(township, Role.COMMITTEE_MEMBER)]


def unit_actor(township: Township, unit_id: int) -> Actor | None:
    """The account of a handling unit (demo.py gives each unit one)."""
    from lianxin.auth.models import Membership
    from lianxin.db import db

    user_id = db.session.scalar(
        select(Membership.user_id)
        .where(Membership.tenant_id == township.id, Membership.unit_id == unit_id)
        .order_by(Membership.id)
        .limit(1)
    )
    return actor_of(user_id) if user_id is not None else None


def _members_of(township: Township, role: Role) -> list[int]:
    from lianxin.auth.models import Membership
    from lianxin.db import db

    return list(
        db.session.scalars(
            select(Membership.user_id)
            .where(Membership.tenant_id == township.id, Membership.role == role.value)
            .order_by(Membership.id)
        )
    )


def _member_of(township: Township, *roles: Role) -> int:
    for role in roles:
        found = _members_of(township, role)
        if found:
            return found[0]
    raise LookupError(f"no {roles[0].value} in {township.slug}")
