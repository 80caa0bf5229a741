"""The demo's by-election (补选, `lianxin demo`): last year a representative of the township was
transferred away (their qualification ended through the people module), and their electoral
unit filled the seat in the six steps — 登记 two weeks later, three party members signing up
or put forward over a week, 推选, 公示 for the township's notice period, 审查 once it ended (one
candidate failed, with the reason), 直选 on paper at the party members' meeting with the
tellers' count entered, and the result notice the day after, on which the elected joined the
roll. All through the module's use cases, each on its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

# (gender, birth date, education, category, how they came forward)
CANDIDATES = (
    ("male", date(1981, 5, 12), "college", "farmer", "self"),
    ("female", date(1986, 9, 3), "bachelor", "other_grassroots", "branch"),
    ("male", date(1975, 2, 20), "secondary", "private_economy", "members"),
)
FAILED = "党龄不满规定年限，不符合代表候选人条件"


def seed(township: Township, index: int = 0) -> None:
    """One completed by-election last year, unless the township has one."""
    from lianxin.demo_clock import history
    from lianxin.modules.by_elections.models import ByElection

    with tenant_context(township.id):
        if db.session.scalar(select(ByElection.id).limit(1)) is not None:
            return
    with history() as timeline:
        _ByElection(township, index, timeline).plan()


class _ByElection:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.index = index
        self.timeline = timeline
        self.today = real_today()
        created = township.created_at.date() if township.created_at else self.today
        self.start = max(history_start(self.today), created)
        self.draw = rng("by_elections", township.slug)
        self.election_id = 0
        self.candidate_ids: list[int] = []

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.township.id)

    def _actor(self) -> Actor:
        from lianxin.demo_clock import office

        return office(self.township)

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        # Last year, spring in the first township, later in the others.
        ended = date(self.today.year - 1, 4 + 2 * (self.index % 4), 8)
        ended = next_working_day(max(ended, self.start + timedelta(days=30)))
        self._on(ended, 10, lambda: self._vacancy(ended))

    # --- the steps ------------------------------------------------------------------------------

    def _vacancy(self, on: date) -> None:
        """A representative without an account and no group office leaves for work elsewhere;
        登记 follows two weeks later."""
        from lianxin.demo_clock import next_working_day
        from lianxin.people import service as people
        from lianxin.people.models import GroupMembership, Representative, RepStatus

        leading = select(GroupMembership.representative_id).where(
            GroupMembership.ended_on.is_(None), GroupMembership.role != "member"
        )
        rep = db.session.scalar(
            select(Representative)
            .where(
                Representative.status == RepStatus.IN_OFFICE,
                Representative.user_id.is_(None),
                Representative.branch_id.is_not(None),
                Representative.id.not_in(leading),
            )
            .order_by(Representative.id.desc())
            .limit(1)
        )
        if rep is None:
            return
        people.end_qualification(
            self._actor(),
            self.township,
            rep.id,
            reason="transferred",
            on=on,
            note="工作调动，已调离本选举单位",
        )
        rep_id, branch_id, term = rep.id, rep.branch_id, rep.term
        assert branch_id is not None
        registered = next_working_day(on + timedelta(days=14))
        self._on(registered, 10, lambda: self._register(registered, rep_id, branch_id, term))

    def _register(self, on: date, rep_id: int, branch_id: int, term: int) -> None:
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import ByElectionInput
        from lianxin.tenants.models import Branch

        branch = db.session.get(Branch, (self.township.id, branch_id))
        assert branch is not None
        election = service.create_by_election(
            self._actor(),
            self.township,
            ByElectionInput(
                title=f"{branch.name}补选党代表",
                branch_id=branch_id,
                seats=1,
                term=term,
                note="原代表因工作调动终止代表资格，补选1名。",
                vacancy_ids=[rep_id],
                quotas={"female": 1, "grassroots": 1},  # 结构名额 (001 咸丰)
            ),
        )
        self.election_id = election.id
        for n in range(len(CANDIDATES)):
            day = next_working_day(on + timedelta(days=1 + 2 * n))
            self._on(day, 15, lambda i=n, w=branch.name: self._candidate(i, w))
        closed = next_working_day(on + timedelta(days=10))
        self._on(closed, 17, self._close_nomination)

    def _candidate(self, n: int, workplace: str) -> None:
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import CandidateInput
        from lianxin.people.seed import pick_name

        gender, born, education, category, source = CANDIDATES[n]
        candidate = service.add_candidate(
            self._actor(),
            self.township,
            self.election_id,
            CandidateInput(
                name=pick_name(self.draw, gender, _names_taken()),
                gender=gender,
                birth_date=born,
                education=education,
                category=category,
                workplace=workplace,
                phone=f"137{self.index:02d}{n:06d}",
                source=source,
            ),
        )
        self.candidate_ids.append(candidate.id)

    def _close_nomination(self) -> None:
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import RecommendInput, StepInput

        service.close_nomination(self._actor(), self.township, self.election_id, StepInput())
        today = service.today()
        recommended = next_working_day(today + timedelta(days=3))
        self._on(
            recommended,
            10,
            lambda: service.recommend(
                self._actor(),
                self.township,
                self.election_id,
                RecommendInput(candidate_ids=list(self.candidate_ids), note="支部委员会推选"),
            ),
        )
        noticed = next_working_day(recommended + timedelta(days=2))
        self._on(noticed, 9, self._publish)

    def _publish(self) -> None:
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import StepInput

        service.publish_notice(
            self._actor(), self.township, self.election_id, StepInput(note="在村务公开栏公示")
        )
        ends = service.notice_ends_on(service.find_election(self.township, self.election_id))
        assert ends is not None
        self._on(next_working_day(ends), 10, self._review)

    def _review(self) -> None:
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import ReviewInput, StepInput

        actor = self._actor()
        last = len(self.candidate_ids) - 1
        for n, candidate_id in enumerate(self.candidate_ids):
            service.review_candidate(
                actor,
                self.township,
                self.election_id,
                candidate_id,
                ReviewInput(True) if n < last else ReviewInput(False, FAILED),
            )
        service.close_review(actor, self.township, self.election_id, StepInput())
        voted = next_working_day(service.today() + timedelta(days=7))
        self._on(voted, 9, self._vote)

    def _vote(self) -> None:
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import OpenInput

        service.open_election(
            self._actor(),
            self.township,
            self.election_id,
            OpenInput(channel="paper", note="党员大会，纸质无记名投票"),
        )
        self._on(service.today(), 11, self._count)
        announced = next_working_day(service.today() + timedelta(days=1))
        self._on(announced, 10, self._announce)

    def _count(self) -> None:
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import PaperCountInput, TallyLine

        election = service.find_election(self.township, self.election_id)
        voters = int(election.voters or 0)
        ballots = voters - 1 if voters > 3 else (voters or 3)  # one member away
        winner = ballots - 1 if ballots > 2 else ballots
        first, second = [c.id for c in service.ballot_candidates(election)][:2]
        service.record_paper_count(
            self._actor(),
            self.township,
            self.election_id,
            PaperCountInput(
                ballots=ballots,
                tallies=[TallyLine(first, winner), TallyLine(second, ballots - winner)],
            ),
        )

    def _announce(self) -> None:
        from lianxin.modules.by_elections import service
        from lianxin.modules.by_elections.inputs import AnnounceInput

        service.announce(self._actor(), self.township, self.election_id, AnnounceInput())


def _names_taken() -> set[str]:
    """Every name already borne in the township (representatives, party members, household
    heads, unit contacts) and by any account: an elected candidate is a person of their own."""
    from lianxin.auth.models import User
    from lianxin.modules.by_elections.models import Candidate
    from lianxin.people.models import HandlingUnit, Household, PartyMember, Representative

    taken: set[str] = set()
    for column in (
        Representative.name,
        PartyMember.name,
        Household.head_name,
        HandlingUnit.contact_name,
        User.display_name,
        Candidate.name,
    ):
        taken.update(n for n in db.session.scalars(select(column)) if n)
    return taken
