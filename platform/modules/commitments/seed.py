"""The demo's public commitments (公开承诺, `lianxin demo`): each February every representative
in office writes a commitment for the year (a few write two) with a deadline in June, September
or December — on their phone when they have an account, else the office enters it from the
signed 承诺书 (代为登记). The office approves them a working day later, returning one now and
then with a reason, which the representative revises. Representatives report progress on the
way; after each deadline the office closes most as kept and some as not kept, and leaves a few
overdue. This year one representative has not written theirs yet (flagged below the minimum),
and one commitment waits for approval. All through the module's use cases, each on its day
(`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

PROMISES = (
    "为所在村争取资金硬化通组道路一条，年底前完工",
    "每月至少走访联系群众10户，收集意见建议并及时反映",
    "帮助本村留守老人建立结对帮扶，每季度上门看望一次",
    "推动村级农产品电商服务点建成运营，带动农户增收",
    "协调解决村小学周边交通安全隐患，增设减速带和警示标志",
    "组织开展农技培训两期，帮助种植户掌握新品种栽培技术",
    "推动村里垃圾分类收集点建设，改善人居环境",
    "牵头调解邻里矛盾纠纷，做到小事不出村",
    "为辖区企业与高校对接技术合作一项",
    "推动村卫生室完成标准化改造",
)
PROGRESS = (
    "已与镇有关部门对接，方案正在论证",
    "已完成过半，群众反映良好",
    "资金已落实，正在组织实施",
    "已走访群众，收集意见建议若干条并已反映",
)
RETURN_REASONS = ("承诺内容过于笼统，请写明具体事项和完成标准", "完成期限偏长，请细化到月")
CLOSE_KEPT = ("经核实已按期完成，群众满意", "已完成，相关材料已存档")
CLOSE_NOT_KEPT = (
    "受资金未到位影响未能按期完成，已说明情况",
    "因项目调整未能完成，转入下年度继续推进",
)


def seed(township: Township, index: int = 0) -> None:
    """The commitments of the last two years, unless the township has some."""
    from lianxin.demo_clock import history
    from lianxin.modules.commitments.models import Commitment

    with tenant_context(township.id):
        if db.session.scalar(select(Commitment.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Commitments(township, timeline).plan()


class _Commitments:
    def __init__(self, township: Township, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.timeline = timeline
        self.today = real_today()
        created = township.created_at.date() if township.created_at else self.today
        self.start = max(history_start(self.today), created)
        self.draw = rng("commitments", township.slug)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment, next_working_day

        day = next_working_day(day)
        if self.start <= day <= self.today:
            self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.township.id)

    def plan(self) -> None:
        for year in range(self.start.year, self.today.year + 1):
            day = max(date(year, 2, 20), self.start)
            if day <= date(year, 10, 31):
                self._on(day, 9, lambda y=year, d=day: self._year(y, d))
        from lianxin.demo_clock import moment

        yesterday = self.today - timedelta(days=1)
        due_on = date(yesterday.year, 12, 20)
        if yesterday >= self.start and due_on >= yesterday + timedelta(days=14):
            self.timeline.add(
                moment(yesterday, 20), lambda: self._pending_one(due_on), self.township.id
            )

    def _year(self, year: int, day: date) -> None:
        """Each representative in office writes theirs over the next days (the last one of
        this year's roster leaves it for now)."""
        from lianxin.people.models import Representative

        reps = [
            (r.id, r.user_id)
            for r in db.session.scalars(
                select(Representative).order_by(Representative.name_pinyin, Representative.id)
            )
            if r.in_office
        ]
        if year == self.today.year and reps:
            reps = reps[:-1]
        deadlines = [
            d
            for d in (date(year, 6, 30), date(year, 9, 30), date(year, 12, 20))
            if d >= day + timedelta(days=30)
        ]
        for n, (rep_id, user_id) in enumerate(reps):
            for k in range(2 if self.draw.random() < 0.2 else 1):
                content = PROMISES[(n * 3 + k + year) % len(PROMISES)]
                due_on = deadlines[self.draw.randrange(len(deadlines))]
                on = day + timedelta(days=self.draw.randint(0, 6))
                self._on(
                    on,
                    10 + k,
                    lambda r=rep_id, u=user_id, c=content, d=due_on, y=year, o=on: self._write(
                        r, u, y, c, d, o
                    ),
                )

    def _pending_one(self, due_on: date) -> None:
        """Yesterday a representative wrote one more: it waits for the office (a to-do)."""
        from lianxin.demo_clock import actor_of
        from lianxin.modules.commitments import service
        from lianxin.modules.commitments.inputs import CommitmentInput
        from lianxin.people.models import Representative

        user_id = db.session.scalar(
            select(Representative.user_id)
            .where(Representative.user_id.is_not(None), Representative.status == "in_office")
            .order_by(Representative.id)
            .limit(1)
        )
        if user_id is None:
            return
        service.create_commitment(
            actor_of(user_id),
            self.township,
            CommitmentInput(
                year=due_on.year,
                content="年底前走访本选区困难群众，帮助落实冬季救助政策",
                due_on=due_on,
            ),
        )

    def _by(self, user_id: int | None) -> Actor:
        from lianxin.demo_clock import actor_of, office

        return actor_of(user_id) if user_id is not None else office(self.township)

    def _write(
        self, rep_id: int, user_id: int | None, year: int, content: str, due_on: date, on: date
    ) -> None:
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.commitments import service
        from lianxin.modules.commitments.inputs import CommitmentInput
        from lianxin.modules.commitments.models import Status

        own = user_id is not None
        row = service.create_commitment(
            self._by(user_id),
            self.township,
            CommitmentInput(
                year=year,
                content=content,
                due_on=due_on,
                representative_id=None if own else rep_id,
            ),
        )
        row_id = row.id
        if row.status == Status.APPROVED:
            self._keep(row_id, user_id, on, due_on)
            return
        decide = next_working_day(on, 1)
        if self.draw.random() < 0.1:
            reason = RETURN_REASONS[self.draw.randrange(len(RETURN_REASONS))]
            self._on(decide, 15, lambda: self._return(row_id, reason))
            revised = decide + timedelta(days=3)
            self._on(revised, 20, lambda: self._revise(row_id, user_id, content, due_on))
            decide = next_working_day(revised, 1)
        self._on(decide, 16, lambda: self._approve(row_id, user_id, decide, due_on))

    def _return(self, row_id: int, reason: str) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.commitments import service
        from lianxin.modules.commitments.inputs import ReturnInput

        service.return_commitment(office(self.township), self.township, row_id, ReturnInput(reason))

    def _revise(self, row_id: int, user_id: int | None, content: str, due_on: date) -> None:
        from lianxin.modules.commitments import service
        from lianxin.modules.commitments.inputs import RevisionInput

        service.revise_commitment(
            self._by(user_id), self.township, row_id, RevisionInput(content + "（已细化）", due_on)
        )

    def _approve(self, row_id: int, user_id: int | None, on: date, due_on: date) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.commitments import service

        service.approve_commitment(office(self.township), self.township, row_id)
        self._keep(row_id, user_id, on, due_on)

    def _keep(self, row_id: int, user_id: int | None, on: date, due_on: date) -> None:
        """Progress halfway to the deadline (most), then the office's close a few working
        days after it (most kept, some not; a few of this year's left overdue)."""
        from lianxin.demo_clock import next_working_day

        if self.draw.random() < 0.75:
            half = on + (due_on - on) / 2
            note = PROGRESS[self.draw.randrange(len(PROGRESS))]
            self._on(half, 19, lambda: self._progress(row_id, user_id, note))
        if due_on.year == self.today.year and self.draw.random() < 0.3:
            return  # left open: overdue once its deadline has passed
        kept = self.draw.random() < 0.8
        close = next_working_day(due_on, self.draw.randint(1, 5))
        self._on(close, 11, lambda: self._close(row_id, kept))

    def _progress(self, row_id: int, user_id: int | None, note: str) -> None:
        from lianxin.modules.commitments import service
        from lianxin.modules.commitments.inputs import ProgressInput

        service.add_progress(self._by(user_id), self.township, row_id, ProgressInput(note))

    def _close(self, row_id: int, kept: bool) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.commitments import service
        from lianxin.modules.commitments.inputs import CloseInput

        pool = CLOSE_KEPT if kept else CLOSE_NOT_KEPT
        service.close_commitment(
            office(self.township),
            self.township,
            row_id,
            CloseInput(kept, pool[self.draw.randrange(len(pool))]),
        )
