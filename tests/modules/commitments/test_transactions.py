"""A failure late in a use case leaves nothing of its earlier steps: no commitment, no message
to the representative, no audit entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.commitments import service
from lianxin.modules.commitments.inputs import CommitmentInput
from lianxin.modules.commitments.models import Commitment
from lianxin.modules.commitments.stages import writing
from lianxin.notify.models import OutboxMessage


def test_a_failed_audit_leaves_no_commitment_nor_message(world, clock, office, people, monkeypatch):
    reps, _users = people
    with tenant_context(world.township.id):
        rep_id = reps[6].id

    def broken(*_args, **_kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(writing, "_audit", broken)
    with tenant_context(world.township.id), pytest.raises(RuntimeError):
        service.create_commitment(
            office,
            world.township,
            CommitmentInput(
                year=2026, content="代为登记", due_on=date(2026, 9, 1), representative_id=rep_id
            ),
        )
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count(Commitment.id))) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(AuditEntry.action.like("commitment.%"))
            )
            == 0
        )
