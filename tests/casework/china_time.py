"""China time whatever the server's: the process in a time zone far from China, and a clock.

`far_from_china` runs a test with the process in America/Los_Angeles (15 or 16 hours behind
Shanghai), so that any date or time taken from the server's local clock, or a UTC datetime's
`.date()`, is visibly wrong. `china_clock(...)` stops the platform's clock (`utcnow` for stored
timestamps, `shanghai_today` for dates) at a given Shanghai wall-clock time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def china(text: str) -> datetime:
    """A Shanghai wall-clock time ("2026-03-03 07:30") as the UTC instant the database stores."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def far_from_china() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


class Clock:
    """The platform's clock: stopped at a Shanghai wall-clock time, or running (`thaw`)."""

    def __init__(self) -> None:
        self.instant: datetime | None = None

    def __call__(self, shanghai_wall_clock: str) -> datetime:
        self.instant = china(shanghai_wall_clock)
        return self.instant

    def thaw(self) -> None:
        self.instant = None


@pytest.fixture
def china_clock(monkeypatch: pytest.MonkeyPatch, far_from_china: None) -> Clock:
    """`china_clock("2026-03-03 07:30")` stops the clock there (Shanghai time) for stored
    timestamps and Shanghai dates; the process runs in Los Angeles meanwhile."""
    from lianxin.casework import deadlines
    from lianxin.db import base

    clock = Clock()
    real = datetime

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            if clock.instant is None:
                return real.now(tz)
            if tz is None:
                return clock.instant.astimezone().replace(tzinfo=None)
            return clock.instant.astimezone(tz)

    monkeypatch.setattr(base, "datetime", Frozen)
    monkeypatch.setattr(deadlines, "datetime", Frozen)
    return clock
