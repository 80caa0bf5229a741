"""SQL metacharacters are only text, and every response carries the security headers.

On SQLite and PostgreSQL: a name and a case title full of quotes, comment markers and LIKE
wildcards are stored and found as typed; a search for `%` or `_` is a search for that
character (it used to match every row); an injection attempt in a query parameter or a JSON
body is a plain miss or a 4xx, never a 5xx, and touches nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin.casework import service as cases
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.usecases import load_input
from lianxin.web.security import HEADERS
from tests.factories import actor
from tests.helpers import bearer, login

NASTY = "O'Brien\"; DROP TABLE representatives; -- 100%_\\"
NAME = "O'Brien\";DROP--100%_\\"  # names are kept without spaces
ATTEMPTS = [
    "' OR '1'='1",
    "'; DROP TABLE cases; --",
    "%",
    "_",
    "\\",
    "%' UNION SELECT password_hash FROM users --",
    "\x00",
    "张' OR 1=1 --",
]
REP = {
    "gender": "女",
    "birth_date": "1975-03-01",
    "term": 13,
    "education": "大学本科",
    "category": "农民",
}
CASE = {"channel": "regular_visit", "body": "正文", "category": "基础设施", "raiser_name": "王"}


@pytest.fixture
def seeded(world):
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        people.create_representative(
            office,
            world.township,
            load_input(people.RepresentativeInputSchema, {**REP, "name": "张秀英"}),
        )
        people.create_representative(
            office,
            world.township,
            load_input(people.RepresentativeInputSchema, {**REP, "name": NAME}),
        )
        cases.register(office, world.township, cases.CaseInput(**{**CASE, "title": "村道路灯不亮"}))
        cases.register(office, world.township, cases.CaseInput(**{**CASE, "title": NASTY}))
        db.session.commit()
    return world


def _names(client, world, q):
    response = client.get(
        f"/api/v1/t/{world.township.slug}/representatives",
        query_string={"q": q},
        headers=bearer(world.users["township_staff"]),
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    return sorted(r["name"] for r in response.get_json()) if response.status_code == 200 else None


def _titles(client, world, q):
    response = client.get(
        f"/api/v1/t/{world.township.slug}/cases/",
        query_string={"q": q},
        headers=bearer(world.users["township_staff"]),
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    body = response.get_json()
    items = body["items"] if isinstance(body, dict) and "items" in body else body
    return sorted(c["title"] for c in items or []) if response.status_code == 200 else None


def test_metacharacters_are_stored_and_found_as_typed(app, seeded, client):
    world = seeded
    assert _names(client, world, "O'Brien") == [NAME]
    assert _titles(client, world, "DROP TABLE") == [NASTY]
    # A wildcard typed by a person is that character, not "anything".
    assert _names(client, world, "%") == [NAME]
    assert _names(client, world, "_") == [NAME]
    assert _titles(client, world, "100%") == [NASTY]
    assert _titles(client, world, "灯_亮") == []
    assert _titles(client, world, "%") == [NASTY]


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_injection_attempts_are_misses_and_change_nothing(app, seeded, client, attempt):
    world = seeded
    with tenant_context(world.township.id):
        before = db.session.scalar(select(func.count()).select_from(Representative))
    names = _names(client, world, attempt)
    titles = _titles(client, world, attempt)
    if attempt != "\x00":  # a NUL may be dropped as noise; it must only not fail
        assert names is None or "张秀英" not in names
        assert titles is None or "村道路灯不亮" not in titles
    login(client, world.users["township_staff"])
    for path in ("people/", "cases/"):
        page = client.get(f"/t/{world.township.slug}/{path}", query_string={"q": attempt})
        assert page.status_code in (200, 400), page.status_code
    with tenant_context(world.township.id):
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Representative)) == before
        assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_injection_in_a_json_body_is_stored_as_text(app, world, client):
    headers = bearer(world.users["township_staff"])
    response = client.post(
        f"/api/v1/t/{world.township.slug}/representatives",
        headers=headers,
        json={
            "name": "');DELETE FROM users;--",
            "gender": "female",
            "birth_date": "1975-03-01",
            "term": 13,
            "education": "bachelor",
            "category": "farmer",
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert response.get_json()["name"] == "');DELETEFROMusers;--"  # names lose their spaces
    assert client.get("/api/v1/me", headers=headers).status_code == 200


@pytest.mark.sqlite_only
def test_every_kind_of_response_carries_the_security_headers(app, world, client):
    slug = world.township.slug
    anonymous = [
        "/login",
        f"/p/{slug}/",
        f"/p/{slug}/cases/new",
        "/static/css/app.css",
        "/no-such-page",
        "/api/openapi.json",
        "/api/v1/me",  # 401 JSON
        "/healthz",
    ]
    responses = [client.get(path) for path in anonymous]
    login(client, world.users["township_admin"])
    responses += [client.get(f"/t/{slug}/"), client.get(f"/t/{world.other.slug}/")]  # 200, 404
    responses.append(client.post("/logout"))  # a redirect
    for response in responses:
        response.close()
        for name, value in HEADERS.items():
            # A page may be stricter: the public case pages send no referrer at all.
            allowed = {value, "no-referrer"} if name == "Referrer-Policy" else {value}
            assert response.headers.get(name) in allowed, (response.request.path, name)
        policy = response.headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy
            and "'unsafe-inline'" not in policy.split("style-src-attr")[0]
        ), policy
        assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy


@pytest.mark.sqlite_only
def test_inline_blocks_carry_this_responses_nonce(app, world, client):
    login(client, world.users["township_admin"])
    first = client.get("/api/docs")
    second = client.get("/api/docs")
    for response in (first, second):
        assert response.status_code == 200
        nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]
    # Pages without inline blocks carry no nonce at all.
    assert "nonce-" not in client.get("/login").headers["Content-Security-Policy"]
