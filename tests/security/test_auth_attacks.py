"""Attacks on accounts and sessions: brute force, tracking-code guessing, CSRF, a stolen
session cookie replayed after logout. (tests/auth/test_auth.py has the basic back-off and limit;
tests/security/test_account_attacks.py the account take-over, timing and proxy attacks.)"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.db import db, utcnow
from lianxin.extensions import limiter
from tests.factories import PASSWORD
from tests.helpers import bearer, login

WRONG = "not-the-password"


def _attempt(client: Any, username: str, password: str, **kwargs: Any) -> Any:
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def test_brute_force_makes_the_account_wait_whatever_the_address(app, world, client):
    """Guesses from many addresses (no per-address limit applies) still make the account wait:
    the right password from a browser that never signed in to it is refused while it waits, in
    the words of a wrong password, and the wait ends on its own. (A browser that signed in to
    it before passes: tests/security/test_account_attacks.py.)"""
    user = world.users["township_admin"]
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        page = _attempt(client, user.username, WRONG, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert "用户名或密码不正确" in page.get_data(as_text=True)
    waiting = _attempt(client, user.username, PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and "用户名或密码不正确" in text and "锁定" not in text
    assert client.get(f"/t/{world.township.slug}/").status_code == 302  # not signed in
    # The token endpoint is the same door, with the answer an unknown name gets.
    token = client.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": PASSWORD}
    )
    assert token.status_code == 401 and token.get_json()["code"] == "invalid_credentials"
    db.session.refresh(user)
    user.locked_until = utcnow() - timedelta(seconds=1)  # the wait has passed
    db.session.commit()
    login(client, user)


def test_an_unknown_name_and_a_wrong_password_read_the_same(app, world, client):
    unknown = _attempt(client, "nobody.at.all", WRONG).get_data(as_text=True)
    wrong = _attempt(client, world.users["representative"].username, WRONG).get_data(as_text=True)
    assert "用户名或密码不正确" in unknown and "用户名或密码不正确" in wrong


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute"}],
)
def test_guessing_from_one_address_is_slowed_across_accounts(app, world, client):
    limiter.reset()
    names = [u.username for u in world.users.values()]
    codes = [_attempt(client, names[i % len(names)], WRONG).status_code for i in range(8)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    # Even the right password waits for the window: the door is shut for this address.
    assert _attempt(client, names[0], PASSWORD).status_code == 429
    # Another address is not affected.
    other = _attempt(
        client, names[0], PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    ).status_code
    assert other == 302


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "PUBLIC_TRACK_RATE_LIMIT": "4 per minute"}],
)
def test_tracking_code_guessing_is_rate_limited_across_townships(app, world, client):
    limiter.reset()
    codes = []
    for n in range(6):
        slug = (world.township, world.other)[n % 2].slug
        response = client.post(f"/p/{slug}/cases/track", data={"code": f"AAAA-BBBB-CCCC-{n:04d}"})
        codes.append(response.status_code)
    assert codes[:4] == [404] * 4 and set(codes[4:]) == {429}
    # Rating by code is the same door.
    rate = client.post(
        f"/p/{world.township.slug}/cases/track/rate", data={"code": "X", "rating": "satisfied"}
    )
    assert rate.status_code == 429


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_state_changing_forms_refuse_a_missing_or_foreign_csrf_token(app, world, client):
    def token_of(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    page = client.get("/login").get_data(as_text=True)
    # Without its token even the login form is refused.
    assert _attempt(client, world.users["township_admin"].username, PASSWORD).status_code == 400
    client.post(
        "/login",
        data={
            "username": world.users["township_admin"].username,
            "password": PASSWORD,
            "csrf_token": token_of(page),
        },
    )
    slug = world.township.slug
    assert client.get(f"/t/{slug}/").status_code == 200
    # A cross-site form post carries no token, or one from another browser's session.
    stranger = app.test_client()
    foreign = token_of(stranger.get("/login").get_data(as_text=True))
    for extra in ({}, {"csrf_token": foreign}, {"csrf_token": "forged"}):
        for path, data in (
            (f"/t/{slug}/branches", {"name": "跨站支部", "kind": "village"}),
            ("/me", {"token-name": "跨站令牌"}),
            ("/logout", {}),
        ):
            response = client.post(path, data={**data, **extra})
            assert response.status_code == 400, (path, extra, response.status_code)
    assert client.get(f"/t/{slug}/").status_code == 200  # still signed in: logout was refused
    page = client.get(f"/t/{slug}/branches").get_data(as_text=True)
    assert "跨站支部" not in page
    # The API needs no CSRF token: it ignores cookies and takes only a Bearer token.
    assert client.post(f"/api/v1/t/{slug}/branches", json={"name": "跨站支部"}).status_code == 401


def test_an_api_request_acts_as_its_token_never_as_the_cookie(app, world, client):
    """A browser signed in as the township admin sends an API request with someone else's token:
    it acts as the token's user alone (here a representative: no branch may be created)."""
    login(client, world.users["township_admin"])
    slug = world.township.slug
    assert client.get(f"/t/{slug}/").status_code == 200
    rep = bearer(world.users["representative"])
    created = client.post(f"/api/v1/t/{slug}/branches", json={"name": "越权支部"}, headers=rep)
    assert created.status_code == 403, created.get_data(as_text=True)[:300]
    viewer = bearer(world.users["far_county_admin"])  # no membership in this township at all
    assert client.get(f"/api/v1/t/{slug}/branches", headers=viewer).status_code == 404
    page = client.get(f"/t/{slug}/branches").get_data(as_text=True)
    assert "越权支部" not in page


def test_a_session_cookie_is_worthless_after_logout(app, world, client):
    user = world.users["township_admin"]
    login(client, user)
    slug = world.township.slug
    assert client.get(f"/t/{slug}/").status_code == 200
    stolen = client.get_cookie("session").value  # what an attacker copied while signed in
    client.post("/logout")
    assert client.get(f"/t/{slug}/").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get(f"/t/{slug}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert replay.post(
        f"/t/{slug}/branches", data={"name": "重放", "kind": "village"}
    ).status_code in (
        302,
        401,
    )
    # Another sign-in of the same user (another device) is not affected by this logout …
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get(f"/t/{slug}/").status_code == 200
    # … and a fresh sign-in on the first browser works as before.
    login(client, user)
    assert client.get(f"/t/{slug}/").status_code == 200


def test_a_cookie_from_before_session_ids_signs_nobody_in(app, world, client):
    """A signed cookie carrying only a user id (as flask-login writes it) is not enough."""
    user = db.session.scalar(select(User).where(User.username == "t.township_admin"))
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get(f"/t/{world.township.slug}/").status_code == 302
