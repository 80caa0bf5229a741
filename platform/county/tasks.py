"""Celery tasks of the county comparison: the nightly refresh and the jobs the county asks for.

A job is a row committed with the request that asked for it, then sent to the worker; if the
broker was down, the job sweep sends it again, so an outage delays a refresh or an export and
never loses it. Running a job claims it (queued → running) once.
"""

from __future__ import annotations

from celery import shared_task

from lianxin.county import service
from lianxin.jobs import PlatformTask


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
