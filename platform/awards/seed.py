"""The demo's awards (`lianxin demo`): at the end of 2025 each township's office marks as adopted
(采纳) a few of the year's answered proposals, closed cases and sitting-in suggestions; early in
2026 the county opens its 2025 "四十佳" selection, the townships nominate their adopted items,
the county gathers the year's figures, its committee chooses the winners with their reasons and
publishes the honour roll. All through the use cases, each on its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import County, Township

if TYPE_CHECKING:
    from lianxin.auth.actor import Actor
    from lianxin.demo_clock import Step, Timeline

YEAR = 2025
ADOPTED_BY = ("both", "committee", "government")
NOTES = (
    "已写入镇党委年度工作要点",
    "镇政府已列入民生实事项目",
    "相关部门已按建议整改落实",
)
REASONS = {
    "representative": "履职积极，年度履职积分位居全县前列",
    "station": "接待群众经常化，约见活动多、效果好",
    "suggestion": "建议被党委政府采纳，推动问题解决，群众反响好",
    "unit": "办理及时，群众满意度高",
}


def seed(township: Township, index: int = 0) -> None:
    from lianxin.awards.models import Adoption, Selection
    from lianxin.demo_clock import history

    with tenant_context(township.id):
        marked = db.session.scalar(select(Adoption.id).limit(1)) is not None
    opened = (
        db.session.scalar(
            select(Selection.id).where(
                Selection.county_id == township.county_id,
                Selection.township_id.is_(None),
                Selection.year == YEAR,
            )
        )
        is not None
    )
    with history() as timeline:
        plan = _Awards(township, timeline)
        if not marked:
            plan.adoptions()
        if not opened:
            plan.nominations()
            if index == 0:
                plan.county_steps()


class _Awards:
    def __init__(self, township: Township, timeline: Timeline) -> None:
        from lianxin.demo_clock import rng

        self.township = township
        self.timeline = timeline
        self.draw = rng("awards", township.slug)

    def _on(self, day: date, hour: int, step: Step, tenant_id: int | None) -> None:
        from lianxin.demo_clock import moment, next_working_day

        self.timeline.add(
            moment(next_working_day(day), hour, self.draw.randint(0, 59)), step, tenant_id
        )

    # --- the township ---------------------------------------------------------------------

    def adoptions(self) -> None:
        self._on(date(YEAR, 12, 22), 15, self._mark, self.township.id)

    def _mark(self) -> None:
        from lianxin.awards import kinds
        from lianxin.awards import service as awards
        from lianxin.awards.inputs import AdoptionInput
        from lianxin.demo_clock import office
        from lianxin.modules.kit import today

        actor = office(self.township)
        n = 0
        for kind in kinds.MARKABLE:
            answered = [
                i for i in kinds.items(self.township, kind) if i.done_on and i.done_on.year == YEAR
            ]
            for item in answered[:3]:
                awards.mark_adopted(
                    actor,
                    self.township,
                    AdoptionInput(
                        kind=kind,
                        item_id=item.id,
                        adopted_by=ADOPTED_BY[n % len(ADOPTED_BY)],
                        adopted_on=min(today(), date(YEAR, 12, 22)),
                        note=NOTES[n % len(NOTES)],
                    ),
                )
                n += 1

    def nominations(self) -> None:
        self._on(date(YEAR + 1, 1, 12), 10, self._nominate, self.township.id)

    def _nominate(self) -> None:
        from lianxin.awards import service as awards
        from lianxin.awards.inputs import NominationInput
        from lianxin.awards.models import Selection
        from lianxin.demo_clock import office

        selection = db.session.scalar(
            select(Selection).where(
                Selection.county_id == self.township.county_id,
                Selection.township_id.is_(None),
                Selection.year == YEAR,
            )
        )
        if selection is None:
            return
        actor = office(self.township)
        adopted = awards.adopted_items(actor, self.township, year=YEAR)
        for item in adopted[:4]:
            awards.nominate(
                actor,
                self.township,
                selection.id,
                NominationInput(
                    kind=item.kind,
                    item_id=item.item_id,
                    summary=item.note or "被党委政府采纳并落实",
                ),
            )

    # --- the county -----------------------------------------------------------------------

    def county_steps(self) -> None:
        self._on(date(YEAR + 1, 1, 5), 9, self._open, None)
        self._on(date(YEAR + 1, 1, 20), 9, self._fix, None)
        self._on(date(YEAR + 1, 1, 27), 15, self._choose, None)
        self._on(date(YEAR + 1, 2, 2), 10, self._close, None)

    def _county(self) -> tuple[Actor, County]:
        from lianxin.auth.models import User
        from lianxin.demo_clock import actor_of

        county = db.session.get(County, self.township.county_id)
        admin = db.session.scalar(select(User.id).where(User.username == "county.admin"))
        assert county is not None and admin is not None
        return actor_of(admin), county

    def _selection_id(self) -> int | None:
        from lianxin.awards.models import Selection

        return db.session.scalar(
            select(Selection.id).where(
                Selection.county_id == self.township.county_id,
                Selection.township_id.is_(None),
                Selection.year == YEAR,
            )
        )

    def _open(self) -> None:
        from lianxin.awards import service as awards
        from lianxin.awards.inputs import SelectionInput

        actor, county = self._county()
        awards.open_selection(
            actor,
            county,
            SelectionInput(
                year=YEAR,
                title=f"{YEAR}年度全县党代表工作“四十佳”评选",
                metric_representative=self._representative_metric(county),
            ),
        )

    def _representative_metric(self, county: County) -> str:
        from lianxin.modules.registry import current_registry

        return "duty_score" if "duty_records" in current_registry() else "cases_received"

    def _fix(self) -> None:
        from lianxin.awards import service as awards
        from lianxin.county import service as county_figures
        from lianxin.usecases import commit_on_its_own

        actor, county = self._county()
        selection_id = self._selection_id()
        if selection_id is None:
            return
        # The nightly refresh would have closed the year's figures by now.
        year = county_figures.parse_period(str(YEAR))
        for township in db.session.scalars(
            select(Township).where(Township.county_id == county.id).order_by(Township.id)
        ):
            county_figures.refresh_township(township, [year])
        commit_on_its_own("the year's rollups the selection's candidates are taken from")
        try:
            awards.start_choosing(actor, county, selection_id)
        except awards.AwardRuleBroken:
            return  # nothing to choose from: the selection stays open

    def _choose(self) -> None:
        from lianxin.awards import service as awards
        from lianxin.awards.inputs import ChoiceInput
        from lianxin.awards.models import SelectionState

        actor, county = self._county()
        selection_id = self._selection_id()
        if selection_id is None:
            return
        roll = awards.selection_roll(actor, county, selection_id)
        if roll.selection.state != SelectionState.CHOOSING:
            return
        for category, rows in roll.candidates.items():
            take = min(roll.selection.quota(category), max(1, (len(rows) + 1) // 2))
            for row in rows[:take]:
                awards.choose(actor, county, row.id, ChoiceInput(reason=REASONS[category]))

    def _close(self) -> None:
        from lianxin.awards import service as awards
        from lianxin.awards.models import SelectionState

        actor, county = self._county()
        selection_id = self._selection_id()
        if selection_id is None:
            return
        if awards.get_selection(actor, county, selection_id).state == SelectionState.CHOOSING:
            try:
                awards.close_selection(actor, county, selection_id)
            except awards.AwardRuleBroken:
                return
