"""The demo's inspections (`lianxin demo`): twice a year the office plans a visit to a key
project or a research visit before the proposal collection (001果园 "每年一至二次"), sends the
plan to the units seven days ahead, the team records what it found and writes a report, and a
serious problem goes to a unit as a written brief (a case, answered like every case). Through
the module's use cases, each on its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.people.models import HandlingUnit, Representative, RepStatus
from lianxin.tenants.models import Township

# (month, day, form, subject, findings, brief title or None)
VISITS = [
    (
        2,
        10,
        "research",
        "农村人居环境整治专题调研",
        "三个村垃圾分类设施不足，转运不及时。",
        "增设垃圾分类收集点",
    ),
    (
        9,
        16,
        "inspection",
        "镇区道路改造重点项目进展视察",
        "主干道硬化已完成七成，排水管网未同步施工。",
        None,
    ),
]


def seed(township: Township, index: int = 0) -> None:
    """Two visits a year over the demo's two years, unless the township has some already."""
    from lianxin.demo_clock import history
    from lianxin.modules.inspections.models import Inspection

    with tenant_context(township.id):
        if db.session.scalar(select(Inspection.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Visits(township, timeline).plan()


class _Visits:
    def __init__(self, township: Township, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township, self.tid, self.timeline = township, township.id, timeline
        self.today = real_today()
        self.start = history_start(self.today)
        self.draw = rng("inspections", township.slug)

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        for year in range(self.start.year, self.today.year + 1):
            for n, (month, day, form, subject, findings, brief) in enumerate(VISITS):
                held = next_working_day(date(year, month, day))
                planned = next_working_day(held - timedelta(days=12))
                if planned < self.start:
                    continue
                self._on(
                    planned,
                    10,
                    lambda h=held, f=form, s=subject, t=findings, b=brief, k=n: self._plan(
                        h, f, s, t, b, k
                    ),
                )

    def _plan(
        self, held: date, form: str, subject: str, findings: str, brief: str | None, n: int
    ) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.inspections import service
        from lianxin.modules.inspections.inputs import PlanInput

        reps = list(
            db.session.scalars(
                select(Representative.id)
                .where(Representative.status == RepStatus.IN_OFFICE)
                .order_by(Representative.id)
            )
        )
        units = list(
            db.session.scalars(
                select(HandlingUnit.id)
                .where(HandlingUnit.is_active.is_(True))
                .order_by(HandlingUnit.id)
            )
        )
        if len(reps) < 3:
            return
        team = self.draw.sample(reps, min(4, len(reps)))
        made = service.create_plan(
            office(self.township),
            self.township,
            PlanInput(
                form=form,
                subject=subject,
                held_on=held,
                place=self.township.name,
                unit_ids=units[n : n + 1],
                representative_ids=team,
            ),
        )
        send_on = held - timedelta(days=7)
        self._on(send_on, 9, lambda: self._send(made.id))
        self._on(held, 16, lambda: self._findings(made.id, findings, team))
        self._on(held + timedelta(days=3), 11, lambda: self._report(made.id, subject, brief, units))

    def _send(self, inspection_id: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.inspections import service

        service.send_plan(office(self.township), self.township, inspection_id)

    def _findings(self, inspection_id: int, findings: str, team: list[int]) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.inspections import service
        from lianxin.modules.inspections.inputs import FindingsInput

        attended = team[:-1] if len(team) > 3 else team  # one could not come
        service.record_findings(
            office(self.township), self.township, inspection_id, FindingsInput(findings, attended)
        )

    def _report(
        self, inspection_id: int, subject: str, brief: str | None, units: list[int]
    ) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.inspections import service
        from lianxin.modules.inspections.inputs import BriefInput

        actor = office(self.township)
        service.write_report(
            actor,
            self.township,
            inspection_id,
            f"{subject}报告：视察组听取了情况介绍，实地查看了现场，提出了改进建议。",
        )
        if brief and units:
            service.add_brief(
                actor,
                self.township,
                inspection_id,
                BriefInput(
                    kind="supervision",
                    unit_id=units[-1],
                    title=brief,
                    body=f"{brief}：视察调研中发现，请在期限内书面答复。",
                ),
            )

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.tid)
