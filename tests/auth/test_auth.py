"""Login, back-off, rate limits, CSRF, set-up links, API tokens, township switching."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lianxin.auth import service as accounts
from lianxin.auth.models import ApiToken, User
from lianxin.auth.passwords import token_digest
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipStatus
from tests.factories import PASSWORD, actor, grant, make_user
from tests.helpers import assert_error, bearer, login


def test_passwords_are_stored_as_argon2id(app, world):
    stored = world.users["township_admin"].password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_and_logout(app, world, client):
    login(client, world.users["township_admin"])
    assert client.get(f"/t/{world.township.slug}/").status_code == 200
    client.post("/logout")
    response = client.get(f"/t/{world.township.slug}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_a_chinese_message(app, world, client):
    response = client.post("/login", data={"username": "t.township_admin", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_repeated_failures_make_the_account_wait(app, world, client):
    user = world.users["township_admin"]
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": user.username, "password": "wrong-password"})
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    text = response.get_data(as_text=True)
    assert "用户名或密码不正确" in text and "锁定" not in text  # what a wrong password hears
    db.session.refresh(user)
    assert user.locked_until is not None


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}]
)
def test_login_is_rate_limited(app, world, client):
    from lianxin.extensions import limiter

    limiter.reset()
    codes = [
        client.post("/login", data={"username": f"nobody{i}", "password": "x"}).status_code
        for i in range(5)
    ]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    token_codes = [
        client.post("/api/v1/auth/tokens", json={"username": "x", "password": "y"}).status_code
        for _ in range(4)
    ]
    assert 429 in token_codes


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_need_a_csrf_token(app, world, client):
    response = client.post("/login", data={"username": "t.township_admin", "password": PASSWORD})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": "t.township_admin", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # The API authenticates with Bearer tokens, never the cookie, so it needs no CSRF token.
    headers = bearer(world.users["township_admin"])
    assert (
        client.get(f"/api/v1/t/{world.township.slug}/branches", headers=headers).status_code == 200
    )


def test_session_cookie_is_httponly_and_samesite(app, world, client):
    response = client.post("/login", data={"username": "t.township_admin", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from lianxin.config import from_environ

    config = from_environ(
        {
            "LIANXIN_DATABASE_URL": "postgresql+psycopg://a@b/c",
            "LIANXIN_SECRET_KEY": "k",
            "LIANXIN_PUBLIC_BASE_URL": "https://lianxin.example.org",
        },
        instance_path="/tmp/x",
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        from_environ({"LIANXIN_DATABASE_URL": "postgresql+psycopg://a@b/c"}, instance_path="/tmp/x")


def test_setup_link_is_one_time(app, world, client):
    new = make_user("fresh.user", password=None)
    grant(new, Role.REPRESENTATIVE, township=world.township)
    token = accounts.issue_setup_link(new)
    db.session.commit()
    opened = client.get(f"/setup/{token}")  # the token leaves the URL at once
    assert opened.status_code == 302 and opened.headers["Location"] == "/setup"
    assert client.get("/setup").status_code == 200
    weak = client.post("/setup", data={"password": "short", "confirm": "short"})
    assert "至少需要10位" in weak.get_data(as_text=True)
    done = client.post("/setup", data={"password": "abc12345xyz", "confirm": "abc12345xyz"})
    assert done.status_code == 302
    assert client.get(f"/setup/{token}").status_code == 404
    login(client, new, "abc12345xyz")


def test_api_token_lifecycle(app, world, client):
    user = world.users["township_staff"]
    response = client.post(
        "/api/v1/auth/tokens",
        json={"username": user.username, "password": PASSWORD, "name": "脚本"},
    )
    assert response.status_code == 201
    token = response.get_json()["token"]
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "脚本"))
    assert stored.token_hash == token_digest(token) and token not in stored.token_hash
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["id"] == user.id
    listed = client.get("/api/v1/auth/tokens", headers=headers).get_json()
    assert all("token" not in t for t in listed)
    assert client.delete(f"/api/v1/auth/tokens/{stored.id}", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")


def test_token_with_wrong_password_is_refused(app, world, client):
    assert_error(
        client.post(
            "/api/v1/auth/tokens", json={"username": "t.township_staff", "password": "wrong"}
        ),
        401,
        "invalid_credentials",
    )


def test_tokens_from_the_profile_page(app, world, client):
    login(client, world.users["representative"])
    page = client.post("/me", data={"token-name": "手机"}).get_data(as_text=True)
    token = re.search(r'id="new-token">([^<]+)<', page).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert token not in client.get("/me").get_data(as_text=True)


def test_cookie_does_not_authenticate_the_api(app, world, client):
    login(client, world.users["township_admin"])
    assert_error(client.get(f"/api/v1/t/{world.township.slug}/branches"), 401)


def test_revoking_someone_elses_token_is_not_found(app, world, client):
    other_token = accounts.create_api_token(actor(world.users["other_admin"]), "x").token
    headers = bearer(world.users["township_admin"])
    assert_error(client.delete(f"/api/v1/auth/tokens/{other_token.id}", headers=headers), 404)


def test_suspended_township_users_cannot_log_in(app, world, client):
    admin = actor(world.users["county_admin"])
    tenants.set_township_status(admin, world.county, world.township.id, TownshipStatus.SUSPENDED)
    user = world.users["representative"]
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert "暂停使用" in response.get_data(as_text=True)
    # A representative of two townships still logs in, but the suspended one is closed to them.
    login(client, world.users["both"])
    assert client.get(f"/t/{world.township.slug}/").status_code == 403
    assert client.get(f"/t/{world.other.slug}/").status_code == 200
    public = client.get(f"/p/{world.township.slug}/").get_data(as_text=True)
    assert "已暂停" in public
    tenants.set_township_status(admin, world.county, world.township.id, TownshipStatus.ACTIVE)
    client.post("/logout")
    login(client, user)


def test_switcher_lists_every_township_of_the_user(app, world, client):
    login(client, world.users["both"])
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert world.township.name in page and world.other.name in page
    assert f"/t/{world.other.slug}/" in client.get(f"/t/{world.township.slug}/").get_data(
        as_text=True
    )


def test_single_place_user_goes_straight_there(app, world, client):
    login(client, world.users["representative"])
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/t/{world.township.slug}/"
    )


def test_permission_is_checked_in_the_service_not_the_form(app, world, client):
    login(client, world.users["representative"])
    response = client.post(
        f"/t/{world.township.slug}/branches", data={"name": "私建支部", "kind": "village"}
    )
    assert response.status_code == 403
    headers = bearer(world.users["representative"])
    assert_error(
        client.post(
            f"/api/v1/t/{world.township.slug}/branches", headers=headers, json={"name": "私建支部"}
        ),
        403,
        "permission_denied",
    )


def test_users_are_found_by_username_case_insensitively(app, world):
    user = accounts.authenticate("T.TOWNSHIP_ADMIN", PASSWORD)
    assert isinstance(user, User)
