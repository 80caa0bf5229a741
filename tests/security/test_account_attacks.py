"""Attacks on accounts (issue 18): taking an account over with a set-up link, sessions and tokens
that outlive a password change, telling real accounts from unknown ones, locking an admin out,
an address shared by a meeting hall, forged proxy headers, open redirects and inputs that were
500s. Each test performs the attack and shows that it fails."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from lianxin.auth.models import ApiToken, Membership, SetupLink, User
from lianxin.auth.roles import Role
from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.extensions import limiter
from lianxin.modules.annual_sessions.module import MODULE as ANNUAL_SESSIONS
from lianxin.tenants.models import TownshipModule
from tests.factories import PASSWORD, actor, grant, make_user
from tests.helpers import assert_error, bearer, login, token_for
from tests.testmodule import TEST_MODULES

WRONG = "not-the-password-1"
NEW_PASSWORD = "brand-new-secret-77"
REFUSED = "用户名或密码不正确"


def _attempt(client: Any, username: str, password: str, **kwargs: Any) -> Any:
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def _from(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _signed_in(client: Any, township: Any) -> bool:
    return client.get(f"/t/{township.slug}/").status_code == 200


def _user(user_id: int) -> User:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _live_tokens(user: User) -> list[ApiToken]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )


def _setup_token(text: str) -> str:
    found = re.search(r"http://testserver/setup/(setup_[\w-]+)", text)
    assert found, text[:2000]
    return found.group(1)


def _set_password_with(client: Any, token: str, password: str = NEW_PASSWORD) -> Any:
    opened = client.get(f"/setup/{token}")
    data = {"password": password, "confirm": password}
    if opened.status_code == 200:  # the form at the token's own URL (before issue 18)
        return client.post(f"/setup/{token}", data=data)
    assert opened.status_code == 302, opened.status_code
    return client.post("/setup", data=data)


# --- 1. set-up links ----------------------------------------------------------------------------


def test_a_township_admin_cannot_take_over_an_account_that_acts_elsewhere(app, world, client):
    """甲镇's admin asks for a set-up link for a representative of 甲镇 and 乙镇, sets the
    password and reads 乙镇. It used to work; now the link is refused (403, in Chinese) and no
    link exists."""
    shared = world.users["both"]
    login(client, world.users["township_admin"])
    asked = client.post(f"/t/{world.township.slug}/users/{shared.id}/setup-link")
    if asked.status_code == 302:  # the old behaviour: the attack goes on to the end
        page = client.get(asked.headers["Location"]).get_data(as_text=True)
        thief = app.test_client()
        _set_password_with(thief, _setup_token(page))
        login(thief, shared, NEW_PASSWORD)
        stolen = thief.get(f"/t/{world.other.slug}/pilot/").get_data(as_text=True)
        pytest.fail(f"account taken over; 乙镇 read: {'乙镇专属走访记录' in stolen}")
    assert asked.status_code == 403
    text = asked.get_data(as_text=True)
    assert "县" in text and "平台管理员" in text and "本人" in text
    assert db.session.scalar(select(SetupLink.id).where(SetupLink.user_id == shared.id)) is None
    # The same account is the county's to reset: its admin administers both townships.
    county = bearer(world.users["county_admin"])
    issued = client.post(f"/api/v1/accounts/{shared.id}/setup-link", headers=county)
    assert issued.status_code == 201, issued.get_data(as_text=True)[:300]
    assert issued.get_json()["setup_url"].startswith("http://testserver/setup/")


def test_who_may_issue_a_set_up_link(app, world, client):
    """Only someone who administers every place the account acts in; an account out of sight is
    not found at all."""
    admin = bearer(world.users["township_admin"])
    rep, shared = world.users["representative"], world.users["both"]

    def ask(user: User, headers: dict[str, str]) -> Any:
        return client.post(f"/api/v1/accounts/{user.id}/setup-link", headers=headers)

    assert ask(rep, admin).status_code == 201  # only in 甲镇: 甲镇's admin may reset it
    body = assert_error(ask(shared, admin), 403, "permission_denied")
    assert "平台管理员" in body["message"]
    assert_error(ask(world.users["other_admin"], admin), 404)  # only in 乙镇: not visible
    assert_error(ask(world.users["county_admin"], admin), 404)  # a county role
    # A county admin: accounts only in the county; not the platform's, not another county's.
    county = bearer(world.users["county_admin"])
    assert ask(shared, county).status_code == 201
    assert_error(ask(world.users["far_admin"], county), 404)
    platform_and_county = make_user("mixed.admin")
    grant(platform_and_county, Role.COUNTY_ADMIN, county=world.county)
    grant(platform_and_county, Role.PLATFORM_ADMIN)
    assert_error(ask(platform_and_county, county), 403)
    assert ask(platform_and_county, bearer(world.users["platform"])).status_code == 201
    # Nobody below an admin issues links.
    assert_error(ask(rep, bearer(world.users["township_staff"])), 403)


def test_setting_a_password_ends_other_sessions_and_revokes_tokens(app, world, client):
    user = world.users["township_admin"]
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    script = {"Authorization": f"Bearer {token_for(user)}"}
    db.session.commit()
    assert client.get("/api/v1/me", headers=script).status_code == 200
    # The owner changes the password on the phone: the phone stays signed in, nothing else does.
    changed = phone.post(
        "/me", data={"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert _signed_in(phone, world.township)
    assert not _signed_in(laptop, world.township)
    assert_error(client.get("/api/v1/me", headers=script), 401)
    assert _live_tokens(user) == []
    # A set-up link (a reset by the county) ends the phone's session too.
    issued = client.post(
        f"/api/v1/accounts/{user.id}/setup-link", headers=bearer(world.users["county_admin"])
    )
    token = issued.get_json()["setup_url"].rsplit("/", 1)[-1]
    fresh = app.test_client()
    assert _set_password_with(fresh, token, "another-secret-88").status_code == 302
    assert not _signed_in(phone, world.township)
    login(fresh, user, "another-secret-88")
    assert _signed_in(fresh, world.township)


def test_only_the_newest_set_up_link_works(app, world, client):
    from lianxin.auth import service as accounts

    new = make_user("fresh.user", password=None)
    grant(new, Role.REPRESENTATIVE, township=world.township)
    first = accounts.issue_setup_link(new)
    second = accounts.issue_setup_link(new)
    db.session.commit()
    assert client.get(f"/setup/{first}").status_code == 404
    assert _set_password_with(client, second).status_code == 302
    assert client.get(f"/setup/{second}").status_code == 404  # and it is used once
    login(client, new, NEW_PASSWORD)


def test_set_up_links_expire(app, world, client):
    from lianxin.auth import service as accounts

    new = make_user("late.user", password=None)
    grant(new, Role.REPRESENTATIVE, township=world.township)
    token = accounts.issue_setup_link(new)
    link = db.session.scalar(select(SetupLink).where(SetupLink.user_id == new.id))
    hours = app.config["SETUP_LINK_HOURS"]
    assert abs((link.expires_at - utcnow()) - timedelta(hours=hours)) < timedelta(minutes=1)
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/setup/{token}").status_code == 404


def test_the_set_up_secret_leaves_the_url(app, world, client):
    """The token is in the URL of one GET only, answered by a redirect: the form, its POST and
    anything the page loads (Referer) never carry it, and once opened the token is spent, so a
    copy from an access log or the browser history opens nothing."""
    from lianxin.auth import service as accounts

    new = make_user("quiet.user", password=None)
    grant(new, Role.REPRESENTATIVE, township=world.township)
    token = accounts.issue_setup_link(new)
    db.session.commit()
    opened = client.get(f"/setup/{token}")
    assert opened.status_code == 302, opened.status_code
    assert opened.headers["Location"] == "/setup"
    form = client.get("/setup")
    assert form.status_code == 200 and token not in form.get_data(as_text=True)
    assert new.username in form.get_data(as_text=True)
    # Without the exchange (another browser) the form is not there, and the logged URL is dead.
    reader_of_the_log = app.test_client()
    assert reader_of_the_log.get("/setup").status_code == 404
    assert reader_of_the_log.get(f"/setup/{token}").status_code == 404
    link = db.session.scalar(select(SetupLink).where(SetupLink.user_id == new.id))
    assert link.expires_at - utcnow() <= timedelta(minutes=30)  # the session value is brief
    done = client.post("/setup", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and token not in done.headers["Location"]
    assert client.get("/setup").status_code == 404  # the session value went with it
    login(client, new, NEW_PASSWORD)


# --- 2. tokens and sessions ---------------------------------------------------------------------


def test_api_tokens_expire(app, world, client):
    user = world.users["township_staff"]
    issued = client.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": PASSWORD}
    )
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["expires_at"]
    stored = db.session.get(ApiToken, body["id"])
    days = app.config["API_TOKEN_DAYS"]
    assert days == 90
    assert abs((stored.expires_at - utcnow()) - timedelta(days=days)) < timedelta(minutes=1)
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_token_lifetime_and_idle_hours_come_from_the_environment():
    from lianxin.config import from_environ

    defaults = from_environ({"LIANXIN_SECRET_KEY": "k"}, instance_path="/tmp/x")
    assert defaults["API_TOKEN_DAYS"] == 90 and defaults["SESSION_IDLE_HOURS"] == 8
    assert defaults["TRUSTED_PROXIES"] == 0
    set_ = from_environ(
        {
            "LIANXIN_SECRET_KEY": "k",
            "LIANXIN_API_TOKEN_DAYS": "30",
            "LIANXIN_SESSION_IDLE_HOURS": "2",
            "LIANXIN_TRUSTED_PROXIES": "1",
        },
        instance_path="/tmp/x",
    )
    assert (set_["API_TOKEN_DAYS"], set_["SESSION_IDLE_HOURS"], set_["TRUSTED_PROXIES"]) == (
        30,
        2,
        1,
    )


def test_the_profile_shows_each_tokens_last_use_and_expiry(app, world, client):
    user = world.users["representative"]
    login(client, user)
    client.post("/me", data={"token-name": "手机脚本"})
    page = client.get("/me").get_data(as_text=True)
    password_at, details_at = page.index("修改密码"), page.index('<details class="card advanced"')
    assert password_at < details_at  # below the password, folded away under 高级设置
    details = page[details_at : page.index("</details>", details_at)]
    assert "高级设置" in details and not re.search(r"<details[^>]*\bopen\b", page)
    for column in ("创建时间", "最近使用", "有效期至", "撤销", "手机脚本"):
        assert column in details, column


def test_an_idle_session_ends(app, world, client):
    from lianxin.auth import sessions

    login(client, world.users["township_admin"])
    assert _signed_in(client, world.township)
    # Within a minute of the last refresh the cookie is not rewritten.
    assert "session=" not in client.get(f"/t/{world.township.slug}/").headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        session[sessions.SEEN] = int(time.time()) - 120
    assert "session=" in client.get(f"/t/{world.township.slug}/").headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert int(time.time()) - session[sessions.SEEN] < 5  # refreshed
        idle = app.config["SESSION_IDLE_HOURS"] * 3600
        session[sessions.SEEN] = int(time.time()) - idle - 1
    response = client.get(f"/t/{world.township.slug}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivating_an_account_ends_its_sessions_and_tokens(app, world, client):
    user = world.users["representative"]
    browser = app.test_client()
    login(browser, user)
    script = {"Authorization": f"Bearer {token_for(user)}"}
    db.session.commit()
    platform = bearer(world.users["platform"])
    off = client.patch(f"/api/v1/accounts/{user.id}", json={"is_active": False}, headers=platform)
    assert off.status_code == 200, off.get_data(as_text=True)[:300]
    assert off.get_json()["is_active"] is False
    assert not _signed_in(browser, world.township)
    assert_error(client.get("/api/v1/me", headers=script), 401)
    refused = _attempt(app.test_client(), user.username, PASSWORD).get_data(as_text=True)
    assert REFUSED in refused
    # Switching it back on does not bring the old session or token back.
    on = client.patch(f"/api/v1/accounts/{user.id}", json={"is_active": True}, headers=platform)
    assert on.status_code == 200 and on.get_json()["is_active"] is True
    assert not _signed_in(browser, world.township)
    assert_error(client.get("/api/v1/me", headers=script), 401)
    login(app.test_client(), user)
    from lianxin.audit.models import AuditEntry

    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == str(user.id))
    ).all()
    assert "user.deactivated" in actions and "user.reactivated" in actions


def test_who_may_deactivate_whom(app, world, client):
    def switch(user: User, who: str, active: bool = False) -> Any:
        return client.patch(
            f"/api/v1/accounts/{user.id}",
            json={"is_active": active},
            headers=bearer(world.users[who]),
        )

    users = world.users
    assert switch(users["committee_member"], "township_admin").status_code == 200
    assert_error(switch(users["both"], "township_admin"), 403)  # also acts in 乙镇
    assert_error(switch(users["other_admin"], "township_admin"), 404)
    assert_error(switch(users["township_admin"], "township_admin"), 409)  # not oneself
    assert_error(switch(users["group_leader"], "representative"), 403)
    assert switch(users["both"], "county_admin").status_code == 200
    assert_error(switch(users["far_admin"], "county_admin"), 404)
    assert_error(switch(users["county_viewer"], "far_county_admin"), 404)
    assert switch(users["far_county_admin"], "platform").status_code == 200
    assert not _user(users["far_county_admin"].id).is_active


def test_an_account_is_deactivated_from_its_page(app, world, client):
    user = world.users["group_leader"]
    login(client, world.users["township_admin"])
    found = client.get("/accounts", query_string={"username": user.username})
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/accounts/{user.id}")
    page = client.get(f"/accounts/{user.id}").get_data(as_text=True)
    assert user.display_name in page and "停用账号" in page
    assert client.post(f"/accounts/{user.id}/active", data={"active": "0"}).status_code == 302
    assert not _user(user.id).is_active
    assert "启用账号" in client.get(f"/accounts/{user.id}").get_data(as_text=True)
    # An account that also acts in 乙镇 is shown without the buttons, with who can act.
    shared = client.get(f"/accounts/{world.users['both'].id}").get_data(as_text=True)
    assert "停用账号" not in shared and "平台管理员" in shared
    assert (
        client.post(f"/accounts/{world.users['both'].id}/active", data={"active": "0"}).status_code
        == 403
    )
    assert client.get(f"/accounts/{world.users['other_admin'].id}").status_code == 404


def test_a_user_with_no_membership_left_cannot_sign_in(app, world, client):
    user = world.users["handling_unit"]
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
    unknown = _attempt(client, "no.such.person", PASSWORD)
    alone = _attempt(client, user.username, PASSWORD)
    assert alone.status_code == unknown.status_code == 200
    assert REFUSED in alone.get_data(as_text=True)
    assert_error(
        client.post("/api/v1/auth/tokens", json={"username": user.username, "password": PASSWORD}),
        401,
        "invalid_credentials",
    )


# --- 3. logins ----------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_unknown_and_known_usernames_take_the_same_time(app, world, client, monkeypatch):
    """With production-strength Argon2 an unknown name answered in a few ms and a real one after
    a full hash: the time told which names exist."""
    from argon2 import PasswordHasher

    from lianxin.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher())
    user = make_user("timed.user")
    user.password_hash = passwords.hash_password(PASSWORD)
    grant(user, Role.REPRESENTATIVE, township=world.township)

    def timed(name: str, address: str) -> float:
        started = time.perf_counter()
        _attempt(client, name, WRONG, **_from(address))
        return time.perf_counter() - started

    timed("warm.up", "10.1.0.1")
    unknown, known = [], []
    for n in range(4):
        unknown.append(timed(f"nobody.{n}", f"10.1.1.{n}"))
        known.append(timed(user.username, f"10.1.2.{n}"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2, (unknown, known)


def test_a_throttled_account_answers_like_an_unknown_one(app, world, client):
    user = world.users["township_staff"]
    for n in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        client.post(
            "/api/v1/auth/tokens",
            json={"username": user.username, "password": WRONG},
            **_from(f"10.2.0.{n}"),
        )
    real = client.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": PASSWORD}
    )
    unknown = client.post(
        "/api/v1/auth/tokens", json={"username": "nobody.here", "password": PASSWORD}
    )
    assert real.status_code == unknown.status_code == 401
    assert real.get_json() == unknown.get_json()
    page = _attempt(client, user.username, PASSWORD).get_data(as_text=True)
    other = _attempt(client, "nobody.here", PASSWORD).get_data(as_text=True)
    assert REFUSED in page and "锁定" not in page
    assert page.replace(user.username, "X") == other.replace("nobody.here", "X")


def test_guesses_from_many_addresses_do_not_lock_the_owner_out(app, world):
    """Six wrong guesses from six addresses used to lock the admin out for 15 minutes. Now they
    only make fresh devices wait; the admin's own browser, which signed in before, gets in."""
    owner = world.users["township_admin"]
    own_browser = app.test_client()
    login(own_browser, owner)
    own_browser.post("/logout")
    attacker = app.test_client()
    for n in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        assert REFUSED in _attempt(
            attacker, owner.username, WRONG, **_from(f"10.3.0.{n}")
        ).get_data(as_text=True)
    assert _user(owner.id).locked_until > utcnow()
    assert _attempt(own_browser, owner.username, PASSWORD).status_code == 302
    assert _signed_in(own_browser, world.township)
    # More guesses: a browser that never signed in waits, told only what a wrong password hears.
    for n in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        _attempt(attacker, owner.username, WRONG, **_from(f"10.3.1.{n}"))
    new_browser = app.test_client()
    waiting = _attempt(new_browser, owner.username, PASSWORD)
    assert waiting.status_code == 200 and REFUSED in waiting.get_data(as_text=True)
    user = _user(owner.id)
    user.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
    db.session.commit()
    assert _attempt(new_browser, owner.username, PASSWORD).status_code == 302


def test_the_wait_doubles_and_is_capped(app, world, client):
    user = world.users["representative"]
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _n in range(limit - 1):
        _attempt(client, user.username, WRONG)
    assert _user(user.id).locked_until is None  # below the threshold nobody waits
    waits = []
    for _n in range(4):
        _attempt(client, user.username, WRONG)
        stored = _user(user.id)
        waits.append(round((stored.locked_until - utcnow()).total_seconds()))
        stored.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert waits == [1, 2, 4, 8], waits
    stored = _user(user.id)
    stored.failed_logins = limit + 40
    db.session.commit()
    _attempt(client, user.username, WRONG)
    cap = app.config["LOGIN_LOCK_MINUTES"] * 60
    wait = (_user(user.id).locked_until - utcnow()).total_seconds()
    assert cap - 5 < wait <= cap


def test_a_known_device_counts_only_for_its_own_user(app, world):
    victim, attacker_user = world.users["township_admin"], world.users["representative"]
    attacker = app.test_client()
    login(attacker, attacker_user)  # the attacker's browser is known for the attacker only
    attacker.post("/logout")
    for n in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        _attempt(app.test_client(), victim.username, WRONG, **_from(f"10.4.0.{n}"))
    assert REFUSED in _attempt(attacker, victim.username, PASSWORD).get_data(as_text=True)
    forged = app.test_client()
    forged.set_cookie("lx_device", f"[{victim.id}]")
    assert REFUSED in _attempt(forged, victim.username, PASSWORD).get_data(as_text=True)


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "10 per minute"}]
)
def test_only_failed_logins_count_against_an_address(app, world, client):
    """Eleven people signing in from one meeting hall's Wi-Fi: the eleventh used to get a 429."""
    limiter.reset()
    hall = _from("198.51.100.20")
    people = []
    for n in range(11):
        person = make_user(f"hall.rep{n}")
        grant(person, Role.REPRESENTATIVE, township=world.township)
        people.append(person)
    for person in people:
        assert _attempt(app.test_client(), person.username, PASSWORD, **hall).status_code == 302
    # Failures still count: ten wrong passwords shut the door for this address …
    for n in range(10):
        assert _attempt(client, people[n].username, WRONG, **hall).status_code == 200
    refused = _attempt(app.test_client(), people[0].username, PASSWORD, **hall)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    text = refused.get_data(as_text=True)
    assert re.search(r"\d+\s*秒", text), text[:1500]
    api = client.post(
        "/api/v1/auth/tokens",
        json={"username": people[0].username, "password": PASSWORD},
        **hall,
    )
    body = assert_error(api, 429, "rate_limited")
    assert re.search(r"\d+\s*(秒|分钟)", body["message"]) and int(api.headers["Retry-After"]) > 0
    # … and only for it.
    assert (
        _attempt(app.test_client(), people[1].username, PASSWORD, **_from("192.0.2.8")).status_code
        == 302
    )


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "EMBEDDED": False}],
)
def test_a_forged_forwarded_for_does_not_reset_the_login_limit(app, world, client):
    """Without a configured proxy (LIANXIN_TRUSTED_PROXIES=0) X-Forwarded-For is only text."""
    limiter.reset()
    name = world.users["township_admin"].username
    for _n in range(3):
        _attempt(client, name, WRONG, **_from("203.0.113.5"))
    forged = _attempt(
        client, name, WRONG, headers={"X-Forwarded-For": "198.51.100.77"}, **_from("203.0.113.5")
    )
    assert forged.status_code == 429


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "TRUSTED_PROXIES": 1}],
)
def test_behind_one_proxy_the_last_hop_is_the_client(app, world, client):
    """nginx appends the address it saw; what the client wrote before it is not believed."""
    limiter.reset()
    name = world.users["township_admin"].username
    proxy = _from("127.0.0.1")
    for n in range(3):
        forwarded = {"X-Forwarded-For": f"6.6.6.{n}, 203.0.113.5"}
        _attempt(client, name, WRONG, headers=forwarded, **proxy)
    again = {"X-Forwarded-For": "7.7.7.7, 203.0.113.5"}
    assert _attempt(client, name, WRONG, headers=again, **proxy).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.99"}
    assert _attempt(client, name, WRONG, headers=other, **proxy).status_code == 200


# --- 4. defects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%0a/evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "%20//evil.example",
        "/%E2%80%A8/evil.example",
        "evil.example",
    ],
)
def test_next_after_login_stays_on_this_site(app, world, client, target):
    user = world.users["township_admin"]
    response = client.post(
        f"/login?next={target}", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/", response.headers["Location"]


def test_next_may_name_a_page_of_this_site(app, world, client):
    user = world.users["township_admin"]
    wanted = f"/t/{world.township.slug}/branches?kind=village&x=1"
    response = client.post(
        "/login",
        query_string={"next": wanted},
        data={"username": user.username, "password": PASSWORD},
    )
    assert response.headers["Location"] == wanted


def test_the_large_text_switch_returns_only_to_this_site(app, world, client):
    for target in ("/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example"):
        response = client.post("/prefs/large-text", data={"enabled": "1", "next": target})
        assert response.status_code == 302 and response.headers["Location"] == "/", target
    back = client.post(
        "/prefs/large-text",
        data={"enabled": "1"},
        headers={"Referer": f"http://localhost/t/{world.township.slug}/branches"},
    )
    assert back.headers["Location"] == f"/t/{world.township.slug}/branches"
    foreign = client.post(
        "/prefs/large-text", data={"enabled": "0"}, headers={"Referer": "https://evil.example/x"}
    )
    assert foreign.headers["Location"] == "/"


@pytest.mark.parametrize("app_modules", [(*TEST_MODULES, ANNUAL_SESSIONS)])
def test_a_non_ascii_check_in_code_is_a_clear_4xx(app, world, client):
    from lianxin.modules.annual_sessions import service as sessions
    from lianxin.modules.annual_sessions.inputs import SessionInput

    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "annual_sessions")
        .values(enabled=True)
    )
    db.session.commit()
    with tenant_context(world.township.id):
        held = (utcnow() + timedelta(days=40)).date()
        session_id = sessions.create_session(
            actor(world.users["township_staff"]),
            world.township,
            SessionInput(title="年会", held_on=held, place="镇会议中心"),
        ).id
    rep = world.users["representative"]
    api = client.post(
        f"/api/v1/t/{world.township.slug}/annual_sessions/sessions/{session_id}/check-in",
        json={"token": "签到码"},
        headers=bearer(rep),
    )
    body = assert_error(api, 404)
    assert "签到码" in body["message"]
    login(client, rep)
    page = client.get(f"/t/{world.township.slug}/annual_sessions/{session_id}/checkin/签到码")
    assert page.status_code == 404 and "签到码无效" in page.get_data(as_text=True)
    posted = client.post(f"/t/{world.township.slug}/annual_sessions/{session_id}/checkin/签到码")
    assert 400 <= posted.status_code < 500


def test_renaming_a_branch_to_a_taken_name_is_a_4xx(app, world, client):
    from tests.factories import make_branch

    taken = world.branches["t"].name
    mine = make_branch(world.township, "新支部")
    login(client, world.users["township_admin"])
    page = client.post(
        f"/t/{world.township.slug}/branches/{mine.id}",
        data={"name": taken, "kind": "village", "is_active": "y"},
    )
    assert page.status_code == 422 and "已有同名支部" in page.get_data(as_text=True)
    api = client.patch(
        f"/api/v1/t/{world.township.slug}/branches/{mine.id}",
        json={"name": taken},
        headers=bearer(world.users["township_admin"]),
    )
    body = assert_error(api, 422, "validation_error")
    assert "已有同名支部" in str(body["errors"])
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.get(type(mine), (world.township.id, mine.id)).name == "新支部"
