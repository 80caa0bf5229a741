"""Structure quotas (结构名额, 001 咸丰 "结构制选举"): a by-election may require that the
candidates passing the review include at least N of a structural category — a representative
category (农民、专业技术人员…), 妇女, 不满35岁, 少数民族 or 基层一线 (农民、非公经济人士、其他
基层, as the structure figures count them). Set at 登记 and while 报名 is open; the candidates
carry the data (gender, birth date, ethnicity, category, recorded at 报名); checked when 直选 is
recorded, with ages on the election's date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from lianxin.modules.by_elections.models import ByElection, Candidate
from lianxin.people import choices
from lianxin.people.models import Category, Gender
from lianxin.people.statistics import GRASSROOTS_CATEGORIES, HAN, birthday_cutoff

YOUNG = 35  # 不满35岁: the structure figures' youngest band

QUOTA_LABELS: dict[str, Any] = {
    "female": _l("妇女"),
    "under_35": _l("不满35岁"),
    "minority": _l("少数民族"),
    "grassroots": _l("基层一线（农民、非公经济人士、其他基层）"),
    **{c.value: choices.CATEGORY[c] for c in Category},
}
QUOTA_KINDS: tuple[str, ...] = tuple(QUOTA_LABELS)


def fits(kind: str, candidate: Candidate, on: date) -> bool:
    """Whether `candidate` counts towards a quota of `kind`, ages taken on `on`."""
    if kind == "female":
        return candidate.gender == Gender.FEMALE
    if kind == "under_35":
        return candidate.birth_date > birthday_cutoff(on, YOUNG)
    if kind == "minority":
        return (candidate.ethnicity or HAN) != HAN
    if kind == "grassroots":
        return candidate.category in {c.value for c in GRASSROOTS_CATEGORIES}
    return candidate.category == kind


@dataclass(frozen=True)
class QuotaLine:
    """One quota: its kind and word, the minimum, how many candidates count, whether met."""

    kind: str
    label: str
    minimum: int
    count: int

    @property
    def met(self) -> bool:
        return self.count >= self.minimum

    def text(self) -> str:
        return f"{self.label}≥{self.minimum}（{self.count}）"


def quotas_of(election: ByElection) -> dict[str, int]:
    """The quotas, in the kinds' order (an unknown kind kept last, as stored)."""
    stored = {str(k): int(v) for k, v in (election.quotas or {}).items() if int(v) > 0}
    ordered = {k: stored[k] for k in QUOTA_KINDS if k in stored}
    ordered.update({k: v for k, v in stored.items() if k not in ordered})
    return ordered


def quota_lines(election: ByElection, candidates: Iterable[Candidate], on: date) -> list[QuotaLine]:
    """Each quota of `election` against `candidates` (ages on `on`)."""
    pool = list(candidates)
    return [
        QuotaLine(
            kind,
            str(QUOTA_LABELS.get(kind, kind)),
            minimum,
            sum(1 for c in pool if fits(kind, c, on)),
        )
        for kind, minimum in quotas_of(election).items()
    ]


def in_the_running(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates not yet out: not left out of the recommendation, not failed at review."""
    return [c for c in candidates if c.recommended is not False and c.passed is not False]
