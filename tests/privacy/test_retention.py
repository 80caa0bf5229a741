"""Retention: submitters' contact data goes N months after a case is archived, counted in
Shanghai calendar days, per township, by the daily beat task, once, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.casework import service as cases
from lianxin.casework.models import Case, CaseState
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import current_registry
from lianxin.notify.models import OutboxMessage
from lianxin.privacy import service, tasks
from lianxin.tenants import service as tenants
from tests.factories import actor

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 15)
CASE = {"channel": "phone", "title": "路灯", "body": "路灯坏了。", "category": "基础设施"}


def _archived_case(world, township, phone: str, archived: datetime) -> int:
    office = actor(world.users["other_admin" if township is world.other else "township_staff"])
    with tenant_context(township.id):
        case = cases.register(
            office,
            township,
            cases.CaseInput(**CASE, raiser_name="群众" + phone[-4:], raiser_phone=phone),
        ).case
        case.state, case.closed_at = CaseState.ARCHIVED, archived.astimezone(UTC)
        db.session.commit()
        return case.id


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def _contact(township, case_id: int) -> tuple:
    with tenant_context(township.id):
        case = db.session.get(Case, (township.id, case_id))
        return case.raiser_name, case.raiser_phone


def test_the_setting_has_a_default_and_a_beat_entry(app, world):
    assert service.months_kept(world.township.id) == 24
    schedule = current_registry().beat_schedule()
    assert schedule["privacy.retention"]["task"] == "privacy.retention_sweep"


def test_month_ends_count_as_the_months_last_day():
    assert service.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    cutoff = service.archived_before(date(2026, 2, 28), 6)
    assert cutoff == datetime(2025, 9, 1, tzinfo=SHANGHAI).astimezone(UTC)  # 31 Aug purged
    assert service.archived_before(date(2026, 2, 27), 6) == datetime(
        2025, 8, 28, tzinfo=SHANGHAI
    ).astimezone(UTC)


def test_purged_after_n_months_kept_before_in_shanghai_days(app, world, monkeypatch):
    t, o = world.township, world.other
    admin = actor(world.users["township_admin"])
    with tenant_context(t.id):
        tenants.update_township_settings(admin, t, "privacy", {"submitter_contact_months": 6})
    assert service.months_kept(t.id) == 6
    assert service.months_kept(o.id) == 24  # moved in one township only
    # Archived six months less a day ago, just after midnight in Shanghai (still the day
    # before in UTC): kept. Six months and a day ago, late in the evening: purged. Exactly six
    # months ago: purged (kept through the day before).
    kept = _archived_case(world, t, "13800000001", _at(date(2025, 9, 16), 0, 30))
    gone = _archived_case(world, t, "13800000002", _at(date(2025, 9, 14), 23, 30))
    exact = _archived_case(world, t, "13800000003", _at(date(2025, 9, 15), 23, 59))
    open_case = _archived_case(world, t, "13800000004", _at(date(2024, 1, 1), 12))
    with tenant_context(t.id):
        db.session.get(Case, (t.id, open_case)).state = CaseState.REPLIED  # not archived
        db.session.commit()
    elsewhere = _archived_case(world, o, "13800000005", _at(date(2025, 9, 14), 23, 30))

    monkeypatch.setattr("lianxin.privacy.retention.shanghai_today", lambda now=None: TODAY)
    assert tasks.retention_sweep.delay().get() == 3  # one task per active township

    assert _contact(t, kept) == ("群众0001", "13800000001")
    assert _contact(t, gone) == (None, None)
    assert _contact(t, exact) == (None, None)
    assert _contact(t, open_case) == ("群众0004", "13800000004")
    assert _contact(o, elsewhere) == ("群众0005", "13800000005")  # 24 months there
    with tenant_context(t.id):
        payloads = [
            m.payload
            for m in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"case:{t.id}:{gone}:%"))
            )
        ]
        assert payloads and "13800000002" not in str(payloads)

    # The reads above hold SQLite's lock (BEGIN IMMEDIATE) until they end; the eager task's
    # own session would wait for it.
    db.session.rollback()
    tasks.retention_sweep.delay().get()  # a second run finds nothing more to do
    with tenant_context(t.id):
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.chain == f"t:{t.id}", AuditEntry.action == "privacy.retention_purged"
            )
        ).all()
        assert len(entries) == 1
        assert entries[0].after["cases"] == 2 and entries[0].after["months"] == 6
        assert entries[0].actor_name == "system"


@pytest.mark.parametrize("months", [0, 121])
def test_the_setting_is_bounded(app, world, months):
    from lianxin.errors import ValidationFailed

    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id), pytest.raises(ValidationFailed):
        tenants.update_township_settings(
            admin, world.township, "privacy", {"submitter_contact_months": months}
        )
