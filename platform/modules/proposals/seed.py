"""The demo's proposals (`lianxin demo`): two years of proposals and suggestions.

Every year, in the month before the annual session, the office opens a collection window and
representatives put forward proposals with ten co-signers (each signs from their own account);
all through the year they make suggestions. The office accepts them (立案) or says why not,
assigns each to the unit whose business it is; the unit contacts the author, answers in writing
(now and then late), the author rates the answer and the office publishes most answers. All
through the module's use cases, each on its day (`lianxin.demo_clock`).

In 城关镇 cg.rep (张秀英) also has this year's work in hand: a proposal with ten signers assigned
to cg.unit's unit, a draft waiting for co-signers, and a suggestion answered and published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

# (kind, title, body, category, unit, answer); {place}: a village or community of the township.
ITEMS = [
    (
        "proposal",
        "关于加快{place}农村道路提档升级的提案",
        "{place}部分通村道路路面窄、会车难，建议拓宽并增设错车道。",
        "基础设施",
        "镇城建办",
        "已将该路段拓宽工程列入明年交通项目计划，今年先增设错车道三处。",
    ),
    (
        "proposal",
        "关于完善{place}养老服务设施的提案",
        "{place}老年人口比例高，建议建设村级养老服务站，提供助餐、日间照料。",
        "民生保障",
        "镇社会事务办",
        "已争取县民政局项目资金，年内建成村级养老服务站一处。",
    ),
    (
        "proposal",
        "关于推进{place}高标准农田建设的提案",
        "{place}农田灌排设施老化，建议纳入高标准农田建设项目。",
        "农业农村",
        "镇农业农村办",
        "已申报县高标准农田建设项目，预计明年春耕前完工。",
    ),
    (
        "suggestion",
        "关于在{place}增设垃圾分类投放点的建议",
        "{place}垃圾投放点少且分类标识不清，建议增设并加强宣传。",
        "生态环境",
        "镇城建办",
        "已增设分类投放点四处，并组织志愿者开展分类宣传。",
    ),
    (
        "suggestion",
        "关于延长{place}卫生室开放时间的建议",
        "农忙季节村民白天下地，建议{place}卫生室晚上开放到八点。",
        "教育医疗",
        "镇社会事务办",
        "已协调卫生室农忙期间开放到晚上八点，并公示值班电话。",
    ),
    (
        "suggestion",
        "关于加强{place}农技培训的建议",
        "{place}种植户对新品种、新技术需求大，建议每季度开展一次农技培训。",
        "农业农村",
        "镇农业农村办",
        "已制定全年农技培训计划，每季度到村开展一次现场培训。",
    ),
    (
        "suggestion",
        "关于规范{place}集贸市场停车的建议",
        "{place}集贸市场逢集时车辆乱停，建议划定临时停车区。",
        "社会治理",
        "镇党政办",
        "已在市场周边划定临时停车区，逢集日安排人员疏导。",
    ),
    (
        "suggestion",
        "关于为{place}安装村级应急广播的建议",
        "{place}防汛等紧急通知传达慢，建议安装应急广播。",
        "社会治理",
        "镇党政办",
        "应急广播已安装调试完毕，纳入县应急广播平台。",
    ),
    (
        "suggestion",
        "关于扶持{place}特色农产品品牌的建议",
        "{place}茶叶、葡萄品质好但没有品牌，建议申请地理标志并统一包装。",
        "经济发展",
        "镇农业农村办",
        "已指导合作社注册商标，正在申报农产品地理标志。",
    ),
]
NOT_TAKEN = "该事项属于县级部门职权范围，已建议代表通过县党代表渠道反映。"


def seed(township: Township, index: int = 0) -> None:
    """Two years of a township's proposals; in 城关镇 also cg.rep's work in hand."""
    from lianxin.demo_clock import history
    from lianxin.modules.proposals.models import Proposal

    with tenant_context(township.id):
        if db.session.scalar(select(Proposal.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Proposals(township, index, timeline).plan()


@dataclass
class _Item:
    kind: str
    title: str
    body: str
    category: str
    unit: str
    answer: str
    author: int  # a representative's user id
    late: bool = False
    rating: str = "satisfied"
    refused: bool = False
    id: int | None = None


class _Proposals:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng
        from lianxin.people.models import HandlingUnit
        from lianxin.tenants.models import Branch

        self.township, self.tid, self.index = township, township.id, index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng("proposals", township.slug)
        with tenant_context(self.tid):
            reps = db.session.scalars(select(Representative).order_by(Representative.id))
            # Those with an account draft and sign (the others tell the office).
            self.users = [r.user_id for r in reps if r.user_id is not None and r.in_office]
            self.units = {u.name: u.id for u in db.session.scalars(select(HandlingUnit))}
            self.places = [
                b.name.removesuffix("党支部").removesuffix("党总支")
                for b in db.session.scalars(select(Branch).order_by(Branch.id))
            ]

    def plan(self) -> None:
        from lianxin.demo_clock import annual_session_day, months, next_working_day

        for month in months(self.start, self.today):
            # Proposals are collected in the month before the annual session (in March).
            if month.month == annual_session_day(month.year).month - 1:
                opens = next_working_day(month.replace(day=10))
                self._on(opens, 9, lambda o=opens: self._window(o))
                for n in range(2):  # two proposals with ten signers each
                    self._item(opens + timedelta(days=2 + n * 7), kinds=("proposal",))
            for _n in range(self.draw.choice((0, 1, 1))):
                day = month + timedelta(days=self.draw.randrange(28))
                self._item(day, kinds=("suggestion",))
        if self.township.slug == "chengguan":
            self._on(self.today - timedelta(days=12), 10, self._work_in_hand)

    def _item(self, day: date, *, kinds: tuple[str, ...]) -> None:
        from lianxin.demo_clock import next_working_day

        if day >= self.today or not self.users:
            return
        kind, title, body, category, unit, answer = self.draw.choice(
            [i for i in ITEMS if i[0] in kinds]
        )
        place = self.draw.choice(self.places)
        roll = self.draw.random()
        item = _Item(
            kind=kind,
            title=title.format(place=place),
            body=body.format(place=place),
            category=category,
            unit=unit,
            answer=answer,
            author=self.draw.choice(self.users),
            late=roll < 0.12,
            rating="basically_satisfied" if roll > 0.8 else "satisfied",
            refused=kind == "suggestion" and 0.12 <= roll < 0.2,
        )
        self._on(next_working_day(day), 20, lambda: self._draft(item))

    # --- the steps ------------------------------------------------------------------------------

    def _window(self, opens: date) -> None:
        from lianxin.demo_clock import annual_session_day, office
        from lianxin.modules.proposals import service as proposals
        from lianxin.modules.proposals.inputs import WindowInput

        session = annual_session_day(opens.year)
        proposals.add_window(
            office(self.township),
            self.township,
            WindowInput(
                title=f"{opens.year}年度党代表提案征集",
                opens_on=opens,
                closes_on=session - timedelta(days=1),
            ),
        )

    def _draft(self, item: _Item) -> None:
        from lianxin.demo_clock import actor_of
        from lianxin.modules.proposals import service as proposals
        from lianxin.modules.proposals.inputs import DraftInput

        author = actor_of(item.author)
        draft = proposals.create_draft(
            author,
            self.township,
            DraftInput(kind=item.kind, title=item.title, body=item.body, category=item.category),
        )
        item.id = draft.id
        if item.kind == "proposal":
            signers = [u for u in self.users if u != item.author]
            chosen = self.draw.sample(signers, min(11, len(signers)))
            me = proposals.representative_of(author, self.township)
            reps = [
                r.id
                for r in db.session.scalars(
                    select(Representative).where(Representative.user_id.in_(chosen))
                )
                if me is None or r.id != me.id
            ]
            proposals.invite(author, self.township, draft.id, reps)
            for n, user_id in enumerate(chosen[:9]):
                self._later(
                    timedelta(days=1 + n // 4, hours=n % 4),
                    lambda u=user_id: proposals.sign(actor_of(u), self.township, item.id),
                )
            self._later(timedelta(days=4), lambda: self._submit(item))
        else:
            self._later(timedelta(minutes=25), lambda: self._submit(item))

    def _submit(self, item: _Item) -> None:
        from lianxin.demo_clock import actor_of, next_working_day
        from lianxin.modules.proposals import service as proposals

        proposals.submit(actor_of(item.author), self.township, item.id)
        reviewed = next_working_day(_local(self._now()) + timedelta(days=self.draw.randint(1, 4)))
        self._on(reviewed, 10, lambda: self._review(item))

    def _review(self, item: _Item) -> None:
        """立案 and assigned to the unit, or not taken with the reason."""
        from lianxin.demo_clock import next_working_day, office
        from lianxin.modules.proposals import service as proposals
        from lianxin.modules.proposals.inputs import AssignInput

        actor = office(self.township)
        if item.refused:
            proposals.reject(actor, self.township, item.id, NOT_TAKEN)
            return
        complexity = "complex" if item.kind == "proposal" else "simple"
        proposals.accept(actor, self.township, item.id, complexity=complexity)
        proposals.assign(
            actor, self.township, item.id, AssignInput(lead_unit_id=self.units[item.unit])
        )
        contacted = next_working_day(_local(self._now()) + timedelta(days=self.draw.randint(2, 5)))
        self._on(contacted, 15, lambda: self._contact(item))

    def _contact(self, item: _Item) -> None:
        from lianxin.demo_clock import unit_actor
        from lianxin.modules.proposals import service as proposals

        unit = unit_actor(self.township, self.units[item.unit])
        assert unit is not None
        proposals.contact_author(unit, self.township, item.id, "电话联系领衔代表，了解具体诉求。")
        days = 30 if item.kind == "proposal" else 10
        answer_in = days + self.draw.randint(3, 15) if item.late else self.draw.randint(3, days - 2)
        self._later(timedelta(days=answer_in), lambda: self._answer(item))

    def _answer(self, item: _Item) -> None:
        from lianxin.demo_clock import unit_actor
        from lianxin.modules.proposals import service as proposals

        unit = unit_actor(self.township, self.units[item.unit])
        assert unit is not None
        proposals.answer(unit, self.township, item.id, item.answer)
        self._later(timedelta(days=self.draw.randint(2, 9)), lambda: self._rate(item))

    def _rate(self, item: _Item) -> None:
        from lianxin.demo_clock import actor_of, next_working_day, office
        from lianxin.modules.proposals import service as proposals

        proposals.rate(actor_of(item.author), self.township, item.id, item.rating)
        if self.draw.random() < 0.7:

            def publish() -> None:
                proposals.set_published(office(self.township), self.township, item.id, True)

            self._on(next_working_day(_local(self._now()) + timedelta(days=2)), 11, publish)

    def _work_in_hand(self) -> None:
        """cg.rep's proposal with ten signers assigned to cg.unit's unit, a draft waiting for
        three co-signers, and a suggestion answered, rated and published."""
        from lianxin.demo_clock import actor_of, office, unit_actor
        from lianxin.modules.proposals import service as proposals
        from lianxin.modules.proposals.inputs import AssignInput, DraftInput

        author_user = db.session.scalar(
            select(Representative.user_id).where(Representative.name == "张秀英")
        )
        if author_user is None:
            return
        author, actor = actor_of(author_user), office(self.township)
        farm = self.units["镇农业农村办"]
        unit = unit_actor(self.township, farm)
        assert unit is not None
        me = proposals.representative_of(author, self.township)
        assert me is not None
        signers = [
            r
            for r in db.session.scalars(select(Representative).order_by(Representative.id))
            if r.in_office and r.user_id is not None and r.id != me.id
        ]
        first = proposals.create_draft(
            author,
            self.township,
            DraftInput(
                kind="proposal",
                title="关于修建东关村便民桥的提案",
                body="东关河两岸群众出行要绕行三公里，建议在村部附近修建一座便民桥。",
                category="基础设施",
            ),
        )
        proposals.invite(author, self.township, first.id, [r.id for r in signers[:9]])
        for rep in signers[:9]:
            proposals.sign(actor_of(rep.user_id), self.township, first.id)
        proposals.submit(author, self.township, first.id)
        proposals.accept(actor, self.township, first.id, complexity="complex")
        proposals.assign(actor, self.township, first.id, AssignInput(lead_unit_id=farm))
        draft = proposals.create_draft(
            author,
            self.township,
            DraftInput(
                kind="proposal",
                title="关于增设农村公交站点的提案",
                body="北片三个村没有公交站点，老人看病出行困难。",
                category="民生保障",
            ),
        )
        proposals.invite(author, self.township, draft.id, [r.id for r in signers[9:12]])
        suggestion = proposals.create_draft(
            author,
            self.township,
            DraftInput(
                kind="suggestion",
                title="关于村卫生室延长开放时间的建议",
                body="农忙季节村民白天下地，建议卫生室晚上开放到八点。",
                category="教育医疗",
            ),
        )
        proposals.submit(author, self.township, suggestion.id)
        proposals.accept(actor, self.township, suggestion.id, complexity="simple")
        proposals.assign(actor, self.township, suggestion.id, AssignInput(lead_unit_id=farm))
        proposals.contact_author(unit, self.township, suggestion.id, "电话联系了代表")
        proposals.answer(
            unit,
            self.township,
            suggestion.id,
            "已协调各村卫生室农忙期间开放到晚上八点，并公示值班电话。",
        )
        proposals.rate(author, self.township, suggestion.id, "satisfied")
        proposals.set_published(actor, self.township, suggestion.id, True)

    # --- helpers --------------------------------------------------------------------------------

    def _now(self) -> datetime:
        assert self.timeline.now is not None
        return self.timeline.now

    def _later(self, after: timedelta, step: Step) -> None:
        self.timeline.add(self._now() + after, step, self.tid)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.tid)


def _local(moment: datetime) -> date:
    from lianxin.demo_clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()
