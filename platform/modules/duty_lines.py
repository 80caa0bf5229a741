"""What every part's `duty.py` shares: the lines of a batch of representatives' duty records
(履职档案, registry.DutySet), gathered per representative and item, with their few plain
details in date order.

A detail names the day and the thing done ("3月9日 接待日（城关站）"); it never carries what
traces a rater's answer nor the public's personal data (registry.py's docstring)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from flask_babel import gettext as _

from lianxin.casework import deadlines
from lianxin.modules.registry import SHANGHAI, DutyEntry

# The details kept per line; more are summed up in one last line ("……另 12 次").
MAX_DETAILS = 20


def local_day(moment: datetime) -> date:
    """The Shanghai calendar day of a stored (UTC) instant."""
    return moment.astimezone(SHANGHAI).date()


def today() -> date:
    """The Shanghai date, looked up at each call (a test's stopped clock stops it too)."""
    return deadlines.shanghai_today()


class Lines:
    """The duty lines of one batch over [start, end): `add` one thing done or missed, `result`
    the registry's `{representative id: {item key: DutyEntry}}` (no key: zero)."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        # A period over more than one calendar year (a term) dates its lines with the year.
        self._with_year = start.year != date.fromordinal(end.toordinal() - 1).year
        self._counts: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._details: dict[int, dict[str, list[tuple[date, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def day(self, day: date) -> str:
        if self._with_year:
            return _("%(y)d年%(m)d月%(d)d日", y=day.year, m=day.month, d=day.day)
        return _("%(m)d月%(d)d日", m=day.month, d=day.day)

    def add(self, rep_id: int, key: str, day: date, what: str, *, count: float = 1) -> None:
        """Count `count` for the representative's item, with the line "<day> <what>"."""
        self._counts[rep_id][key] += count
        self._details[rep_id][key].append((day, f"{self.day(day)} {what}"))

    def result(self) -> dict[int, dict[str, DutyEntry]]:
        out: dict[int, dict[str, DutyEntry]] = {}
        for rep_id, counts in self._counts.items():
            entries: dict[str, DutyEntry] = {}
            for key, count in counts.items():
                lines = [text for _day, text in sorted(self._details[rep_id][key])]
                if len(lines) > MAX_DETAILS:
                    rest = len(lines) - MAX_DETAILS
                    lines = [*lines[:MAX_DETAILS], _("……另 %(n)d 条", n=rest)]
                entries[key] = DutyEntry(count=count, details=tuple(lines))
            out[rep_id] = entries
        return out
