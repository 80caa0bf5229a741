"""The to-do lines: a representative's invitations to answer and meetings to attend; the
office's unanswered suggestions and the representatives not yet sat in this term."""

from __future__ import annotations

from datetime import timedelta

from lianxin.modules.sittings import service, todo
from lianxin.modules.sittings.inputs import AnswerInput, MeetingInput, SuggestionInput
from tests.factories import actor
from tests.modules.sittings.conftest import TODAY


def test_to_do_lines(app, world, clock, office, people, tctx):
    reps, users = people
    soon = service.plan_meeting(
        office, tctx, MeetingInput("党委会", "committee", TODAY + timedelta(days=2))
    )
    later = service.plan_meeting(
        office, tctx, MeetingInput("扩大会议", "enlarged", TODAY + timedelta(days=20))
    )
    rows = service.invite_batch(office, tctx, soon.id, [reps[1].id])
    service.invite_batch(office, tctx, later.id, [reps[1].id])
    held = service.plan_meeting(office, tctx, MeetingInput("党委会", "committee", TODAY))
    service.invite_batch(office, tctx, held.id, [reps[2].id])
    service.record_attendance(office, tctx, held.id, [reps[2].id])
    service.record_suggestion(office, tctx, held.id, SuggestionInput("修路", reps[2].id))
    rep = actor(users[1])
    with app.test_request_context():
        lines = {i.key: i for i in todo.items(rep, tctx)}
        assert lines["sittings.to_answer"].count == 2 and lines["sittings.to_answer"].urgent
        assert "sittings.unanswered" not in lines
        service.answer_invitation(rep, tctx, rows[0].id, AnswerInput("confirmed"))
        lines = {i.key: i for i in todo.items(rep, tctx)}
        assert lines["sittings.to_answer"].count == 1
        assert lines["sittings.to_attend"].count == 1
        assert lines["sittings.to_attend"].url.endswith(f"/sittings/{soon.id}")
        staff = {i.key: i for i in todo.items(office, tctx)}
        assert staff["sittings.unanswered"].count == 1
        assert staff["sittings.not_yet"].count == 6  # seven in office, one sat in
