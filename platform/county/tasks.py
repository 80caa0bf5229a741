"""Celery tasks of the county comparison: the nightly refresh and the jobs the county asks for.

A job is a row committed with the request that asked for it, then sent to the worker; if the
broker was down, the job sweep sends it again, so an outage delays a refresh or an export and
never loses it. Running a job claims it (queued → running) once.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from lianxin.county import service
from lianxin.jobs import PlatformTask

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # 02:40 Shanghai, after the modules' own night work: open periods and any never computed.
    "county.nightly_refresh": {
        "task": "county.refresh_all",
        "schedule": crontab(minute=40, hour=2),
    },
    "county.job_sweep": {"task": "county.sweep_jobs", "schedule": 300.0},
}


@shared_task(base=PlatformTask, name="county.refresh_all")
def refresh_all() -> int:
    return service.refresh_all()


@shared_task(base=PlatformTask, name="county.run_job")
def run_job(job_id: int) -> None:
    service.run_job(job_id)


@shared_task(base=PlatformTask, name="county.sweep_jobs")
def sweep_jobs() -> int:
    ids = service.queued_jobs()
    for job_id in ids:
        run_job.delay(job_id=job_id)
    return len(ids)
