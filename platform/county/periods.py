"""Periods the county compares: a month `2026-03`, a quarter `2026-Q1`, a year `2026`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

KINDS = ("month", "quarter", "year")
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive
    kind: str
    key: str

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"


def _next_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    return Period(start, _next_month(start, 1), "month", f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * (number - 1) + 1, 1)
    return Period(start, _next_month(start, 3), "quarter", f"{year}-Q{number}")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number + 1, 1, 1), "year", str(number))


def parse(key: str) -> Period | None:
    """The period a key names, or None for anything else (the caller answers 404/422)."""
    key = (key or "").strip()
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(key)
        if not match:
            continue
        y = int(match.group(1))
        if not 2000 <= y <= 2100:
            return None
        if kind == "month":
            return month(y, int(match.group(2)))
        if kind == "quarter":
            return quarter(y, int(match.group(2)))
        return year(y)
    return None


def containing(day: date, kind: str) -> Period:
    if kind == "month":
        return month(day.year, day.month)
    if kind == "quarter":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return year(day.year)


def between(first: date, last: date, kinds: tuple[str, ...] = KINDS) -> list[Period]:
    """Every period of the given kinds that overlaps [first, last], oldest first."""
    out: list[Period] = []
    for kind in kinds:
        period = containing(first, kind)
        while period.start <= last:
            out.append(period)
            period = containing(period.end, kind)
    return sorted(out, key=lambda p: (KINDS.index(p.kind), p.start))


def series(last: Period, count: int) -> list[Period]:
    """`count` periods of `last`'s kind ending with `last`, oldest first (for trend lines)."""
    out = [last]
    while len(out) < count:
        previous = out[-1].start.replace(day=1)
        step = {"month": -1, "quarter": -3, "year": -12}[last.kind]
        start = _next_month(previous, step)
        out.append(containing(start, last.kind))
    return list(reversed(out))
