"""One owner of the transaction (issue 20): a use case called from inside another only flushes,
so a failure later in the caller takes the nested step's work back with it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import GenerateInput, SiteInput
from lianxin.modules.reception_days.models import ReceptionDay, Schedule, Site
from lianxin.usecases import use_case


def test_a_failure_late_in_a_use_case_leaves_nothing_of_its_nested_steps(clock, cast, tctx, office):
    @use_case
    def add_site_and_schedule_then_refuse() -> None:
        site = service.create_site(
            office, tctx, SiteInput(kind="station", name="乙村代表工作站", address="乙村")
        )
        service.generate(office, tctx, GenerateInput(2026, [cast.room.id, site.id]))
        assert db.session.scalar(select(func.count()).select_from(ReceptionDay)) == 12
        raise service.PairingRuleBroken("后面一步失败")

    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(service.PairingRuleBroken):
        add_site_and_schedule_then_refuse()
    assert db.session.scalar(select(Site.id).where(Site.name == "乙村代表工作站")) is None
    assert db.session.scalar(select(func.count()).select_from(Schedule)) == 0
    assert db.session.scalar(select(func.count()).select_from(ReceptionDay)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits
    # The same steps on their own, each the outermost use case, commit.
    site = service.create_site(office, tctx, SiteInput(kind="station", name="乙村代表工作站"))
    db.session.rollback()
    assert db.session.get(Site, (tctx.id, site.id)) is not None
