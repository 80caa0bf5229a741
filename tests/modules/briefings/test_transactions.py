"""A late failure in sending leaves nothing behind: the briefing stays a draft, with no
recipients, no message and no audit entry of the send."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.modules.briefings import service
from lianxin.modules.briefings.inputs import BriefingInput
from lianxin.modules.briefings.models import Recipient
from lianxin.modules.briefings.stages import sending
from lianxin.notify.models import OutboxMessage


def test_a_failure_after_the_messages_leaves_a_draft(roll, office, tctx, monkeypatch):
    draft = service.create_briefing(
        office, tctx, BriefingInput(kind="other", title="通报", text="内容")
    )
    outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(sending, "_audit", broken)
    with pytest.raises(RuntimeError):
        service.send_briefing(office, tctx, draft.id)
    assert service.get_briefing(office, tctx, draft.id).state == "draft"
    assert db.session.scalar(select(func.count()).select_from(Recipient)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox
