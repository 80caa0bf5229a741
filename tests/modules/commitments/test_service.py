"""The rules of commitments, through the use cases: writing (own, 代为登记), approval or return
with a reason, the deadline within the year and not before today, progress, the close (not kept
only from the deadline on), who sees what, and the township's settings at N−1 and N."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.commitments import service
from lianxin.modules.commitments.inputs import (
    CloseInput,
    CommitmentInput,
    CommitmentInputSchema,
    ProgressInput,
    ReturnInput,
    RevisionInput,
)
from lianxin.modules.commitments.models import Status
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.commitments.conftest import TODAY

DUE = date(2026, 9, 30)


def _write(who, township, *, due_on=DUE, year=2026, rep_id=None, content="每月走访群众10户"):
    return service.create_commitment(
        who,
        township,
        CommitmentInput(year=year, content=content, due_on=due_on, representative_id=rep_id),
    )


def _kinds(township_id):
    return [
        m.payload["kind"]
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.tenant_id == township_id)
        )
    ]


def _actions(target_id):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_type == "commitment", AuditEntry.target_id == str(target_id))
            .order_by(AuditEntry.id)
        )
    ]


def test_a_representative_writes_the_office_approves(world, clock, office, people, tctx):
    reps, users = people
    me = actor(users[2])
    row = _write(me, tctx)
    assert row.status == Status.PENDING and row.representative_id == reps[2].id
    assert not row.by_office
    assert service.state_of(row, TODAY) == Status.PENDING
    with pytest.raises(PermissionDenied):
        service.approve_commitment(me, tctx, row.id)
    service.approve_commitment(office, tctx, row.id)
    assert row.status == Status.APPROVED and row.approved_at is not None
    assert service.state_of(row, TODAY) == service.ON_TRACK
    assert "commitment.approved" in _kinds(tctx.id)
    assert _actions(row.id) == ["commitment.create", "commitment.approve"]
    with pytest.raises(service.CommitmentRuleBroken):
        service.approve_commitment(office, tctx, row.id)  # no longer waiting


def test_returned_with_a_reason_then_revised(world, clock, office, people, tctx):
    _reps, users = people
    me = actor(users[2])
    row = _write(me, tctx)
    service.return_commitment(office, tctx, row.id, ReturnInput("请写明完成标准"))
    assert row.status == Status.RETURNED and row.return_reason == "请写明完成标准"
    assert "commitment.returned" in _kinds(tctx.id)
    with pytest.raises(PermissionDenied):  # only its author revises it
        service.revise_commitment(actor(users[3]), tctx, row.id, RevisionInput("别人的修改", DUE))
    service.revise_commitment(me, tctx, row.id, RevisionInput("每月走访群众12户并记录", DUE))
    assert row.status == Status.PENDING and row.return_reason is None
    assert _actions(row.id) == ["commitment.create", "commitment.return", "commitment.revise"]
    service.approve_commitment(office, tctx, row.id)
    with pytest.raises(service.CommitmentRuleBroken):
        service.revise_commitment(me, tctx, row.id, RevisionInput("公开后再改", DUE))


def test_the_office_enters_one_for_a_representative(world, clock, office, people, tctx):
    reps, users = people
    row = _write(office, tctx, rep_id=reps[6].id)  # the one without an account: by SMS
    assert row.by_office and row.status == Status.APPROVED
    assert "commitment.approved" in _kinds(tctx.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commitment.create"))
    assert entry.after["by_office"] is True
    with pytest.raises(ValidationFailed) as caught:  # the office names the representative
        _write(office, tctx)
    assert "representative_id" in caught.value.errors
    with pytest.raises(PermissionDenied):  # a representative writes only their own
        _write(actor(users[1]), tctx, rep_id=reps[2].id)
    with pytest.raises(NotFound):
        _write(office, tctx, rep_id=999999)
    with pytest.raises(PermissionDenied):  # a committee member is neither
        _write(actor(world.users["committee_member"]), tctx)


def test_the_deadline_is_within_the_year_and_not_before_today(world, clock, people, tctx):
    _reps, users = people
    me = actor(users[2])
    with pytest.raises(ValidationFailed) as caught:
        _write(me, tctx, year=2026, due_on=date(2027, 1, 1))
    assert "due_on" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        load_input(CommitmentInputSchema, {"year": 2026, "content": " ", "due_on": "2026-06-01"})
    assert "content" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        _write(me, tctx, due_on=TODAY - timedelta(days=1))
    assert "due_on" in caught.value.errors
    assert _write(me, tctx, due_on=TODAY).due_on == TODAY  # today itself is accepted
    assert _write(me, tctx, year=2027, due_on=date(2027, 3, 1)).year == 2027
    with pytest.raises(ValidationFailed) as caught:
        _write(me, tctx, year=2028, due_on=date(2028, 3, 1))
    assert "year" in caught.value.errors


def test_approval_required_is_the_townships_setting(world, clock, people, tctx):
    from lianxin.db.tenancy import tenant_context
    from tests.factories import make_represented

    _reps, users = people
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "commitments",
        {"approval_required": False},
    )
    assert _write(actor(users[2]), tctx).status == Status.APPROVED
    _others, other_users = make_represented(world.other, 1, "cm.other")
    with tenant_context(world.other.id):
        row = _write(actor(other_users[0]), world.other)
        assert row.status == Status.PENDING  # the other township still approves


def test_progress_and_the_close(world, clock, office, people, tctx):
    _reps, users = people
    me = actor(users[2])
    row = _write(me, tctx, due_on=TODAY + timedelta(days=1))
    with pytest.raises(service.CommitmentRuleBroken):  # not approved yet
        service.add_progress(me, tctx, row.id, ProgressInput("已开始"))
    service.approve_commitment(office, tctx, row.id)
    note = service.add_progress(me, tctx, row.id, ProgressInput("已走访8户"))
    assert note.noted_on == TODAY and not note.by_office
    assert service.add_progress(office, tctx, row.id, ProgressInput("电话了解")).by_office
    with pytest.raises(ValidationFailed):
        service.add_progress(
            me, tctx, row.id, ProgressInput("明天的事", noted_on=TODAY + timedelta(days=1))
        )
    with pytest.raises(PermissionDenied):
        service.add_progress(actor(users[3]), tctx, row.id, ProgressInput("替别人报告"))
    assert [p.note for p in service.progress_of(row)] == ["已走访8户", "电话了解"]
    # Not kept: only from the deadline on (the day before is refused, the day itself is not).
    with pytest.raises(service.CommitmentRuleBroken):
        service.close_commitment(office, tctx, row.id, CloseInput(False, "未完成"))
    with pytest.raises(PermissionDenied):
        service.close_commitment(me, tctx, row.id, CloseInput(True, "我说完成了"))
    clock.today = TODAY + timedelta(days=1)
    service.close_commitment(office, tctx, row.id, CloseInput(False, "资金未落实"))
    assert row.status == Status.NOT_KEPT and row.closed_on == clock.today
    assert "commitment.closed" in _kinds(tctx.id)
    with pytest.raises(service.CommitmentRuleBroken):
        service.add_progress(me, tctx, row.id, ProgressInput("结项后"))


def test_kept_may_be_closed_before_the_deadline(world, clock, office, people, tctx):
    _reps, users = people
    row = _write(actor(users[2]), tctx)
    service.approve_commitment(office, tctx, row.id)
    service.close_commitment(office, tctx, row.id, CloseInput(True, "提前完成"))
    assert row.status == Status.KEPT and service.state_of(row, TODAY) == Status.KEPT


def test_who_sees_what(world, clock, office, people, tctx):
    _reps, users = people
    pending = _write(actor(users[2]), tctx, content="待审的承诺")
    public = _write(actor(users[3]), tctx, content="公开的承诺")
    service.approve_commitment(office, tctx, public.id)
    stranger = actor(users[4])
    with pytest.raises(NotFound):
        service.get_commitment(stranger, tctx, pending.id)
    assert service.get_commitment(stranger, tctx, public.id).id == public.id
    assert service.get_commitment(actor(users[2]), tctx, pending.id).id == pending.id
    seen = {c.id for c in service.list_commitments(stranger, tctx)}
    assert seen == {public.id}
    assert {c.id for c in service.list_commitments(office, tctx)} == {pending.id, public.id}
    assert {c.id for c in service.list_commitments(actor(users[2]), tctx)} == {
        pending.id,
        public.id,
    }


def test_below_the_minimum_is_flagged_at_n_minus_1(world, clock, office, people, tctx):
    reps, users = people
    ids = lambda: {s.representative_id for s in service.shortfalls(office, tctx, 2026)}  # noqa: E731
    assert reps[2].id in ids()  # none: 0 of 1
    _write(actor(users[2]), tctx)
    assert reps[2].id not in ids()  # 1 of 1 (waiting for approval counts)
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "commitments",
        {"min_per_year": 2},
    )
    flagged = {s.representative_id: s for s in service.shortfalls(office, tctx, 2026)}
    assert flagged[reps[2].id].count == 1 and flagged[reps[2].id].needed == 2  # N−1
    second = _write(actor(users[2]), tctx, content="第二项")
    assert reps[2].id not in ids()  # N
    service.return_commitment(office, tctx, second.id, ReturnInput("请细化"))
    assert reps[2].id in ids()  # a returned one does not count
    with pytest.raises(PermissionDenied):
        service.shortfalls(actor(users[2]), tctx, 2026)


def test_the_register_is_a_spreadsheet(world, clock, office, people, tctx):
    _reps, users = people
    row = _write(actor(users[2]), tctx)
    service.approve_commitment(office, tctx, row.id)
    data = service.register_xlsx(office, tctx, 2026)
    assert data[:2] == b"PK"
    with pytest.raises(PermissionDenied):
        service.register_xlsx(actor(users[2]), tctx, 2026)
