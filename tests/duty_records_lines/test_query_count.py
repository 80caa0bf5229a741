"""Every part answers a batch of representatives in a fixed number of statements: the same for
2 as for 10 (grouped by representative, never one query each). Each of the ten has work in
every part, so a part that asked per representative would show it."""

from __future__ import annotations

from datetime import date, time

from lianxin.casework.models import CaseState
from lianxin.modules.annual_sessions.models import AttendanceStatus, SessionState
from lianxin.modules.consultations.models import Stance
from lianxin.modules.evaluations.models import Grade
from lianxin.modules.group_activities.models import Activity
from lianxin.modules.group_activities.models import Attendance as GroupAttendance
from lianxin.modules.inspections.models import State as InspectionState
from lianxin.modules.liaison.models import Report
from lianxin.modules.proposals.models import State as ProposalState
from lianxin.modules.registry import current_registry
from lianxin.modules.sittings.models import Suggestion
from lianxin.modules.workstations.models import Shift, Station
from lianxin.people.models import RepresentativeGroup
from tests.duty_records_lines import test_annual_sessions_duty as sessions
from tests.duty_records_lines import test_casework_duty as casework
from tests.duty_records_lines import test_consultations_duty as consultations
from tests.duty_records_lines import test_evaluations_duty as evaluations
from tests.duty_records_lines import test_inspections_duty as inspections
from tests.duty_records_lines import test_liaison_duty as liaison
from tests.duty_records_lines import test_proposals_duty as proposals
from tests.duty_records_lines import test_reception_days_duty as reception
from tests.duty_records_lines import test_sittings_duty as sittings
from tests.duty_records_lines import test_trainings_duty as trainings
from tests.duty_records_lines.conftest import add, lines, shanghai, statements


def _work_for_everyone(world, reps):
    """A year's worth of one thing in every part, for each representative."""
    township = world.township
    site = reception._site(township)
    day = reception._day(township, reception._schedule(township, 2026), site, date(2026, 3, 9))
    station = add(township, Station(kind="township", name="城关工作站"))[0]
    session = sessions._session(
        township, "年会", date(2026, 3, 20), SessionState.CLOSED, shanghai(2026, 3, 20, 9)
    )
    campaign = evaluations._campaign(township, "2026年度述职评议")
    asked = consultations._consultation(township, "征询", date(2026, 4, 10))
    meeting = sittings._meeting(township, "党委会", date(2026, 7, 3), shanghai(2026, 7, 3, 17))
    training = trainings._session(township, "集中学习", date(2026, 6, 8))
    group = add(township, RepresentativeGroup(name="城关片代表小组"))[0]
    activity = add(
        township,
        Activity(
            group_id=group.id, topic="七一", held_on=date(2026, 7, 1), ends_on=date(2026, 7, 1)
        ),
    )[0]
    inspections._inspection(township, "饮水工程", date(2026, 5, 12), InspectionState.HELD, *reps)
    for i, rep in enumerate(reps):
        reception._duty(township, day, site, rep)
        add(
            township,
            Shift(
                station_id=station.id,
                representative_id=rep.id,
                day=date(2026, 4, 1 + i),
                starts_at=time(9),
                ends_at=time(11),
                published=True,
            ),
        )
        casework._case(township, shanghai(2026, 3, 9), received_by=rep.id, state=CaseState.RECEIVED)
        proposals._proposal(township, rep, ProposalState.SUBMITTED, shanghai(2026, 2, 1))
        sessions._attendance(
            township, session, rep, AttendanceStatus.PRESENT, checked_in_at=shanghai(2026, 3, 20)
        )
        evaluations._subject(township, campaign, rep, Grade.COMPETENT, shanghai(2026, 12, 20))
        link = liaison._link(world, rep, member_name=f"党员{i}")
        liaison._contact(township, link, date(2026, 3, 9))
        add(
            township,
            Report(
                representative_id=rep.id,
                year=2026,
                quarter=1,
                text="季度报告",
                submitted_at=shanghai(2026, 3, 28),
            ),
        )
        consultations._invite(
            township, asked, rep, stance=Stance.AGREE, answered_at=shanghai(2026, 4, 8)
        )
        sittings._invite(township, meeting, rep, attended=True)
        add(township, Suggestion(meeting_id=meeting.id, representative_id=rep.id, text="建议"))
        trainings._invite(township, training, rep)
        trainings._check_in(township, training, rep, date(2026, 6, 8))
        add(
            township,
            GroupAttendance(activity_id=activity.id, representative_id=rep.id, attended=True),
        )


def test_statements_do_not_grow_with_the_batch(world, clock, reps):
    township = world.township
    _work_for_everyone(world, reps)
    ids = [r.id for r in reps]
    parts = current_registry().duty_sets()
    assert len(parts) >= 12
    for spec, _duty in parts:
        lines(spec, township, ids)  # settings and the like, read once per request, are read
        with statements() as two:
            lines(spec, township, ids[:2])
        with statements() as ten:
            found = lines(spec, township, ids)
        if spec.key not in ("commitments", "awards"):  # other parts' own work, not seeded here
            assert set(found) == set(ids), spec.key
        assert two and len(ten) == len(two), (spec.key, two, ten)
