"""Tenancy under random traffic, on PostgreSQL as the row-level-security-bound application role.

1. A Hypothesis state machine: three townships create, edit, list and export representatives at
   random through the API, and try each other's ids; after every step each township's list
   and export equal exactly its own model of the data.
2. A pool leak hunt: one pooled connection (pool size 1) serves requests that alternate
   between townships, some of them failing in the middle of their transaction; no request
   ever sees a row of another township, and the connection goes back to the pool with no
   township set on it.
"""

from __future__ import annotations

import io
import itertools
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from openpyxl import load_workbook
from sqlalchemy import text

from lianxin.app import create_app
from lianxin.auth.roles import Role
from lianxin.db import db
from tests.conftest import base_config
from tests.factories import grant, make_county, make_note, make_township, make_user
from tests.helpers import token_for

pytestmark = pytest.mark.postgres

NAMES = st.text(alphabet="张王李赵刘陈杨黄周吴秀英建国明华文静", min_size=2, max_size=4)
REP = {"gender": "female", "term": 13, "education": "bachelor", "category": "farmer"}
_birthdays = itertools.count()


def _birth_date() -> str:
    """A new birth date for each person: name + birth date is who a person is."""
    return (date(1960, 1, 1) + timedelta(days=next(_birthdays))).isoformat()


def test_three_townships_see_exactly_their_own_data(app, client):
    county = make_county()

    class Townships(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.slugs: list[str] = []
            self.headers: list[dict[str, str]] = []
            for _ in range(3):
                township = make_township(county, slug=f"fz-{uuid.uuid4().hex[:10]}")
                admin = make_user()
                grant(admin, Role.TOWNSHIP_ADMIN, township=township)
                self.slugs.append(township.slug)
                self.headers.append({"Authorization": f"Bearer {token_for(admin)}"})
            self.model: list[dict[int, str]] = [{}, {}, {}]

        def _url(self, t: int, tail: str = "") -> str:
            return f"/api/v1/t/{self.slugs[t]}/representatives{tail}"

        @rule(t=st.integers(0, 2), name=NAMES)
        def create(self, t: int, name: str) -> None:
            response = client.post(
                self._url(t),
                headers=self.headers[t],
                json={**REP, "name": name, "birth_date": _birth_date()},
            )
            assert response.status_code == 201, response.get_data(as_text=True)[:300]
            self.model[t][response.get_json()["id"]] = name

        @rule(t=st.integers(0, 2), data=st.data(), name=NAMES)
        def edit(self, t: int, data: Any, name: str) -> None:
            if not self.model[t]:
                return
            rep_id = data.draw(st.sampled_from(sorted(self.model[t])))
            response = client.patch(
                self._url(t, f"/{rep_id}"), headers=self.headers[t], json={"name": name}
            )
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            self.model[t][rep_id] = name

        @rule(t=st.integers(0, 2), u=st.integers(0, 2), data=st.data(), name=NAMES)
        def reach_across(self, t: int, u: int, data: Any, name: str) -> None:
            """Township t's admin aims at township u's person: by id under its own slug, and
            by u's slug."""
            if t == u or not self.model[u]:
                return
            rep_id = data.draw(st.sampled_from(sorted(self.model[u])))
            for url in (self._url(t, f"/{rep_id}"), self._url(u, f"/{rep_id}")):
                assert client.get(url, headers=self.headers[t]).status_code == 404
                patched = client.patch(url, headers=self.headers[t], json={"name": name})
                assert patched.status_code == 404

        @rule(t=st.integers(0, 2))
        def export(self, t: int) -> None:
            response = client.get(
                f"/api/v1/t/{self.slugs[t]}/representatives/imports/export",
                headers=self.headers[t],
            )
            assert response.status_code == 200
            sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            column = [str(h or "").strip("* ") for h in rows[0]].index("姓名")
            names = sorted(str(r[column]) for r in rows[1:] if r[column])
            assert names == sorted(self.model[t].values())

        @invariant()
        def each_sees_exactly_its_own(self) -> None:
            for t in range(3):
                response = client.get(
                    self._url(t), headers=self.headers[t], query_string={"page_size": 100}
                )
                assert response.status_code == 200
                seen = {r["id"]: r["name"] for r in response.get_json()}
                assert seen == self.model[t], (t, seen, self.model[t])

    run_state_machine_as_test(
        Townships,
        settings=settings(
            max_examples=6,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


# --- a pool of one connection -------------------------------------------------------------------


@pytest.fixture
def one_connection_app(request, tmp_path):
    """The app on a committed database with ONE pooled connection and no outer app context,
    so that every request checks the connection out and back in as in production."""
    from tests.notify.test_worker import _postgres_database
    from tests.testmodule import TEST_MODULES

    database = _postgres_database(request.getfixturevalue("pg_cluster"))
    app = create_app(
        {
            **base_config(tmp_path, database.url),
            "DATABASE_POOL_SIZE": 1,
            "DATABASE_MAX_OVERFLOW": 0,
            "PROPAGATE_EXCEPTIONS": False,
            "TESTING": False,
        },
        modules=TEST_MODULES,
    )
    try:
        yield app
    finally:
        app.extensions["lianxin.db"].engine.dispose()
        database.drop()


def test_one_pooled_connection_never_carries_a_township_over(one_connection_app, monkeypatch):
    import tests.testmodule as pilot

    app = one_connection_app
    with app.app_context():
        county = make_county()
        townships = [
            make_township(county, slug=f"pool-{i}-{uuid.uuid4().hex[:6]}") for i in range(3)
        ]
        headers, own = [], []
        for i, township in enumerate(townships):
            admin = make_user()
            grant(admin, Role.TOWNSHIP_ADMIN, township=township)
            headers.append({"Authorization": f"Bearer {token_for(admin)}"})
            own.append({make_note(township, f"{i}号镇的第{n}条").text for n in range(3)})
        db.session.remove()
    engine = app.extensions["lianxin.db"].engine
    assert engine.pool.size() == 1

    original = pilot.add_note

    def add_then_fail(actor: Any, township: Any, text: str) -> None:
        db.session.add(pilot.PilotNote(text=text))
        db.session.flush()  # the INSERT ran inside the request's transaction …
        raise RuntimeError("… and the request dies before its commit")

    client = app.test_client()
    for step in range(48):
        i = step % 3
        url = f"/api/v1/t/{townships[i].slug}/pilot/notes"
        if step % 4 == 1:  # a write that fails after its INSERT, inside the transaction
            monkeypatch.setattr(pilot, "add_note", add_then_fail)
            failed = client.post(url, headers=headers[i], json={"text": f"失败的{step}"})
            monkeypatch.setattr(pilot, "add_note", original)
            assert failed.status_code == 500
        elif step % 4 == 3:
            created = client.post(url, headers=headers[i], json={"text": f"{i}号镇新增{step}"})
            assert created.status_code == 201, created.get_data(as_text=True)[:300]
            own[i].add(f"{i}号镇新增{step}")
        listed = client.get(url, headers=headers[i])
        assert listed.status_code == 200
        assert {n["text"] for n in listed.get_json()} == own[i], step
        # Between requests the one connection is back in the pool with no township on it.
        assert engine.pool.checkedout() == 0
        with engine.connect() as conn:
            setting = conn.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar()
            visible = conn.execute(text("SELECT count(*) FROM test_pilot_notes")).scalar()
        assert setting in (None, ""), (step, setting)
        assert visible == 0  # no township set: row-level security shows nothing
