"""Exports (.xlsx built by a task, stored, with progress and a download link), refresh jobs,
the read-only audited drill-down, and the rollups' own county policy on PostgreSQL."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from lianxin.audit.models import AuditEntry
from lianxin.casework.deadlines import shanghai_today
from lianxin.county import periods as P
from lianxin.county import service
from lianxin.county.models import CountyJob, CountyRollup
from lianxin.db import db
from tests.factories import actor
from tests.helpers import assert_error, bearer, login


def test_export_builds_one_sheet_per_figure_and_downloads(refreshed, client):
    headers = bearer(refreshed.users["viewer"])
    response = client.post(
        "/api/v1/c/jia/comparison/exports", json={"period": "2026-Q1"}, headers=headers
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    job = response.get_json()
    # Celery is eager in tests: the job ran when the request committed it.
    status = client.get(f"/api/v1/c/jia/comparison/jobs/{job['id']}", headers=headers).get_json()
    assert (status["status"], status["percent"]) == ("done", 100)
    download = client.get(status["download_url"], headers=headers)
    assert download.status_code == 200
    assert download.mimetype == service.XLSX
    workbook = load_workbook(io.BytesIO(download.data))
    metrics = service.catalog()
    # 汇总 (the table on screen) and 说明 first, then a sheet per figure.
    assert workbook.sheetnames[:2] == ["汇总", "说明"]
    assert len(workbook.sheetnames) == 2 + len(metrics)
    on_time = workbook["按时答复率"]
    rows = {r[0]: r for r in on_time.iter_rows(min_row=2, values_only=True)}
    assert rows["甲镇"][1:3] == (50.0, 4)
    assert rows["乙镇"][1:3] == (100.0, 1)
    proposals = workbook["提案建议提交"]
    rows = {r[0]: r for r in proposals.iter_rows(min_row=2, values_only=True)}
    assert rows["乙镇"][1] == "未开通" and rows["甲镇"][1] == 3
    # The file sits in storage under the county's prefix.
    stored = db.session.get(CountyJob, job["id"])
    assert stored.storage_key.startswith(f"c/{refreshed.county.id}/exports/")


def test_another_county_cannot_see_or_download_a_job(refreshed, client):
    job = service.request_export(actor(refreshed.users["admin"]), refreshed.county, "2026-Q1")
    far = bearer(refreshed.users["far_admin"])
    assert_error(client.get(f"/api/v1/c/yuan/comparison/jobs/{job.id}", headers=far), 404)
    assert_error(
        client.get(f"/api/v1/c/yuan/comparison/exports/{job.id}/download", headers=far), 404
    )
    assert_error(client.get(f"/api/v1/c/jia/comparison/jobs/{job.id}", headers=far), 404)


def test_refresh_on_demand_is_for_the_county_admin_and_reports_progress(refreshed, client):
    viewer = bearer(refreshed.users["viewer"])
    assert_error(client.post("/api/v1/c/jia/comparison/refresh", json={}, headers=viewer), 403)
    login(client, refreshed.users["admin"])
    response = client.post("/c/jia/comparison/refresh")
    assert response.status_code == 302
    page = client.get(response.location)
    assert page.status_code == 200
    progress = client.get(response.location + "/progress").get_json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == 3


def test_a_job_runs_once(refreshed):
    job = service.request_export(actor(refreshed.users["admin"]), refreshed.county, "2026-Q1")
    key = db.session.get(CountyJob, job.id).storage_key
    service.run_job(job.id)  # a second delivery: nothing to claim
    assert db.session.get(CountyJob, job.id).storage_key == key


def test_drill_down_is_read_only_audited_and_bannered(refreshed, client):
    login(client, refreshed.users["viewer"])
    # Without the audited entry a county viewer is no member of the township.
    assert client.get("/t/jia-zhen/").status_code == 404
    response = client.post(f"/c/jia/comparison/drill/{refreshed.ids['jia']}")
    assert response.status_code == 302 and response.location.endswith("/t/jia-zhen/")
    home = client.get("/t/jia-zhen/")
    assert home.status_code == 200
    assert 'id="drill-banner"' in home.get_data(as_text=True)
    assert "县级只读查看" in home.get_data(as_text=True)
    cases = client.get("/t/jia-zhen/cases/")
    assert cases.status_code == 200 and "c1" in cases.get_data(as_text=True)
    # Read-only: anything but reading is refused.
    assert client.post("/t/jia-zhen/cases/new", data={"title": "x"}).status_code == 403
    # Only that township, and never through the API.
    assert client.get("/t/yi-zhen/").status_code == 404
    entries = db.session.execute(
        select(AuditEntry.tenant_id, AuditEntry.county_id, AuditEntry.actor_name).where(
            AuditEntry.action == "county.drill_down"
        )
    ).all()
    assert {(e.tenant_id, e.county_id) for e in entries} == {
        (refreshed.ids["jia"], None),
        (None, refreshed.county.id),
    }
    client.post("/c/jia/comparison/drill/leave")
    assert client.get("/t/jia-zhen/").status_code == 404


def test_drill_down_into_another_countys_township_is_404(refreshed, client):
    login(client, refreshed.users["admin"])
    assert client.post(f"/c/jia/comparison/drill/{refreshed.ids['far']}").status_code == 404
    assert client.get("/t/yuan-zhen/").status_code == 404


@pytest.mark.postgres
def test_the_rollups_own_policy_hides_other_counties(refreshed, app):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    db.session.commit()
    # No county and no township set: nothing is visible.
    assert db.session.scalar(select(CountyRollup.period).limit(1)) is None
    db.session.execute(
        text("SELECT set_config('app.county_id', :c, true)"), {"c": str(refreshed.county.id)}
    )
    tenants = set(db.session.scalars(select(CountyRollup.tenant_id).distinct()))
    assert tenants == {refreshed.ids["jia"], refreshed.ids["yi"], refreshed.ids["bing"]}
    # A county cannot write rows of its townships: only the township's own context can.
    with pytest.raises(Exception, match="row-level security"), db.session.begin_nested():
        db.session.execute(
            text(
                "INSERT INTO county_rollups (county_id, tenant_id, period, metric, period_kind,"
                " period_start, module_key, status, refreshed_at) VALUES (:c, :t, '2030', 'x',"
                " 'year', '2030-01-01', 'x', 'ok', now())"
            ),
            {"c": refreshed.far_county.id, "t": refreshed.ids["far"]},
        )
    policies = db.session.execute(
        text("SELECT relname, relforcerowsecurity FROM pg_class WHERE relname LIKE 'county_%%'")
    ).all()
    forced = {name: force for name, force in policies}
    assert forced["county_rollups"] and forced["county_entity_rollups"]


def test_the_nightly_refresh_runs_from_beat(scene, app):
    from lianxin.county import tasks

    entry = app.extensions["celery"].conf.beat_schedule["county.nightly_refresh"]
    assert entry["task"] == "county.refresh_all"
    assert tasks.refresh_all.delay().get() == 2  # both counties, eager in tests
    result = service.comparison(
        actor(scene.users["viewer"]),
        scene.county,
        P.containing(shanghai_today(), "year").key,
    )
    assert result.refreshed_at is not None
