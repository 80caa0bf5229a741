"""The structure of a township's representatives (代表结构), in the shape counties report it.

The seeds report a congress like this: "当选的204名代表结构比例为：各级领导干部代表占49%、
军警代表占1%、……，其中妇女代表占27%，50岁以下代表占92%。" `structure()` gives the same
figures for the representatives in office on a day, dimension by dimension, and the sentence.

Rules, kept simple so that anyone can recount them by hand:

- **Who is counted.** The representatives of the township in office on the day `on`: status
  in office, or a qualification that ended *after* `on` (ended on `on` itself: not counted).
  The roster has no start date of a term, so a past day only adds back the people whose
  qualification ended since; people entered later are counted as the current roster.
- **Age** is the age in whole years on `on` (a birthday on `on` counts). Bands: 不满35岁,
  35–49岁, 50–59岁, 60岁及以上. "50岁以下" is an age under 50 on `on`.
- **少数民族** is every ethnicity other than 汉族.
- **基层代表** (grassroots) are the categories 农民, 非公经济人士 and 其他基层: the people
  working at the grass roots who are neither cadres, professionals nor army/police
  (`GRASSROOTS_CATEGORIES`). The separate 基层领导干部 flag is reported as its own dimension.
- **Shares** are percentages of the people counted, computed from integer counts and rounded
  half up to one decimal. With nobody counted every share is None (shown as "—"), never a
  division by zero.

Every figure is a GROUP BY in the database: a township may have thousands of representatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.people import choices
from lianxin.people.models import Category, Education, Gender, Representative, RepStatus
from lianxin.people.service import _can_read
from lianxin.tenants.models import Township

HAN = "汉族"
GRASSROOTS_CATEGORIES = (Category.FARMER, Category.PRIVATE_ECONOMY, Category.OTHER_GRASSROOTS)

# (key, label, lowest age of the band); the bands are read from the oldest down.
AGE_BANDS = (
    ("under_35", _l("不满35岁"), 0),
    ("35_49", _l("35–49岁"), 35),
    ("50_59", _l("50–59岁"), 50),
    ("60_plus", _l("60岁及以上"), 60),
)
LEVELS = (
    ("township_only", _l("仅乡镇党代表")),
    ("county_only", _l("仅县党代表")),
    ("both", _l("乡镇、县两级党代表")),
)
ETHNIC_GROUPS = (("han", _l("汉族")), ("minority", _l("少数民族")))
CADRE = (("yes", _l("基层领导干部")), ("no", _l("非基层领导干部")))


@dataclass(frozen=True)
class Row:
    """One line of a dimension: a key, its Chinese word, how many and what share of all."""

    key: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class Structure:
    on: date
    total: int
    by_gender: list[Row]
    by_age_band: list[Row]
    by_education: list[Row]
    by_category: list[Row]
    by_ethnic_group: list[Row]  # 汉族 / 少数民族
    by_ethnicity: list[Row]  # each ethnicity present, most numerous first
    by_level: list[Row]
    grassroots_cadre: list[Row]
    women: int
    under_50: int
    minority: int
    grassroots: int

    @property
    def women_share(self) -> float | None:
        return share(self.women, self.total)

    @property
    def under_50_share(self) -> float | None:
        return share(self.under_50, self.total)

    @property
    def minority_share(self) -> float | None:
        return share(self.minority, self.total)

    @property
    def grassroots_share(self) -> float | None:
        return share(self.grassroots, self.total)

    @property
    def headline(self) -> dict[str, float | None]:
        return {
            "women_share": self.women_share,
            "under_50_share": self.under_50_share,
            "minority_share": self.minority_share,
            "grassroots_share": self.grassroots_share,
        }

    def dimensions(self) -> list[tuple[str, str, list[Row]]]:
        """(key, title, rows) of every dimension, in the order pages show them."""
        return [
            ("gender", _("性别"), self.by_gender),
            ("age_band", _("年龄"), self.by_age_band),
            ("education", _("学历"), self.by_education),
            ("category", _("代表类别"), self.by_category),
            ("ethnic_group", _("民族"), self.by_ethnic_group),
            ("ethnicity", _("各民族"), self.by_ethnicity),
            ("level", _("代表层级"), self.by_level),
            ("grassroots_cadre", _("基层领导干部"), self.grassroots_cadre),
        ]

    @property
    def summary(self) -> str:
        return summary_sentence(self)


# --- arithmetic ---------------------------------------------------------------------------------


def share(count: int, total: int) -> float | None:
    """A percentage with one decimal, rounded half up from integers; None when nobody counts."""
    if total <= 0:
        return None
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def percent(value: float | None) -> str:
    """27.0 → "27%", 26.5 → "26.5%", None → "—"."""
    if value is None:
        return "—"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}%"


def birthday_cutoff(on: date, years: int) -> date:
    """The latest birth date of someone at least `years` old on `on`.

    Someone born on 29 February turns a year older on 1 March in other years, as
    Representative.age_on counts; so on 29 February the cutoff in a common year is 28 February.
    """
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February → a common year
        return date(on.year - years, 2, 28)


# --- the queries --------------------------------------------------------------------------------


def _in_office_on(on: date) -> Any:
    return or_(
        Representative.status == RepStatus.IN_OFFICE.value,
        Representative.ended_on > on,
    )


def _grouped(township: Township, on: date, key: Any) -> dict[Any, int]:
    """{value of `key`: count} of the representatives in office on `on`: one GROUP BY."""
    # A subquery, so that GROUP BY names a column: a CASE with bound parameters, repeated in
    # GROUP BY, is a different expression to PostgreSQL.
    inner = (
        select(key.label("k"))
        .where(Representative.tenant_id == township.id, _in_office_on(on))
        .subquery()
    )
    rows = db.session.execute(select(inner.c.k, func.count()).group_by(inner.c.k)).all()
    return {k: int(n) for k, n in rows}


def _age_band(on: date) -> Any:
    whens = [
        (Representative.birth_date <= birthday_cutoff(on, lowest), key)
        for key, _label, lowest in reversed(AGE_BANDS)
        if lowest > 0
    ]
    return case(*whens, else_=AGE_BANDS[0][0])


def _level() -> Any:
    return case(
        (Representative.is_township_rep & Representative.is_county_rep, "both"),
        (Representative.is_county_rep, "county_only"),
        else_="township_only",
    )


def _rows(counts: dict[Any, int], known: list[tuple[str, Any]], total: int) -> list[Row]:
    """A row for every known key (zero included), then any value the roster holds besides."""
    rows = [
        Row(key, str(word), counts.get(key, 0), share(counts.get(key, 0), total))
        for key, word in known
    ]
    seen = {key for key, _word in known}
    for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if key not in seen:
            rows.append(Row(str(key), str(key), count, share(count, total)))
    return rows


def structure_of(township: Township, on: date) -> Structure:
    """The figures, without a permission check (callers check; see `structure`)."""
    genders = _grouped(township, on, Representative.gender)
    total = sum(genders.values())
    ages = _grouped(township, on, _age_band(on))
    educations = _grouped(township, on, Representative.education)
    categories = _grouped(township, on, Representative.category)
    ethnicities = _grouped(township, on, Representative.ethnicity)
    levels = _grouped(township, on, _level())
    cadres = {
        ("yes" if flag else "no"): n
        for flag, n in _grouped(township, on, Representative.is_grassroots_cadre).items()
    }

    minority = sum(n for name, n in ethnicities.items() if name != HAN)
    by_ethnicity = [
        Row(str(name), str(name), n, share(n, total))
        for name, n in sorted(ethnicities.items(), key=lambda kv: (kv[0] != HAN, -kv[1], kv[0]))
    ]
    return Structure(
        on=on,
        total=total,
        by_gender=_rows(genders, [(g.value, choices.GENDER[g]) for g in Gender], total),
        by_age_band=_rows(ages, [(k, w) for k, w, _lo in AGE_BANDS], total),
        by_education=_rows(educations, [(e.value, choices.EDUCATION[e]) for e in Education], total),
        by_category=_rows(categories, [(c.value, choices.CATEGORY[c]) for c in Category], total),
        by_ethnic_group=_rows(
            {"han": ethnicities.get(HAN, 0), "minority": minority}, list(ETHNIC_GROUPS), total
        ),
        by_ethnicity=by_ethnicity,
        by_level=_rows(levels, list(LEVELS), total),
        grassroots_cadre=_rows(cadres, list(CADRE), total),
        women=genders.get(Gender.FEMALE.value, 0),
        under_50=ages.get("under_35", 0) + ages.get("35_49", 0),
        minority=minority,
        grassroots=sum(categories.get(c.value, 0) for c in GRASSROOTS_CATEGORIES),
    )


def structure(actor: Actor, township: Township, on: date | None = None) -> Structure:
    """The structure of the township's representatives in office on `on` (default today)."""
    _can_read(actor, township)
    return structure_of(township, on or deadlines.shanghai_today())


def summary_sentence(s: Structure) -> str:
    """共有代表N名，结构比例为：领导干部代表占x%、……，其中妇女代表占x%，50岁以下代表占x%，…。"""
    if s.total == 0:
        return _("暂无在任代表。")
    parts = "、".join(
        _("%(word)s代表占%(share)s", word=row.label, share=percent(row.share))
        for row in s.by_category
        if row.count
    )
    text = _("共有代表%(n)d名", n=s.total)
    if parts:
        text += _("，结构比例为：") + parts
    text += _(
        "，其中妇女代表占%(women)s，50岁以下代表占%(under_50)s，少数民族代表占%(minority)s，"
        "基层代表占%(grassroots)s。",
        women=percent(s.women_share),
        under_50=percent(s.under_50_share),
        minority=percent(s.minority_share),
        grassroots=percent(s.grassroots_share),
    )
    return text
