"""Retention: the contact data of whoever raised a case goes N months after it was archived.

N is the township's setting `submitter_contact_months` (default 24). A case archived on a
Shanghai calendar day D keeps the name and number through the day before D + N months and
loses them from that day on: a case archived on 15 March with N = 24 is purged on 15 March two
years later (archived on 31 August, N = 6: on 28 or 29 February). The beat runs it daily in
every active township; a run finds only cases still holding contact data, so running twice
does the work once. Each run that purged something is audited with its counts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select

from lianxin.audit import service as audit
from lianxin.auth.actor import SYSTEM, Actor
from lianxin.casework.deadlines import SHANGHAI, shanghai_today
from lianxin.casework.models import Case, CaseState
from lianxin.db import db
from lianxin.privacy.common import scrub_case_messages
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

SETTINGS_KEY = "privacy"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), the month's last day where it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_kept(township_id: int) -> int:
    return int(tenants.effective_settings(township_id, SETTINGS_KEY)["submitter_contact_months"])


def archived_before(today: date, months: int) -> datetime:
    """The UTC instant before which a case must have been archived to be purged `today`: the
    start of the first Shanghai day whose archives are still kept.

    Archived on D, purged from add_months(D, months) on. The latest D purged today is the
    latest day with add_months(D, months) <= today, found by stepping back from the day
    `months` before (at most three days: only month ends differ)."""
    day = add_months(today, -months)
    while add_months(day + timedelta(days=1), months) <= today:
        day += timedelta(days=1)
    first_kept = day + timedelta(days=1)
    return datetime.combine(first_kept, time(), SHANGHAI).astimezone(UTC)


@dataclass(frozen=True)
class Purged:
    cases: int
    messages: int
    months: int
    archived_before: datetime


@use_case
def purge_expired_contacts(
    township: Township, *, today: date | None = None, actor: Actor = SYSTEM
) -> Purged:
    """Clear the name and number on the township's cases archived long enough ago."""
    months = months_kept(township.id)
    cutoff = archived_before(today or shanghai_today(), months)
    cases = db.session.scalars(
        select(Case).where(
            Case.state == CaseState.ARCHIVED,
            Case.closed_at < cutoff,
            or_(Case.raiser_name.is_not(None), Case.raiser_phone.is_not(None)),
        )
    ).all()
    if not cases:
        return Purged(0, 0, months, cutoff)
    for case in cases:
        case.raiser_name, case.raiser_phone = None, None
    db.session.flush()
    messages = scrub_case_messages(township.id, [c.id for c in cases])
    audit.record(
        "privacy.retention_purged",
        actor=actor,
        tenant_id=township.id,
        target_type="township",
        target_id=township.id,
        after={
            "cases": len(cases),
            "messages": messages,
            "months": months,
            "archived_before": cutoff.isoformat(),
        },
    )
    return Purged(len(cases), messages, months, cutoff)
