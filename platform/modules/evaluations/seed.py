"""The demo's evaluations (`lianxin demo`): two years of campaigns.

Every December the office opens the season's evaluation of the committee members (1 December to
15 January), every June the representatives' evaluation of the township's departments, and
hands every representative a one-time link; most answer through it over the weeks, sealed
(ARCHITECTURE.md §6); the worker releases the sealed answers in batches; after the close the
worker counts and proposes each grade, the committee members decide them (never their own), and
the office publishes them. Every answer goes through the module's own submission
and release path, each on its day (`lianxin.demo_clock`): nothing is written around the
anonymity machinery.

This season's evaluation is open: cg.rep (张秀英) has not answered yet and can, from the account.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

COMMENTS = (
    "联系群众紧密，办实事多。",
    "希望多到村里走走，听听群众意见。",
    "工作扎实，作风务实。",
    "建议加强对年轻干部的培养。",
)


def seed(township: Township, index: int = 0) -> None:
    """The campaigns of a township since it came on; the current one still open."""
    from lianxin.demo_clock import history
    from lianxin.modules.evaluations.models import Campaign

    with tenant_context(township.id):
        if db.session.scalar(select(Campaign.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Evaluations(township, index, timeline).plan()


# The campaigns of a year: (shape, title, opens, closes). Representatives evaluate the committee
# members each winter and the township's departments each summer.
def campaigns(year: int) -> list[tuple[str, str, date, date]]:
    return [
        ("departments", f"{year}年度党代表评议镇职能部门", date(year, 6, 1), date(year, 7, 15)),
        ("committee", f"{year}年度党代表评议党委委员", date(year, 12, 1), date(year + 1, 1, 15)),
    ]


class _Evaluations:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township, self.tid, self.index = township, township.id, index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng("evaluations", township.slug)

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        for year in range(self.start.year, self.today.year + 1):
            for shape, title, opens, closes in campaigns(year):
                if opens < self.start:
                    continue
                self._on(
                    next_working_day(opens),
                    9,
                    lambda s=shape, t=title, o=opens, c=closes: self._open(s, t, o, c),
                )

    def _open(self, shape: str, title: str, opens: date, closes: date) -> None:
        """The campaign with its usual subjects (the committee members, the departments),
        opened: a link per representative; most answer through it in the weeks that follow
        (while it runs: not cg.rep, who can answer from the account)."""
        from lianxin.demo_clock import moment, next_working_day, office
        from lianxin.modules.evaluations import service as evaluations
        from lianxin.modules.evaluations.inputs import CampaignInput
        from lianxin.people.models import Representative

        actor = office(self.township)
        campaign = evaluations.create_campaign(
            actor,
            self.township,
            CampaignInput(title=title, shape=shape, opens_on=opens, closes_on=closes),
        )
        evaluations.add_default_subjects(actor, self.township, campaign.id)
        if shape == "committee":  # the committee as a body too (班子整体), and the notice
            from lianxin.modules.evaluations.inputs import SubjectInput

            evaluations.add_subject(
                actor, self.township, campaign.id, SubjectInput(kind="committee")
            )
            evaluations.send_notice(actor, self.township, campaign.id)
        links = evaluations.open_campaign(actor, self.township, campaign.id)
        campaign_id = campaign.id
        current = closes >= self.today
        mine = db.session.scalar(select(Representative.id).where(Representative.name == "张秀英"))
        span = (closes - opens).days
        for link in links:
            if self.draw.random() > 0.88 or (current and link.rater.representative_id == mine):
                continue  # did not answer (or has yet to)
            day = opens + timedelta(days=self.draw.randrange(span + 1))
            token = link.token
            self.timeline.add(
                moment(day, self.draw.randint(8, 21), self.draw.randint(0, 59)),
                lambda t=token: self._answer(campaign_id, t),
                self.tid,
            )
        # The worker's release of the sealed answers, once a week while the campaign runs.
        day = opens + timedelta(days=7)
        while day <= closes:
            self.timeline.add(moment(day, 3), lambda: self._release(campaign_id), self.tid)
            day += timedelta(days=7)
        closing = next_working_day(closes + timedelta(days=1))
        self.timeline.add(moment(closing, 9), lambda: self._close(campaign_id), self.tid)
        graded = next_working_day(closing + timedelta(days=3))
        self.timeline.add(moment(graded, 15), lambda: self._grade(campaign_id), self.tid)
        published = next_working_day(graded + timedelta(days=5))
        self.timeline.add(moment(published, 10), lambda: self._publish(campaign_id), self.tid)

    def _answer(self, campaign_id: int, token: str) -> None:
        """A representative answers through their one-time link: every member scored."""
        from lianxin.modules.evaluations import service as evaluations
        from lianxin.modules.evaluations.inputs import AnswerInput

        campaign, rater = evaluations.rater_by_link(self.township, token)
        subjects = evaluations.form_subjects(self.township, campaign, rater)
        keys = [d["key"] for d in campaign.dimensions]
        answers = []
        for subject in subjects:
            base = self.draw.choice((7, 8, 8, 9, 9, 9, 10))
            answers.append(
                AnswerInput(
                    subject_id=subject.id,
                    scores={
                        k: max(1, min(10, base + self.draw.choice((-1, 0, 0, 1)))) for k in keys
                    },
                    overall="excellent" if base >= 9 else "competent",
                    comment=self.draw.choice(COMMENTS) if self.draw.random() < 0.2 else None,
                )
            )
        evaluations.submit_by_link(self.township, token, answers)

    def _release(self, campaign_id: int) -> None:
        from lianxin.modules.evaluations import service as evaluations

        evaluations.release_answers(self.township, campaign_id)

    def _close(self, campaign_id: int) -> None:
        """Closed by the office; the worker counts (the outbox's count, delivered that day)."""
        from lianxin.demo_clock import office
        from lianxin.modules.evaluations import service as evaluations

        evaluations.close_campaign(office(self.township), self.township, campaign_id)

    def _grade(self, campaign_id: int) -> None:
        """Each subject's grade decided by a committee member (never about himself), as the count
        proposed it."""
        from lianxin.demo_clock import committee, office
        from lianxin.modules.evaluations import service as evaluations
        from lianxin.modules.evaluations.inputs import GradeInput, LeaderOpinionInput

        members = committee(self.township)
        clerk = office(self.township)
        for subject in evaluations.subjects(office(self.township), self.township, campaign_id):
            if subject.proposed_grade is None:
                continue
            decider = next((m for m in members if m.user_id != subject.user_id), None)
            if decider is None:
                continue
            if evaluations.is_subject_self(clerk, self.township, subject):
                continue  # the clerk is the subject: left for the office to settle
            evaluations.record_leader_opinion(  # the responsible leader's opinion first
                clerk,
                self.township,
                subject.id,
                LeaderOpinionInput("分管副书记", "同意按评议得分确定等次"),
            )
            evaluations.decide_grade(
                decider, self.township, subject.id, GradeInput(grade=subject.proposed_grade)
            )

    def _publish(self, campaign_id: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.evaluations import service as evaluations

        actor = office(self.township)
        for subject in evaluations.subjects(actor, self.township, campaign_id):
            if subject.grade is not None:
                evaluations.set_published(actor, self.township, subject.id, True)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.tid)


def _local(moment: datetime) -> date:
    from lianxin.demo_clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()
