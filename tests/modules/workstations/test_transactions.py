"""One transaction per use case: a failure late in a use case takes back what the use cases it
called had done (here casework's registration of a case), on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.inputs import MeetingCaseInput, MeetingInput
from lianxin.usecases import use_case

from .test_service import STATION, station_input


def test_a_late_failure_leaves_nothing_of_the_nested_steps(app, office, reps, tctx, today):
    station = ws.create_station(office, tctx, station_input())
    ws.set_representatives(office, tctx, station.id, [reps["a"].id])
    meeting = ws.create_meeting(
        office, tctx, station.id, MeetingInput("regular", today, representative_ids=[reps["a"].id])
    )
    case_data = MeetingCaseInput(
        title="路灯不亮", body="村口路灯坏了一个月。", raiser_name="周师傅"
    )

    @use_case
    def record_then_break_a_rule() -> None:
        made = ws.record_case(office, tctx, meeting.id, case_data)  # nested: only flushed
        assert made.case.id is not None
        ws.create_station(office, tctx, station_input(name="临时站"))  # nested too
        raise ws.RosterRuleBroken("后面的一步失败了")

    with pytest.raises(ws.RosterRuleBroken):
        record_then_break_a_rule()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert [s.name for s in ws.list_stations(office, tctx)] == [STATION["name"]]
    # The outermost call on its own commits: the same case is then kept.
    ws.record_case(office, tctx, meeting.id, case_data)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
