"""A late failure leaves nothing of the nested steps: fixing the candidates gathers them first,
and a failure after the gathering leaves neither the candidates nor the new state."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin.awards import service
from lianxin.awards.inputs import SelectionInput
from lianxin.awards.models import Candidate, Selection
from lianxin.db import db
from lianxin.db.tenancy import county_context
from tests.factories import actor


def test_a_failure_after_the_gathering_leaves_nothing(world, scene, monkeypatch):
    admin = actor(world.users["county_admin"])
    sid = service.open_selection(admin, world.county, SelectionInput(2025, "四十佳")).id
    from lianxin.awards.stages import selections

    real = selections.audit.record

    def failing(action, **kwargs):
        if action == "award.selection_choosing":
            raise RuntimeError("the audit log is down")
        return real(action, **kwargs)

    monkeypatch.setattr(selections.audit, "record", failing)
    with pytest.raises(RuntimeError):
        service.start_choosing(admin, world.county, sid)
    db.session.expire_all()
    assert db.session.get(Selection, sid).state == "open"
    assert db.session.get(Selection, sid).gathered_at is None
    with county_context(world.county.id):
        assert db.session.scalar(select(func.count(Candidate.id))) == 0
