"""The demo's consultations (征询意见, `lianxin demo`): once a quarter the office puts a draft
to the representatives — a representative group, or everyone for the year's plan — most answer
within the week (同意, a few 不同意, some with an opinion; those without an account through
their one-time link), the office closes it the day after the deadline and the committee's
answer (采纳 / 部分采纳) goes back to them a week later; the last one closed still waits for it.
One is open now, its deadline a few days ahead. All through the module's use cases, each on
its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

# (kind, title, text)
TOPICS = (
    (
        "plan",
        "关于镇党委年度工作要点的征求意见",
        "现将镇党委年度工作要点（征求意见稿）印发，请提出意见建议。",
    ),
    ("decision", "关于实施集镇污水管网改造工程的征求意见", "拟投资改造集镇污水管网，分两期实施……"),
    ("commendation", "关于年度优秀共产党员推荐人选的征求意见", "经各支部推荐，拟推荐以下同志……"),
    ("plan", "关于乡村振兴示范村创建方案的征求意见", "拟选择三个村创建乡村振兴示范村，方案如下……"),
    ("decision", "关于调整集镇农贸市场布局的征求意见", "为缓解集镇交通压力，拟将农贸市场迁至……"),
    (
        "appointment",
        "关于拟任村党组织书记人选的征求意见",
        "根据工作需要，拟任用以下同志为村党组织书记……",
    ),
    (
        "decision",
        "关于设立村级集体经济发展资金的征求意见",
        "拟每年安排专项资金，支持村级集体经济发展……",
    ),
    ("plan", "关于年度民生实事项目安排的征求意见", "拟安排民生实事项目十项，请各位代表提出意见。"),
)
OPINIONS = (
    "建议分期实施，先解决群众反映最集中的问题。",
    "建议在实施前广泛听取村民意见，做好解释工作。",
    "资金安排要向偏远村倾斜。",
    "建议明确责任单位和完成时限，定期通报进展。",
    "同意，建议加强施工期间的交通疏导。",
)
DISAGREE = "目前条件尚不成熟，建议缓一缓。"
FEEDBACK = (
    ("adopted", "代表意见已全部采纳，方案已按意见修改完善。"),
    ("partly", "采纳了分期实施、明确时限等意见；资金倾斜的建议结合年度预算统筹考虑。"),
)
WEEK = 7  # the answers' week: the township's default_days


def seed(township: Township, index: int = 0) -> None:
    """A consultation a quarter since the township came on, and one open now, unless it has
    some."""
    from lianxin.demo_clock import history
    from lianxin.modules.consultations.models import Consultation

    with tenant_context(township.id):
        if db.session.scalar(select(Consultation.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Consultations(township, index, timeline).plan()


class _Consultations:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.index = index
        self.timeline = timeline
        self.today = real_today()
        created = township.created_at.date() if township.created_at else self.today
        self.start = max(history_start(self.today), created)
        self.draw = rng("consultations", township.slug)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.township.id)

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        days: list[date] = []
        month = date(self.start.year, ((self.start.month - 1) // 3) * 3 + 2, 1)
        while True:
            opened = next_working_day(month.replace(day=8 + 3 * self.index))
            if opened + timedelta(days=WEEK + 10) >= self.today:
                break  # too recent to be closed and answered: the one open now stands for it
            if opened >= self.start:
                days.append(opened)
            month = (month + timedelta(days=95)).replace(day=1)
        for n, opened in enumerate(days):
            # The committee answers each; the newest one closed still waits for it.
            replied = n < len(days) - 1
            self._on(opened, 10, lambda d=opened, i=n, r=replied: self._open(d, i, replied=r))
        # One open now: opened three days ago, its deadline four days ahead.
        now = self.today - timedelta(days=3)
        self._on(now, 10, lambda: self._open(now, len(days), closed=False))

    # --- the steps ------------------------------------------------------------------------------

    def _open(self, opened: date, n: int, *, closed: bool = True, replied: bool = False) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.consultations import service
        from lianxin.modules.consultations.inputs import ConsultationInput
        from lianxin.people.models import RepresentativeGroup

        actor = office(self.township)
        kind, title, text = TOPICS[n % len(TOPICS)]
        groups = list(
            db.session.scalars(
                select(RepresentativeGroup.id)
                .where(RepresentativeGroup.is_active.is_(True))
                .order_by(RepresentativeGroup.id)
            )
        )
        everyone = n % 4 == 0 or not groups
        opened_ = service.open_consultation(
            actor,
            self.township,
            ConsultationInput(
                title=title,
                kind=kind,
                deadline=opened + timedelta(days=WEEK),
                body=text,
                everyone=everyone,
                group_ids=[] if everyone else [groups[n % len(groups)]],
            ),
        )
        consultation_id = opened_.consultation.id
        tokens = {
            link.invitee.representative_id: urlsplit(link.url).path.rsplit("/", 1)[-1]
            for link in opened_.links
        }
        # Who answers, on which day of the week (a few never do).
        by_day: dict[int, list[tuple[int, int | None, str | None]]] = {}
        for invitee in service.answers(actor, self.township, consultation_id):
            if self.draw.random() < 0.12:
                continue
            rep = invitee.representative
            day = self.draw.choice((0, 1, 1, 2, 2, 3, 4, 5, 6))
            by_day.setdefault(day, []).append((rep.id, rep.user_id, tokens.get(rep.id)))
        for day, answering in sorted(by_day.items()):
            self._on(
                opened + timedelta(days=day),
                self.draw.choice((9, 12, 15, 20)),
                lambda a=answering: self._answers(consultation_id, a),
            )
        if not closed:
            return
        on = opened + timedelta(days=WEEK + 1)
        self._on(on, 9, lambda: self._close(consultation_id))
        if replied:  # the committee's answer, a week after the close
            self._on(on + timedelta(days=7), 15, lambda: self._feedback(consultation_id, n))

    def _answers(
        self, consultation_id: int, answering: list[tuple[int, int | None, str | None]]
    ) -> None:
        from lianxin.demo_clock import actor_of
        from lianxin.modules.consultations import service
        from lianxin.modules.consultations.inputs import AnswerInput

        for _rep_id, user_id, token in answering:
            roll = self.draw.random()
            if roll < 0.08:
                data = AnswerInput("disagree", DISAGREE)
            elif roll < 0.3:
                data = AnswerInput("opinion", OPINIONS[self.draw.randrange(len(OPINIONS))])
            else:
                data = AnswerInput("agree")
            if user_id is not None:
                service.answer(actor_of(user_id), self.township, consultation_id, data)
            elif token:
                service.answer_by_link(self.township, token, data)

    def _close(self, consultation_id: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.consultations import service

        service.close_consultation(office(self.township), self.township, consultation_id)

    def _feedback(self, consultation_id: int, n: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.consultations import service
        from lianxin.modules.consultations.inputs import FeedbackInput

        outcome, text = FEEDBACK[n % len(FEEDBACK)]
        service.give_feedback(
            office(self.township), self.township, consultation_id, FeedbackInput(outcome, text)
        )
