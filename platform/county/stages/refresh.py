"""The refresh (system side, Celery): it enters each township's context read-only, asks every
part that declares figures for each period, and writes the answers into the rollup tables. It is
the only code that reads townships' rows for the county.

Statuses never turn into a wrong zero: a module that is off is 未开通 (value None), a period that
ended before the township was onboarded is 未接入.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lianxin.audit.models import AuditEntry
from lianxin.county import periods as P
from lianxin.county.models import CountyEntityRollup, CountyRollup, RollupStatus
from lianxin.county.stages.catalog import _parts
from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import SHANGHAI, Registry, as_figure
from lianxin.tenants.models import County, Township, TownshipModule
from lianxin.usecases import commit_on_its_own

log = logging.getLogger("lianxin.county")


def _local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()


def module_spans(township: Township, key: str) -> list[tuple[date, date | None]]:
    """When a module was on in a township, as [from, until) Shanghai dates (until None: still on).

    Read from the switch's audit entries ("module.switched", in the township's chain): the
    state before the first switch is that switch's `before`; with no switch, today's state held
    since onboarding.
    """
    entries = db.session.execute(
        select(AuditEntry.created_at, AuditEntry.before, AuditEntry.after)
        .where(
            AuditEntry.tenant_id == township.id,
            AuditEntry.action == "module.switched",
            AuditEntry.target_id == f"{township.id}:{key}",
        )
        .order_by(AuditEntry.seq)
    ).all()
    onboarded = _local_date(township.created_at)
    if entries:
        state = bool((entries[0].before or {}).get("enabled"))
    else:
        row = db.session.get(TownshipModule, (township.id, key))
        state = bool(row and row.enabled)
    spans: list[tuple[date, date | None]] = []
    since: date | None = onboarded if state else None
    for created_at, _before, after in entries:
        on = bool((after or {}).get("enabled"))
        day = _local_date(created_at)
        if on and since is None:
            since = day
        elif not on and since is not None:
            spans.append((since, day))
            since = None
    if since is not None:
        spans.append((since, None))
    return spans


def _coverage(
    spans: list[tuple[date, date | None]], period: P.Period, onboarded: date
) -> tuple[bool, str | None]:
    """Whether the module was on at some time in the period, and a note when only for part."""
    overlapping = [(a, b) for a, b in spans if a < period.end and (b is None or b > period.start)]
    if not overlapping:
        return False, None
    first, last = overlapping[0][0], overlapping[-1][1]
    notes = []
    if first > max(period.start, onboarded):
        notes.append(_("%(d)s开通", d=_cn_date(first)))
    if last is not None and last < period.end:
        notes.append(_("%(d)s停用", d=_cn_date(last)))
    return True, "，".join(notes) or None


def _cn_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


@dataclass
class RefreshResult:
    townships: int = 0
    periods: int = 0
    rows: int = 0


def _periods_to_refresh(
    township: Township, today: date, full: bool, known: set[str]
) -> list[P.Period]:
    """Incremental: the open periods, the ones just closed (late edits), and any never
    computed; `full` recomputes every period since onboarding."""
    onboarded = _local_date(township.created_at)
    every = P.between(onboarded, today)
    if full:
        return every
    recent = set()
    for kind in P.KINDS:
        current = P.containing(today, kind)
        recent.add(current.key)
        recent.add(P.containing(date.fromordinal(current.start.toordinal() - 1), kind).key)
    return [p for p in every if p.key in recent or p.key not in known]


def refresh_township(
    township: Township, periods: Iterable[P.Period], registry: Registry | None = None
) -> int:
    """Recompute the rollups of one township for these periods; the caller commits."""
    parts = _parts(registry)
    onboarded = _local_date(township.created_at)
    spans = {key: module_spans(township, key) for key, _n, core, _m in parts if not core}
    rows: list[dict[str, Any]] = []
    entity_rows: list[dict[str, Any]] = []
    now = utcnow()
    keys = []
    with tenant_context(township.id, read_only=True):
        for period in periods:
            keys.append(period.key)
            base = {
                "county_id": township.county_id,
                "tenant_id": township.id,
                "period": period.key,
                "period_kind": period.kind,
                "period_start": period.start,
                "refreshed_at": now,
            }
            onboard_note = (
                _("%(d)s接入", d=_cn_date(onboarded)) if period.contains(onboarded) else None
            )
            for key, _name, core, metric_set in parts:
                if period.end <= onboarded:
                    status, note, figures = RollupStatus.NOT_ONBOARDED, None, {}
                else:
                    on, note = (True, None) if core else _coverage(spans[key], period, onboarded)
                    note = "，".join(x for x in (onboard_note, note) if x) or None
                    if on:
                        status = RollupStatus.OK
                        figures = dict(metric_set.compute(period.start, period.end))
                        if metric_set.entities is not None:
                            for figure in metric_set.entities(period.start, period.end):
                                entity_rows.append(
                                    {
                                        **{k: base[k] for k in ("county_id", "tenant_id")},
                                        "period": period.key,
                                        "kind": figure.kind,
                                        "entity_id": figure.entity_id,
                                        "metric": figure.metric,
                                        "name": (figure.name or "")[:100],
                                        "value": figure.value,
                                        "n": figure.n,
                                        "refreshed_at": now,
                                    }
                                )
                    else:
                        status, figures = RollupStatus.OFF, {}
                for metric in metric_set.metrics:
                    figure = as_figure(figures.get(metric.key))
                    rows.append(
                        {
                            **base,
                            "metric": metric.key,
                            "module_key": key,
                            "status": status,
                            "value": figure.value if status == RollupStatus.OK else None,
                            "n": figure.n if status == RollupStatus.OK else None,
                            "note": note,
                        }
                    )
        # Written inside the township's context: the rollups' policy lets a township write
        # only its own rows.
        for start in range(0, len(keys), 200):
            chunk = keys[start : start + 200]
            db.session.execute(
                delete(CountyRollup).where(
                    CountyRollup.tenant_id == township.id, CountyRollup.period.in_(chunk)
                )
            )
            db.session.execute(
                delete(CountyEntityRollup).where(
                    CountyEntityRollup.tenant_id == township.id,
                    CountyEntityRollup.period.in_(chunk),
                )
            )
        if rows:
            db.session.execute(CountyRollup.__table__.insert(), rows)
        if entity_rows:
            db.session.execute(CountyEntityRollup.__table__.insert(), entity_rows)
    return len(rows)


def _known_periods(township: Township) -> set[str]:
    with tenant_context(township.id, read_only=True):
        return set(
            db.session.scalars(
                select(CountyRollup.period).where(CountyRollup.tenant_id == township.id).distinct()
            )
        )


def refresh_county(
    county_id: int,
    *,
    full: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshResult:
    """Refresh every township of a county, committing after each township."""
    from lianxin.casework.deadlines import shanghai_today

    today = today or shanghai_today()
    townships = list(
        db.session.scalars(
            select(Township).where(Township.county_id == county_id).order_by(Township.id)
        )
    )
    result = RefreshResult()
    for index, township in enumerate(townships, start=1):
        todo = _periods_to_refresh(
            township, today, full, set() if full else _known_periods(township)
        )
        result.rows += refresh_township(township, todo)
        result.periods += len(todo)
        result.townships += 1
        commit_on_its_own("each township's rollups are committed once refreshed")
        if progress is not None:
            progress(index, len(townships))
    return result


def refresh_all(*, full: bool = False, today: date | None = None) -> int:
    """The nightly refresh of every county (beat)."""
    ids = list(db.session.scalars(select(County.id).order_by(County.id)))
    for county_id in ids:
        try:
            refresh_county(county_id, full=full, today=today)
        except Exception:
            db.session.rollback()
            log.exception("rollup refresh of county %s failed", county_id)
    return len(ids)
