"""Calendar quarters, the period of every liaison duty (one contact a link, one report, one
meeting per quarter). Dates are Shanghai dates; a quarter ends on its last day inclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter {self.number} is not 1–4")

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> date:
        return self.next().starts_on - timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def days_left(self, today: date) -> int:
        """Days after today up to and including the last day (0 on the last day)."""
        return (self.ends_on - today).days

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"
