"""Jobs: a refresh on demand and the comparison's .xlsx export, each a CountyJob row committed
before it is queued, run once by the worker (the conditional claim), with a progress bar; the
beat's sweep sends again a job whose first send was lost (`queued_jobs`)."""

from __future__ import annotations

import io
import logging
import uuid
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from lianxin import jobs, spreadsheets
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.county.errors import UnknownMetric
from lianxin.county.models import CountyJob, CountyRollup
from lianxin.county.stages.catalog import MetricInfo, catalog, parse_period
from lianxin.county.stages.comparison import (
    ROLLUP_COLUMNS,
    Cell,
    Comparison,
    _require_viewer,
    absent,
    format_value,
    load_comparison,
    townships_of,
)
from lianxin.county.stages.refresh import refresh_county
from lianxin.db import db, utcnow
from lianxin.db.tenancy import county_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.tenants.models import County
from lianxin.usecases import commit_on_its_own, use_case

log = logging.getLogger("lianxin.county")


def _job(county: County, job_id: int, kind: str | None = None) -> CountyJob:
    job = db.session.get(CountyJob, job_id)
    if job is None or job.county_id != county.id or (kind and job.kind != kind):
        raise NotFound()
    return job


def get_job(actor: Actor, county: County, job_id: int) -> CountyJob:
    _require_viewer(actor, county)
    return _job(county, job_id)


@use_case
def request_refresh(actor: Actor, county: County, *, full: bool = False) -> CountyJob:
    """Refresh on demand (county admin): a job with a progress bar, run by the worker."""
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    job = CountyJob(
        county_id=county.id,
        kind="refresh",
        status="queued",
        params={"full": bool(full)},
        requested_by_id=actor.user_id,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "county.rollups_refresh_requested",
        actor=actor,
        county_id=county.id,
        target_type="county_job",
        target_id=job.id,
        after={"full": bool(full)},
    )
    commit_on_its_own("the job row is committed before it is queued")
    _dispatch(job.id)
    return job


@use_case
def request_export(
    actor: Actor,
    county: County,
    period_key: str,
    *,
    sort: str | None = None,
    descending: bool = True,
) -> CountyJob:
    """The comparison as .xlsx, built by the worker: first a 汇总 sheet that is the table on
    screen (same figures, same order, townships in the screen's sort), then one sheet per
    figure."""
    _require_viewer(actor, county)
    period = parse_period(period_key)
    sort = sort or None
    if sort is not None and sort != "name" and sort not in {m.key for m in catalog()}:
        raise UnknownMetric(_("未知指标：%(k)s", k=sort))
    params: dict[str, Any] = {"period": period.key}
    if sort:
        params.update(sort=sort, order="desc" if descending else "asc")
    job = CountyJob(
        county_id=county.id,
        kind="export",
        status="queued",
        params=params,
        requested_by_id=actor.user_id,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "county.comparison_exported",
        actor=actor,
        county_id=county.id,
        target_type="county_job",
        target_id=job.id,
        after=dict(params),
    )
    commit_on_its_own("the job row is committed before it is queued")
    _dispatch(job.id)
    return job


def _dispatch(job_id: int) -> None:
    """Hand a committed job to the worker. The job row is the durable record: if the broker is
    down it stays queued and the beat's job sweep sends it again (`queued_jobs`)."""
    try:
        jobs.task("county.run_job").delay(job_id=job_id)
    except Exception as exc:  # broker unreachable: the sweep picks it up
        log.warning("county job %s left for the sweep: %s", job_id, exc)


def queued_jobs(older_than_seconds: int = 120) -> list[int]:
    """Jobs still queued a while after they were asked for (their first send was lost)."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(CountyJob.id).where(CountyJob.status == "queued", CountyJob.created_at < cutoff)
        )
    )


def _progress(job_id: int, done: int, total: int, status: str = "running") -> None:
    job = db.session.get(CountyJob, job_id)
    if job is None:
        return
    job.done, job.total, job.status = done, total, status
    commit_on_its_own("the progress bar reads it while the job runs")


def run_job(job_id: int) -> None:
    """Run a queued job once: the conditional claim makes a second delivery do nothing."""
    claimed = db.session.execute(
        update(CountyJob)
        .where(CountyJob.id == job_id, CountyJob.status == "queued")
        .values(status="running")
    ).rowcount
    # A job is the task's own unit of work, in steps: claimed, progressed, done or failed.
    commit_on_its_own("the job is claimed once, before it runs")
    if not claimed:
        return
    job = db.session.get(CountyJob, job_id)
    assert job is not None
    try:
        if job.kind == "refresh":
            refresh_county(
                job.county_id,
                full=bool(job.params.get("full")),
                progress=lambda d, t: _progress(job_id, d, t),
            )
            job = db.session.get(CountyJob, job_id)
            assert job is not None
        else:
            with county_context(job.county_id):
                _build_export(job)
        job.status = "done"
        job.finished_at = utcnow()
        commit_on_its_own("the job is done")
    except Exception as exc:
        db.session.rollback()
        failed = db.session.get(CountyJob, job_id)
        if failed is not None:
            failed.status, failed.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
            failed.finished_at = utcnow()
            commit_on_its_own("the failure is recorded on the job, then raised")
        raise


def _build_export(job: CountyJob) -> None:
    from lianxin.storage.backends import storage

    county = db.session.get(County, job.county_id)
    assert county is not None
    period = parse_period(job.params["period"])
    metrics = catalog()
    townships = townships_of(county)
    rows = db.session.execute(
        select(*ROLLUP_COLUMNS).where(
            CountyRollup.county_id == county.id, CountyRollup.period == period.key
        )
    )
    cells: dict[tuple[int, str], Cell] = {
        (r.tenant_id, r.metric): Cell(r.value, r.n, r.status, r.note) for r in rows
    }
    book = spreadsheets.Book()
    screen = load_comparison(
        county,
        period,
        sort=job.params.get("sort") or None,
        descending=job.params.get("order", "desc") != "asc",
    )
    summary = book.sheet("汇总")
    summary.widths([14] + [12] * len(metrics))
    for row in summary_rows(screen):
        summary.append(row[1], bold=row[0])
    about = book.sheet("说明")
    about.append([f"{county.name} 乡镇比较", period.label()], bold=True)
    about.header(["指标", "所属", "口径"])
    for info in metrics:
        about.append([str(info.metric.label), str(info.module_name), str(info.metric.description)])
    total = len(metrics)
    for index, info in enumerate(metrics, start=1):
        sheet = book.sheet(str(info.metric.label))
        sheet.widths([16, 16])
        unit = {"rate": "（%）", "days": "（天）"}.get(info.metric.kind, "")
        sheet.header(["乡镇", f"{info.metric.label}{unit}", "件数", "状态", "说明"])
        for township in townships:
            c = cells.get((township.id, info.key)) or absent(township, period)
            value: Any = None
            if c.comparable and c.value is not None:
                value = round(c.value * 100, 1) if info.metric.kind == "rate" else c.value
            sheet.append(
                [
                    township.name,
                    value if value is not None else format_value(info, c),
                    c.n,
                    format_value(info, c) if not c.comparable else "",
                    c.note or "",
                ]
            )
        if index % 5 == 0 or index == total:
            _progress(job.id, index, total)
            reloaded = db.session.get(CountyJob, job.id)
            assert reloaded is not None
            job = reloaded
    data = book.to_bytes()
    key = f"c/{county.id}/exports/{uuid.uuid4().hex}.xlsx"
    storage().put(key, io.BytesIO(data), XLSX)
    job.storage_key = key
    job.filename = f"{county.name}乡镇比较_{period.key}.xlsx"
    job.done = job.total = total


def summary_head(info: MetricInfo) -> str:
    """A figure's column head in the workbook: its label, with the unit its numbers are in."""
    unit = {"rate": "（%）", "days": "（天）"}.get(info.metric.kind, "")
    return f"{info.metric.label}{unit}"


def summary_value(info: MetricInfo, cell: Cell) -> Any:
    """A cell as the workbook holds it: a number (a rate in percent) or the screen's word."""
    if cell.comparable and cell.value is not None:
        return round(cell.value * 100, 1) if info.metric.kind == "rate" else cell.value
    return format_value(info, cell)


def summary_rows(result: Comparison) -> list[tuple[bool, list[Any]]]:
    """The 汇总 sheet's rows (bold?, values): the screen's table, a header then a township a
    row, in the screen's order."""
    out: list[tuple[bool, list[Any]]] = [
        (True, [_("乡镇"), *[summary_head(m) for m in result.metrics]])
    ]
    for township in result.townships:
        out.append(
            (
                False,
                [
                    township.name,
                    *[summary_value(m, result.cell(township.id, m.key)) for m in result.metrics],
                ],
            )
        )
    return out


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_export(actor: Actor, county: County, job_id: int) -> tuple[bytes, str]:
    from lianxin.storage.backends import storage

    _require_viewer(actor, county)
    job = _job(county, job_id, "export")
    if job.status != "done" or not job.storage_key:
        raise NotFound()
    # The key is checked against the county again: a job row can only name its county's files.
    if not job.storage_key.startswith(f"c/{county.id}/"):
        raise NotFound()
    with storage().open(job.storage_key) as handle:
        return handle.read(), job.filename or "export.xlsx"
