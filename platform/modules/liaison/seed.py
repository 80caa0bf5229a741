"""The demo's liaison chain (三联, `lianxin demo`): two years of it.

Each January (and the week the township comes on) the office has the year's pairs suggested —
committee members with representatives, representatives with party members, party members with
households — and the branches confirm their parts. Every quarter most pairs are kept in touch
(a visit, a talk, a call: each recorded by whoever keeps the pair, the office for those without
an account); now and then what was heard becomes a case that goes the way cases go
(`lianxin.casework.seed.follow`); each committee member holds the quarter's liaison meeting and
most representatives report up. All through the module's use cases, each on its day
(`lianxin.demo_clock`).

In 城关镇 cg.rep (张秀英) keeps two party members of her own branch, and this year's part of
东关村党支部 is left for its liaison (cg.liaison) to confirm.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.modules.liaison.models import Link
from lianxin.modules.liaison.quarters import Quarter
from lianxin.tenants.models import Township

SUMMARIES = {
    "visit": ("入户走访，了解家庭生产生活情况。", "走访时宣讲了医保和养老保险政策。"),
    "talk": ("谈心谈话，听取对村里工作的意见。", "谈心谈话，了解子女在外务工、老人留守情况。"),
    "phone": ("电话联系，询问医保缴费情况。", "电话联系，了解春耕备耕情况。"),
    "meeting": ("参加支部主题党日，听取党员意见。",),
    "activity": ("一起参加村里环境整治志愿活动。",),
}
METHODS = ("visit", "visit", "talk", "phone", "phone", "meeting", "activity")
# What is heard along the chain, raised as a case: (title, category, unit, the unit's answer).
ISSUES = [
    ("村东头路灯不亮", "基础设施", "镇城建办", "已更换损坏的路灯，并纳入每月巡查。"),
    ("村里缺少健身器材", "民生保障", "镇社会事务办", "已在村文化广场安装一套健身器材。"),
    ("灌溉水渠需要清淤", "农业农村", "镇农业农村办", "已组织村组对水渠清淤，农田已正常放水。"),
    ("独居老人需要定期探访", "民生保障", "镇社会事务办", "已将独居老人纳入村干部每周探访名单。"),
]
MEETINGS = (
    "季度联系代表座谈会：代表反映农村道路养护和养老服务问题。",
    "季度联系代表座谈会：围绕乡村振兴产业发展听取代表意见。",
    "季度联系代表座谈会：代表反映防汛和人居环境整治情况。",
)
REPORTS = (
    "本季度走访联系党员两名，收集意见一条，已转为诉求办理。",
    "本季度参加接待日一次，联系党员两名，宣讲政策两次。",
    "本季度联系党员两名，反映的问题均已答复。",
)


def seed(township: Township, index: int = 0) -> None:
    """Two years of a township's liaison chain, through the module's use cases."""
    from lianxin.demo_clock import history
    from lianxin.modules.liaison.models import Link

    with tenant_context(township.id):
        if db.session.scalar(select(Link.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Chain(township, index, timeline).plan()


class _Chain:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township, self.tid, self.index = township, township.id, index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng("liaison", township.slug)
        # How diligent each person keeping pairs is: most keep nearly all, a few fall behind.
        self.diligence: dict[str, float] = {}

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        for year in range(self.start.year, self.today.year + 1):
            day = next_working_day(max(date(year, 1, 8), self.start + timedelta(days=4)))
            self._on(day, 10, lambda y=year: self._year(y))

    # --- the steps ------------------------------------------------------------------------------

    def _year(self, year: int) -> None:
        """The year's pairs: cg.rep's own first, then the suggestion; the branches confirm."""
        from lianxin.demo_clock import office
        from lianxin.modules.liaison import service as liaison
        from lianxin.modules.liaison.inputs import LinkInput
        from lianxin.modules.liaison.models import Link
        from lianxin.modules.liaison.quarters import Quarter
        from lianxin.people.models import PartyMember, Representative

        actor = office(self.township)
        mine = db.session.scalar(select(Representative).where(Representative.name == "张秀英"))
        if mine is not None:
            members = db.session.scalars(
                select(PartyMember)
                .where(PartyMember.is_active.is_(True))
                .order_by((PartyMember.branch_id == mine.branch_id).desc(), PartyMember.id)
                .limit(2)
            )
            for member in members:
                liaison.add_link(
                    actor,
                    self.township,
                    LinkInput(year=year, level="rep_member", upper_id=mine.id, lower_id=member.id),
                )
        liaison.suggest(actor, self.township, year)
        this_year = year == self.today.year
        for part in liaison.branch_parts(actor, self.township, year):
            if not part.links or (this_year and part.branch.name == "东关村党支部"):
                continue  # this year's part of 东关村 waits for its liaison
            liaison.confirm_branch(actor, self.township, year, part.branch.id, "已核对")
        links = list(db.session.scalars(select(Link).where(Link.year == year).order_by(Link.id)))
        quarter = Quarter.of(self._today())
        while quarter.year == year and quarter.starts_on <= self.today:
            self._plan_quarter(quarter, links)
            quarter = quarter.next()

    def _plan_quarter(self, quarter: Quarter, links: list[Link]) -> None:
        from lianxin.demo_clock import moment

        first = max(quarter.starts_on, self._today())
        days = (quarter.ends_on - first).days + 1
        uppers: dict[int, list[int]] = {}
        for link in links:
            keeper = (
                f"{link.level}:{link.upper_user_id or link.upper_rep_id or link.upper_member_id}"
            )
            if keeper not in self.diligence:
                self.diligence[keeper] = self.draw.choice((0.95, 0.9, 0.9, 0.85, 0.7, 0.5))
            if link.level == "committee_rep":
                uppers.setdefault(link.upper_user_id, []).append(link.lower_rep_id)
            # Households are visited less often than the chain above them.
            share = self.diligence[keeper] * (0.5 if link.level == "member_household" else 1)
            if self.draw.random() > share:
                continue
            day = first + timedelta(days=self.draw.randrange(days))
            link_id = link.id
            self.timeline.add(
                moment(day, self.draw.randint(9, 19), self.draw.randint(0, 59)),
                lambda lk=link_id: self._contact(lk),
                self.tid,
            )
        # The committee members' liaison meetings, in the quarter's last month.
        for user_id, reps in uppers.items():
            day = max(first, quarter.ends_on - timedelta(days=self.draw.randint(5, 25)))
            self.timeline.add(
                moment(day, 15),
                lambda u=user_id, r=reps, q=quarter: self._meeting(u, r, q),
                self.tid,
            )
        # The representatives' quarterly reports, after the quarter (most of them).
        reporters = {lk.upper_rep_id for lk in links if lk.level == "rep_member"}
        for rep_id in sorted(r for r in reporters if r is not None):
            if self.draw.random() < 0.6:
                day = quarter.ends_on - timedelta(days=self.draw.randint(0, 10))
                self.timeline.add(
                    moment(day, 20), lambda r=rep_id, q=quarter: self._report(r, q), self.tid
                )

    def _contact(self, link_id: int) -> None:
        from lianxin.casework import seed as casework_seed
        from lianxin.demo_clock import actor_of, office
        from lianxin.modules.liaison import service as liaison
        from lianxin.modules.liaison.inputs import CaseInput, ContactInput
        from lianxin.modules.liaison.models import Link
        from lianxin.people.models import Representative

        link = db.session.get(Link, (self.tid, link_id))
        assert link is not None
        if link.level == "committee_rep":
            actor = actor_of(link.upper_user_id)
        else:
            keeper_rep = link.upper_rep_id
            if link.level == "member_household":
                holder = db.session.scalar(
                    select(Link.upper_rep_id).where(
                        Link.year == link.year,
                        Link.level == "rep_member",
                        Link.lower_member_id == link.upper_member_id,
                    )
                )
                keeper_rep = holder
            user_id = (
                db.session.scalar(
                    select(Representative.user_id).where(Representative.id == keeper_rep)
                )
                if keeper_rep is not None
                else None
            )
            actor = actor_of(user_id) if user_id is not None else office(self.township)
        method = self.draw.choice(METHODS)
        issue = self.draw.choice(ISSUES) if self.draw.random() < 0.06 else None
        view = liaison.record_contact(
            actor,
            self.township,
            ContactInput(
                link_id=link_id,
                contacted_on=self._today(),
                method=method,
                summary=self.draw.choice(SUMMARIES[method]),
                client_key=f"demo-{self.township.slug}-{link_id}-{self._today().isoformat()}",
                case=CaseInput(title=issue[0], category=issue[1]) if issue else None,
            ),
        )
        for case in view.cases:
            assert issue is not None
            casework_seed.follow(
                self.township,
                case.id,
                view.tracking_codes.get(case.id),
                case.category,
                unit=issue[2],
                answer=issue[3],
            )

    def _meeting(self, user_id: int, reps: list[int], quarter: Quarter) -> None:
        from lianxin.demo_clock import actor_of
        from lianxin.modules.liaison import service as liaison
        from lianxin.modules.liaison.inputs import MeetingInput

        came = [r for r in reps if self.draw.random() < 0.9]
        liaison.record_meeting(
            actor_of(user_id),
            self.township,
            MeetingInput(
                held_on=self._today(),
                place=f"{self.township.name}党委会议室",
                summary=self.draw.choice(MEETINGS),
                attendee_ids=came,
                client_key=f"demo-meeting-{self.township.slug}-{user_id}-{quarter.key}",
            ),
        )

    def _report(self, rep_id: int, quarter: Quarter) -> None:
        from lianxin.demo_clock import actor_of, office
        from lianxin.modules.liaison import service as liaison
        from lianxin.modules.liaison.inputs import ReportInput
        from lianxin.people.models import Representative

        user_id = db.session.scalar(
            select(Representative.user_id).where(Representative.id == rep_id)
        )
        actor = actor_of(user_id) if user_id is not None else office(self.township)
        liaison.submit_report(
            actor,
            self.township,
            ReportInput(
                year=quarter.year,
                quarter=quarter.number,
                text=self.draw.choice(REPORTS),
                representative_id=None if user_id is not None else rep_id,
            ),
        )

    def _today(self) -> date:
        assert self.timeline.now is not None
        return _local(self.timeline.now)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.tid)


def _local(moment: datetime) -> date:
    from lianxin.demo_clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()
