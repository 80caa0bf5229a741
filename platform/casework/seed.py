"""The demo's cases (`lianxin demo`): two years of them, made through the casework service.

Every township registers cases month after month since it came onto the platform: walk-ins,
calls, letters and the public web form. Each goes the way cases go — received, referred to the
unit whose business it is, answered (most in time, some late, a few after an extension), the
person told and asked, rated, archived; a few are handled on the spot or turned away with the
right place to go. Each step is the use case of the page that does it, taken on its day
(`lianxin.demo_clock`), so the deadlines are the township's rule on that day and a late answer
is late. The newest cases are where a township's work is today: waiting to be received,
with a unit, or answered and waiting for the person's rating.

In 城关镇 the last few days add `DEMO_CASES`, one in each state a clerk meets first.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import SHANGHAI, Timeline, next_working_day, real_now, working_day
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

DEMO_CASES = [
    ("村道路灯不亮", "东关村3组路灯坏了两个月，晚上出行不便。", "基础设施", "regular_visit"),
    ("农田灌溉渠堵塞", "西关村灌溉渠淤堵，影响春耕用水。", "农业农村", "reception_day"),
    ("社区缺少老年活动室", "新华社区老人多，希望有个活动的地方。", "民生保障", "themed_visit"),
    ("企业招工信息不畅", "光明机械厂反映招工信息发布渠道少。", "经济发展", "regular_visit"),
    ("垃圾清运不及时", "城南社区垃圾箱满了两三天才清运。", "生态环境", "public_web"),
]

# What people raise ({place}: a village or community of the township), the unit whose business
# it is, how hard it is, and the unit's answer.
TOPICS = [
    (
        "路灯损坏",
        "{place}主路有几盏路灯坏了，晚上出行不便，老人孩子容易摔倒。",
        "基础设施",
        "镇城建办",
        "simple",
        "已安排维修人员更换损坏灯具，并纳入每月巡查。",
    ),
    (
        "通组道路坑洼积水",
        "{place}通组道路坑洼不平，下雨就积水，电动车和三轮车通行困难。",
        "基础设施",
        "镇城建办",
        "complex",
        "已将该路段列入今年农村道路修缮计划，先行填补坑洼，雨季后整体铺设。",
    ),
    (
        "自来水水压不足",
        "{place}高处几户自来水水压不足，早晚用水高峰时基本没水。",
        "基础设施",
        "镇城建办",
        "complex",
        "已协调水厂在片区加装增压设备，调试后水压已恢复正常。",
    ),
    (
        "灌溉渠淤堵",
        "{place}灌溉渠多处淤堵，下游农田放不进水，影响栽插。",
        "农业农村",
        "镇农业农村办",
        "simple",
        "已组织村组对渠道进行清淤，下游农田已正常放水。",
    ),
    (
        "农机购置补贴咨询",
        "{place}种植户想了解今年农机购置补贴的申请条件和办理流程。",
        "农业农村",
        "镇农业农村办",
        "simple",
        "已电话告知补贴目录、申请材料和办理时间，并帮助在线提交申请。",
    ),
    (
        "水稻病虫害防治求助",
        "{place}部分稻田出现稻飞虱，农户希望有技术人员指导防治。",
        "农业农村",
        "镇农业农村办",
        "simple",
        "农技人员已到田间查看，指导农户统一防治，并发放防治药剂。",
    ),
    (
        "低保申请办理进度",
        "{place}一户村民申请低保两个多月，想知道办理进度。",
        "民生保障",
        "镇社会事务办",
        "simple",
        "已核实该户申请材料齐全，正在公示，公示期满后按月发放。",
    ),
    (
        "残疾人补贴未到账",
        "{place}一位残疾人反映两项补贴本季度还未到账。",
        "民生保障",
        "镇社会事务办",
        "simple",
        "经核查系银行账户信息变更所致，已更正，补贴已补发到账。",
    ),
    (
        "希望设立老年助餐点",
        "{place}独居老人较多，希望在村（社区）设立老年助餐点。",
        "民生保障",
        "镇社会事务办",
        "complex",
        "已将该点纳入今年助餐点建设计划，利用村（社区）服务中心改建，年内投入使用。",
    ),
    (
        "垃圾清运不及时",
        "{place}垃圾桶满了两三天才清运，天热时气味很大。",
        "生态环境",
        "镇城建办",
        "simple",
        "已要求保洁公司调整清运班次，夏季改为每日清运一次。",
    ),
    (
        "河道漂浮垃圾",
        "{place}河道里漂浮垃圾较多，影响环境。",
        "生态环境",
        "镇城建办",
        "simple",
        "已组织河道保洁人员清理，并落实河长巡河制度。",
    ),
    (
        "养殖场异味扰民",
        "{place}附近养殖场气味大，周边居民夏天不敢开窗。",
        "生态环境",
        "镇农业农村办",
        "complex",
        "已督促养殖场完善粪污处理设施，环保部门将定期复查。",
    ),
    (
        "宅基地边界纠纷",
        "{place}两户村民因宅基地边界问题发生争执，希望协调解决。",
        "社会治理",
        "镇党政办",
        "complex",
        "镇村两级已组织双方现场调解，按确权资料重新确界，双方签订了调解协议。",
    ),
    (
        "电动车楼道充电隐患",
        "{place}有居民在楼道里给电动车充电，存在消防隐患。",
        "社会治理",
        "镇党政办",
        "simple",
        "已在小区增设集中充电桩，并开展消防安全宣传和楼道清理。",
    ),
    (
        "村卫生室缺少常用药",
        "{place}卫生室常用慢性病药品经常断货，老人要到镇上去买。",
        "教育医疗",
        "镇社会事务办",
        "simple",
        "已协调镇卫生院定期向村卫生室配送常用慢性病药品。",
    ),
    (
        "学校门口交通安全",
        "{place}附近学校上下学时段车辆多，孩子过马路不安全。",
        "教育医疗",
        "县交通运输局",
        "complex",
        "已在学校门口增设减速带和人行横道标线，上下学时段安排护学岗。",
    ),
    (
        "农村公交班次太少",
        "{place}到镇上的公交一天只有两班，村民看病买药不方便。",
        "基础设施",
        "县交通运输局",
        "complex",
        "县交通运输局已将该线路调整为每天六班，并增设一个停靠点。",
    ),
    (
        "农产品销路不畅",
        "{place}今年葡萄丰收，但收购商压价，希望帮助拓宽销路。",
        "经济发展",
        "镇党政办",
        "simple",
        "已对接县电商服务中心和镇上商超，帮助农户线上线下销售。",
    ),
    (
        "企业招工信息不畅",
        "{place}企业反映招工信息发布渠道少，附近村民也不知道哪里招工。",
        "经济发展",
        "镇党政办",
        "simple",
        "已通过镇村公众号和公告栏定期发布企业招工信息。",
    ),
    (
        "党员活动室设施陈旧",
        "{place}党员活动室桌椅和投影设备老旧，开会学习不方便。",
        "党的建设",
        "镇党政办",
        "simple",
        "已为活动室更新桌椅和投影设备。",
    ),
]
# The office's answer when a case is settled there and then (当场答复).
ON_THE_SPOT = "经当场查询政策，已向群众解释清楚并告知办理渠道。"
# A case for another channel: where the person is sent (不予受理).
INADMISSIBLE = (
    "该事项已进入诉讼程序",
    "该事项已由人民法院受理，请关注法院审理进展，如有新的诉求可再向我们反映。",
)
COMMENTS = {
    "satisfied": ["办得很快，谢谢！", "问题解决了，很满意。", None, None],
    "basically_satisfied": ["基本解决了，希望后续多关注。", None],
    "unsatisfied": ["问题还没有彻底解决。", "答复太笼统，没有解决实际问题。"],
}
# How people reach the township (the reception days, stations and the liaison chain raise their
# own cases in their modules).
CHANNELS = [
    ("phone", 30),
    ("paper", 12),
    ("regular_visit", 20),
    ("public_web", 22),
    ("themed_visit", 10),
    ("concentrated_visit", 6),
]
VISITS = ("regular_visit", "themed_visit", "concentrated_visit")
# Cases a month: 城关镇 is the busiest.
PER_MONTH = (4, 3, 2)


def seed(township: Township, index: int = 0) -> None:
    """Two years of cases; in 城关镇 also a handful of this week's in different states."""
    from lianxin.casework.models import Case
    from lianxin.demo_clock import history

    with tenant_context(township.id):
        if db.session.scalar(select(Case.id).limit(1)) is not None:
            return
    with history() as timeline:
        _History(township, index, timeline).plan()
        # Today's, after the history (the timeline takes its steps in order).
        timeline.add(real_now() - timedelta(minutes=5), lambda: _branch_visits(township))


def _branch_visits(township: Township) -> None:
    """Where cg.liaison is a branch's liaison (城关镇, 东关村): two visits she logged today, one
    waiting for its proposed handling and one for 张秀英's signature (cg.rep signs it)."""
    from lianxin.auth.actor import actor_for
    from lianxin.auth.models import User
    from lianxin.casework import service as casework

    liaison = db.session.scalar(select(User).where(User.username == "cg.liaison"))
    rep_user = db.session.scalar(select(User).where(User.username == "cg.rep"))
    if liaison is None or rep_user is None:
        return
    who = actor_for(liaison)
    if not casework.liaison_branch_ids(who, township):
        return
    with tenant_context(township.id):
        rep = db.session.scalar(select(Representative).where(Representative.user_id == rep_user.id))
        if rep is None:
            return
        for i, (title, body, proposal) in enumerate(BRANCH_VISITS):
            new = casework.register(
                who,
                township,
                casework.CaseInput(
                    title=title,
                    body=body,
                    category="基础设施",
                    channel="liaison",  # at the branch's service centre, not a station
                    raiser_name=("孙大爷", "周阿姨")[i],
                    raiser_phone=f"1390000001{i}",
                    received_by_id=rep.id,
                ),
            )
            if proposal:
                casework.propose_handling(who, township, new.case.id, proposal)


BRANCH_VISITS = (
    ("东关村桥头护栏松动", "东关村5组桥头护栏松动，孩子上学经过有危险。", ""),
    (
        "东关村自来水水压低",
        "东关村东头十几户早晚用水高峰水压低，楼上接不到水。",
        "建议由镇城建办协调水厂检测管网压力，必要时加装增压设备。",
    ),
)


@dataclass
class _Case:
    """One case of the history: what will become of it (drawn when it is planned), and its id
    and tracking code once registered."""

    data: dict[str, object]
    fate: str = "referred"  # referred / on_the_spot / inadmissible
    unit: str = ""
    complexity: str = "simple"
    answer: str = ""
    timing: str = "in_time"  # in_time / late / extended
    share: float = 0.5  # how far into its time the unit answers
    rating: str | None = None
    comment: str | None = None
    by_code: bool = False
    id_hint: int = 0  # which station a visit was at
    id: int | None = None
    code: str | None = None


def follow(
    township: Township,
    case_id: int,
    tracking_code: str | None,
    category: str,
    *,
    unit: str | None = None,
    answer: str | None = None,
) -> None:
    """What becomes of a case another part raised in the demo's history (at a reception day, a
    station's meeting, along the liaison chain): from the office's receiving it on, it goes the
    way the others go — to `unit` (a unit of `UNITS`), which answers `answer`; without them, a
    topic of the category's. Called from a step of the demo's timeline."""
    from lianxin.demo_clock import history

    with history() as timeline:
        life = _History(township, 0, timeline, key=f"follow-{case_id}")
        topics = [t for t in TOPICS if t[2] == category] or TOPICS
        _title, _body, _category, topic_unit, complexity, topic_answer = life.draw.choice(topics)
        case = _Case(
            data={},
            unit=unit or topic_unit,
            complexity=complexity,
            answer=answer or topic_answer,
        )
        life.destiny(case)
        case.id, case.code = case_id, tracking_code
        now = life._now()
        received = now + timedelta(minutes=30)
        if received.astimezone(SHANGHAI).hour >= 17 or not working_day(_local(now)):
            received = life._at(next_working_day(_local(now) + timedelta(days=1)), 9)
        life._step(received, lambda: life._receive(case))


class _History:
    def __init__(
        self, township: Township, index: int, timeline: Timeline, key: str = "casework"
    ) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.tid = township.id
        self.index = index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng(key, township.slug)
        with tenant_context(self.tid):
            from lianxin.people.models import HandlingUnit

            self.units = {u.name: u.id for u in db.session.scalars(select(HandlingUnit))}

    # --- planning ---------------------------------------------------------------------------

    def plan(self) -> None:
        from lianxin.demo_clock import months
        from lianxin.people.seed import names
        from lianxin.tenants.models import Branch

        with tenant_context(self.tid):
            reps = list(db.session.scalars(select(Representative).order_by(Representative.id)))
            self.rep_ids = [r.id for r in reps]
            self.places = [
                b.name.removesuffix("党支部").removesuffix("党总支")
                for b in db.session.scalars(select(Branch).order_by(Branch.id))
            ]
            taken = {r.name for r in reps}
        self.raisers = names(f"raisers-{self.township.slug}", taken)
        per_month = PER_MONTH[self.index % len(PER_MONTH)]
        for month in months(self.start, self.today):
            for _n in range(per_month + self.draw.randint(-1, 1)):
                day = month + timedelta(days=self.draw.randrange(28))
                if self.start <= day < self.today:
                    self._plan_case(day)
        # The last days' few, still with the office or a unit today.
        for back in (9, 4):
            self._plan_case(self.today - timedelta(days=back), fresh=True)
        if self.township.slug == "chengguan":
            self._plan_this_week()

    def _plan_case(self, day: date, *, fresh: bool = False) -> None:
        """A case registered on `day` and what becomes of it; a `fresh` one is referred and
        answered late in its time (so that it is still open today)."""
        from lianxin.demo_clock import next_working_day

        draw = self.draw
        title, body, category, unit, complexity, answer = draw.choice(TOPICS)
        place = draw.choice(self.places)
        channel = _weighted(draw, CHANNELS)
        public = channel == "public_web"
        if not public:
            day = next_working_day(day)  # the office registers on working days
        case = _Case(
            data={
                "title": f"{place}{title}",
                "body": body.format(place=place),
                "category": category,
                "channel": channel,
                "raiser_name": next(self.raisers)[0],
                "raiser_phone": f"13{draw.randint(5, 9)}{draw.randint(0, 99999999):08d}",
                "received_by_id": (
                    draw.choice(self.rep_ids)
                    if not public and (channel in VISITS or draw.random() < 0.3)
                    else None
                ),
            },
            unit=unit,
            complexity=complexity,
            answer=answer,
            id_hint=draw.randrange(1000),
        )
        self.destiny(case)
        if fresh:
            case.fate, case.timing, case.share = "referred", "in_time", max(case.share, 0.8)
        registered = self._at(day, draw.randint(8, 20) if public else draw.randint(9, 16))
        self._step(registered, lambda: self._register(case))
        received = registered + timedelta(minutes=20)
        if public:  # the office receives it on its next working day
            received = self._at(next_working_day(day + timedelta(days=1)), 9)
        self._step(received, lambda: self._receive(case))

    def destiny(self, case: _Case) -> None:
        """What will become of the case: how it is settled, whether the unit answers in time,
        how the person rates the answer."""
        draw = self.draw
        fate = draw.random()
        case.fate = "inadmissible" if fate < 0.05 else "on_the_spot" if fate < 0.15 else "referred"
        luck = draw.random()
        case.timing = (
            "late"
            if luck < 0.14
            else "extended"
            if luck < 0.24 and case.complexity == "complex"
            else "in_time"
        )
        case.share = draw.uniform(0.15, 1.0)
        if draw.random() < 0.85:  # most people rate the answer
            good = 0.55 if case.timing == "late" else 0.9
            roll = draw.random()
            case.rating = (
                "satisfied"
                if roll < good * 0.75
                else "basically_satisfied"
                if roll < good
                else "unsatisfied"
            )
            case.comment = draw.choice(COMMENTS[case.rating])
            case.by_code = draw.random() < 0.5

    def _plan_this_week(self) -> None:
        """DEMO_CASES, registered over the last working days, each left in its own state."""
        from lianxin.casework.inputs import ReferInput
        from lianxin.demo_clock import next_working_day

        first = self.today - timedelta(days=7)
        for i, (title, body, category, channel) in enumerate(DEMO_CASES):
            day = next_working_day(first + timedelta(days=i))
            if day >= self.today:
                day = self.today - timedelta(days=1)
            when = self._at(day, 10)
            case = _Case(
                data={
                    "title": title,
                    "body": body,
                    "category": category,
                    "channel": channel,
                    "raiser_name": next(self.raisers)[0],
                    "raiser_phone": f"1370000000{i}",
                    "received_by_id": None if channel == "public_web" else self.rep_ids[i],
                }
            )
            self._step(when, partial(self._register, case))
            if i == 4:
                continue  # a fresh public submission waiting to be received
            self._step(when + timedelta(minutes=5), partial(self._call, "receive", case))
            if i == 3:
                continue
            if i == 2:
                self._step(
                    when + timedelta(minutes=30),
                    partial(self._call, "handle_on_spot", case, "已协调社区腾出一间活动室。"),
                )
                self._step(when + timedelta(minutes=40), partial(self._call, "give_feedback", case))
                continue
            lead = self.units["镇城建办"] if i == 0 else self.units["镇农业农村办"]
            self._step(
                when + timedelta(hours=1),
                partial(self._call, "refer", case, ReferInput(lead_unit_id=lead)),
            )

    # --- the steps: each takes its use case and plans the next ---------------------------------

    def _register(self, case: _Case) -> None:
        from lianxin.casework import service as casework
        from lianxin.demo_clock import office

        public = case.data["channel"] == "public_web"
        data = dict(case.data)
        if data["channel"] in casework.station_channels(self.township):
            # Received at a station: the case names it (it counts in the station's report).
            stations = casework.case_stations(self.township)
            if stations:
                data["station_id"] = stations[case.id_hint % len(stations)].id
            else:
                data["channel"] = "phone"
        made = casework.register(
            None if public else office(self.township),
            self.township,
            casework.CaseInput(**data),
        )
        case.id, case.code = made.case.id, made.tracking_code

    def _receive(self, case: _Case) -> None:
        from lianxin.demo_clock import next_working_day

        self._call("receive", case)
        now = self._now()
        if case.fate == "inadmissible":
            self._step(
                now + timedelta(hours=1),
                lambda: self._call(
                    "mark_inadmissible", case, reason=INADMISSIBLE[0], referral_text=INADMISSIBLE[1]
                ),
            )
            self._step(now + timedelta(days=3), lambda: self._call("archive", case))
        elif case.fate == "on_the_spot":
            self._step(
                now + timedelta(minutes=40),
                lambda: self._answered(case, "handle_on_spot", ON_THE_SPOT),
            )
        else:
            referred = self._at(next_working_day(_local(now) + timedelta(days=1)), 10)
            self._step(referred, lambda: self._refer(case))

    def _refer(self, case: _Case) -> None:
        """Referred to the unit whose business it is; when it answers depends on its luck: most
        in time, a few after the office agreed to more time, some late, and the last weeks'
        not yet."""
        from lianxin.casework import service as casework
        from lianxin.casework.inputs import ReferInput
        from lianxin.demo_clock import next_working_day, office

        unit_id = self.units[case.unit]
        referred = casework.refer(
            office(self.township),
            self.township,
            case.id,
            ReferInput(lead_unit_id=unit_id, complexity=case.complexity),
        )
        due, today = referred.due_on, _local(self._now())
        assert due is not None
        if case.timing == "extended":
            asked = self._at(
                next_working_day(max(today + timedelta(days=1), due - timedelta(6))), 15
            )
            until = due + timedelta(days=self.draw.randint(10, 20))
            self._step(asked, lambda: self._extend(case, unit_id, until))
            return
        self._plan_answer(case, unit_id, today, due)

    def _plan_answer(self, case: _Case, unit_id: int, today: date, due: date) -> None:
        if case.timing == "late":
            day = due + timedelta(days=self.draw.randint(1, 12))
        else:
            span = max((due - today).days, 1)
            day = today + timedelta(days=max(1, round(span * case.share)))
        self._step(
            self._at(day, self.draw.randint(9, 17)),
            lambda: self._unit_answers(case, unit_id),
        )

    def _extend(self, case: _Case, unit_id: int, until: date) -> None:
        from lianxin.casework import service as casework
        from lianxin.demo_clock import office, unit_actor

        unit = unit_actor(self.township, unit_id)
        assert unit is not None
        extension = casework.request_extension(
            unit, self.township, case.id, until=until, reason="需协调县级部门共同办理，申请延期。"
        )
        extension_id = extension.id

        def decide() -> None:
            casework.decide_extension(
                office(self.township), self.township, extension_id, approve=True
            )
            self._plan_answer(case, unit_id, _local(self._now()), until)

        self._step(self._now() + timedelta(hours=18), decide)

    def _unit_answers(self, case: _Case, unit_id: int) -> None:
        from lianxin.casework import service as casework
        from lianxin.demo_clock import unit_actor

        unit = unit_actor(self.township, unit_id)
        assert unit is not None, f"no account for unit {unit_id}"
        casework.unit_reply(unit, self.township, case.id, case.answer)
        self._after_answer(case)

    def _answered(self, case: _Case, action: str, answer: str) -> None:
        self._call(action, case, answer)
        self._after_answer(case)

    def _after_answer(self, case: _Case) -> None:
        """Feedback to the person, their rating (most give one), and the file closed."""
        from lianxin.demo_clock import next_working_day

        told = self._at(next_working_day(_local(self._now()) + timedelta(days=1)), 10)
        self._step(told, lambda: self._call("give_feedback", case))
        closed_on = _local(told) + timedelta(days=15)
        if case.rating is not None:
            rated = told + timedelta(days=self.draw.randint(1, 6), hours=self.draw.randint(0, 8))
            self._step(rated, lambda: self._rate(case))
            closed_on = _local(rated) + timedelta(days=self.draw.randint(1, 5))
        self._step(self._at(next_working_day(closed_on), 16), lambda: self._call("archive", case))

    def _rate(self, case: _Case) -> None:
        """The person rates with their tracking code (the web form), or tells the office, which
        records it."""
        from lianxin.casework import service as casework

        assert case.rating is not None
        if case.by_code and case.code:
            casework.rate_by_code(self.township, case.code, case.rating, case.comment)
        else:
            self._call("record_rating", case, case.rating, case.comment)

    # --- helpers --------------------------------------------------------------------------------

    def _call(self, name: str, case: _Case, *args: object, **kwargs: object) -> None:
        """An office use case on the case."""
        from lianxin.casework import service as casework
        from lianxin.demo_clock import office

        getattr(casework, name)(office(self.township), self.township, case.id, *args, **kwargs)

    def _now(self) -> datetime:
        assert self.timeline.now is not None
        return self.timeline.now

    def _at(self, day: date, hour: int, minute: int | None = None) -> datetime:
        from lianxin.demo_clock import moment

        return moment(day, hour, self.draw.randint(0, 59) if minute is None else minute)

    def _step(self, when: datetime, step: Callable[[], None]) -> None:
        self.timeline.add(when, step, self.tid)


def _weighted(draw: random.Random, choices: list[tuple[str, int]]) -> str:
    return draw.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()
