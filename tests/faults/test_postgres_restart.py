"""Fault drill 8: PostgreSQL restarts while the app runs.

A PostgreSQL cluster of the test's own (initdb, pg_ctl, another port) with the two roles and
the migrated schema; the app connects as the application role with its usual pool. While the
server is down every request answers a clean 503 in Chinese (a page or the JSON error body)
without hanging; the process check stays up and the readiness check says the database is
down. After the restart the same app, never restarted, answers every request again: the
pool's stale connections are tested and replaced, not handed out.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.db import db
from lianxin.db.migrate import upgrade
from tests.conftest import base_config, create_test_module_tables
from tests.factories import build_world
from tests.faults.services import ThrowawayPostgres
from tests.helpers import bearer, login
from tests.testmodule import TEST_MODULES

pytestmark = pytest.mark.postgres

OUTAGE_BOUND = 5.0  # seconds a request may take while the database is down


@pytest.fixture
def cluster():
    pg = ThrowawayPostgres()
    pg.init()
    pg.start()
    try:
        admin = create_engine(
            pg.url("postgres", "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        with admin.connect() as conn:
            conn.execute(text("CREATE ROLE lx_owner LOGIN"))
            conn.execute(text("CREATE ROLE lx_app LOGIN NOSUPERUSER NOBYPASSRLS"))
            conn.execute(text("CREATE DATABASE lianxin OWNER lx_owner"))
        admin.dispose()
        on_db = create_engine(
            pg.url("postgres", "lianxin"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        with on_db.connect() as conn:
            conn.execute(text("ALTER SCHEMA public OWNER TO lx_owner"))
            conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        on_db.dispose()
        upgrade(pg.url("lx_owner", "lianxin"), "lx_app")
        create_test_module_tables(pg.url("lx_owner", "lianxin"), "lx_app")
        yield pg
    finally:
        with contextlib.suppress(RuntimeError):  # already down
            pg.stop("immediate")
        pg.remove()


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_requests_fail_cleanly_during_a_restart_and_succeed_after(cluster, tmp_path):
    app = create_app(
        {**base_config(tmp_path, cluster.url("lx_app", "lianxin")), "TESTING": False},
        modules=TEST_MODULES,
    )
    try:
        with app.app_context():
            world = build_world()
            headers = bearer(world.users["township_admin"])
            db.session.commit()
            slug = world.township.slug
            admin = world.users["township_admin"]
            db.session.remove()
        page, api = f"/t/{slug}/", f"/api/v1/t/{slug}/pilot/notes"
        client = app.test_client()
        with app.app_context():
            login(client, admin)
        assert client.get(page).status_code == 200
        assert client.get(api, headers=headers).status_code == 200

        cluster.stop("fast")
        for _ in range(2):  # the pool's connections, then fresh ones: both refused cleanly
            response, took = _timed(lambda: client.get(page))
            assert response.status_code == 503, response.get_data(as_text=True)[:500]
            assert "数据库暂时不可用" in response.get_data(as_text=True)
            assert took < OUTAGE_BOUND
            response, took = _timed(lambda: client.get(api, headers=headers))
            assert response.status_code == 503 and response.get_json()["code"] == "unavailable"
            assert took < OUTAGE_BOUND
            written, _ = _timed(lambda: client.post(api, headers=headers, json={"text": "停机中"}))
            assert written.status_code == 503
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503

        cluster.start()
        assert client.get(page).status_code == 200
        assert client.get(api, headers=headers).status_code == 200
        created = client.post(api, headers=headers, json={"text": "恢复后"})
        assert created.status_code == 201
        texts = [n["text"] for n in client.get(api, headers=headers).get_json()]
        assert "恢复后" in texts and "停机中" not in texts
    finally:
        app.extensions["lianxin.db"].engine.dispose()
