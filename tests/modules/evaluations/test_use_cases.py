"""The shape of the module's use cases (issue 20): one transaction per outermost use case, so a
failure late in one takes back what a nested use case did before it; and the API's lists in
pages, the body still a list."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import CampaignInput
from lianxin.modules.evaluations.models import Subject
from lianxin.modules.evaluations.stages import draft_subjects as subjects_stage
from tests.helpers import bearer


def _draft(tctx, office, shape="duty"):
    return service.create_campaign(
        office,
        tctx,
        CampaignInput(
            title=f"评议{uuid.uuid4().hex[:6]}",
            shape=shape,
            opens_on=date(2025, 12, 1),
            closes_on=date(2026, 1, 15),
        ),
    )


def test_a_late_failure_takes_back_the_nested_subjects(clock, cast, tctx, office, monkeypatch):
    campaign = _draft(tctx, office)
    real_audit = subjects_stage._audit
    calls = []

    def audit_then_fail(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise Conflict("late failure")
        real_audit(*args, **kwargs)

    monkeypatch.setattr(subjects_stage, "_audit", audit_then_fail)
    with pytest.raises(Conflict):
        # Each subject is added by the nested `add_subject`, which only flushes.
        service.add_default_subjects(office, tctx, campaign.id)
    assert len(calls) == 3  # two subjects were added (flushed) before the failure
    count = db.session.scalar(
        select(func.count()).select_from(Subject).where(Subject.campaign_id == campaign.id)
    )
    assert count == 0
    monkeypatch.setattr(subjects_stage, "_audit", real_audit)
    assert len(service.add_default_subjects(office, tctx, campaign.id)) >= len(cast.reps)


def test_lists_come_in_pages(clock, cast, world, client, office):
    with tenant_context(world.township.id):
        campaign = _draft(world.township, office)
        added = len(service.add_default_subjects(office, world.township, campaign.id))
        slug, campaign_id = world.township.slug, campaign.id
        headers = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{slug}/evaluations/campaigns/{campaign_id}/subjects"
    everyone = client.get(base, headers=headers)
    assert everyone.status_code == 200
    assert len(everyone.get_json()) == added > 8  # one page by default
    page = client.get(f"{base}?page=2&page_size=4", headers=headers)
    assert page.status_code == 200
    assert [s["id"] for s in page.get_json()] == [s["id"] for s in everyone.get_json()][4:8]
    pagination = json.loads(page.headers["X-Pagination"])
    assert pagination["total"] == added and pagination["page"] == 2
    assert client.get(f"{base}?page=0", headers=headers).status_code == 422
