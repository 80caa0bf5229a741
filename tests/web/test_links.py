"""Absolute links name the address people reach (issue 21): the configured public address,
else — in the embedded default — the address of the request that builds them; production does
not start without one, and a link built outside a request there fails loudly."""

from __future__ import annotations

import pytest

from lianxin import config
from lianxin.auth import service as accounts
from lianxin.notify import channels
from lianxin.people import cards
from lianxin.web import links
from tests.factories import PASSWORD
from tests.people.test_cards import add_rep

LAN = "http://192.168.1.20:8080"
PG_URL = "postgresql+psycopg://lianxin_app:x@127.0.0.1:5432/lianxin"


@pytest.fixture
def embedded(app, monkeypatch):
    """The embedded default: no LIANXIN_PUBLIC_BASE_URL."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setitem(app.config, "EMBEDDED", True)
    return app


def login_at(client, user):
    """Log in on the LAN address (the session cookie belongs to that host)."""
    data = {"username": user.username, "password": PASSWORD}
    assert client.post("/login", data=data, base_url=LAN).status_code == 302


# --- built inside a request ---------------------------------------------------------------------


def test_in_a_request_the_embedded_default_names_the_served_host_and_port(embedded):
    with embedded.test_request_context("/", base_url=LAN):
        assert links.base_url() == LAN
        assert links.public_url("auth.setup_link", token="setup_x") == f"{LAN}/setup/setup_x"
        assert accounts.setup_url("setup_x") == f"{LAN}/setup/setup_x"
        assert channels.absolute("/t/jia-zhen/cases/1") == f"{LAN}/t/jia-zhen/cases/1"
        assert (
            links.public_url("public_cases.track", township_slug="jia-zhen", _anchor="code=AB")
            == f"{LAN}/p/jia-zhen/cases/track#code=AB"
        )
    with embedded.test_request_context("/", base_url="https://lianxin.local"):
        assert accounts.setup_url("t") == "https://lianxin.local/setup/t"


def test_the_forwarded_scheme_is_believed_only_from_a_trusted_proxy(embedded):
    """Behind nginx (LIANXIN_TRUSTED_PROXIES=1, ProxyFix) the link says https, as the phone saw."""
    from werkzeug.middleware.proxy_fix import ProxyFix
    from werkzeug.test import Client

    seen: list[str] = []

    def probe(environ, start_response):
        with embedded.request_context(environ):
            seen.append(links.public_url("auth.setup_link", token="t"))
        start_response("204 No Content", [])
        return [b""]

    headers = {"X-Forwarded-Proto": "https", "Host": "lianxin.lan:8443"}
    Client(probe).get("/", headers=headers)
    Client(ProxyFix(probe, x_for=1, x_proto=1)).get("/", headers=headers)
    assert seen == [
        "http://lianxin.lan:8443/setup/t",  # no trusted proxy: the header is not believed
        "https://lianxin.lan:8443/setup/t",
    ]


def test_a_configured_address_wins_over_the_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lianxin.example.org/")
    with app.test_request_context("/", base_url=LAN):
        assert accounts.setup_url("t") == "https://lianxin.example.org/setup/t"
        assert channels.absolute("t/jia-zhen/x") == "https://lianxin.example.org/t/jia-zhen/x"


def test_the_card_page_and_its_qr_code_name_the_served_host(embedded, world, client):
    rep_id = add_rep(world.township, world.users["township_admin"], "张秀英")
    login_at(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/people/{rep_id}/card", base_url=LAN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    public = f"{LAN}/p/{world.township.slug}/representatives/{rep_id}"
    assert public in html and "127.0.0.1:5000" not in html
    assert str(cards.qr_svg(public)) in html  # the QR code is of that address


def test_the_set_up_link_page_names_the_served_host(embedded, world, client):
    """A set-up link issued by the platform admin on the laptop at 192.168.1.20:8080."""
    login_at(client, world.users["platform"])
    page = client.post(
        "/admin/",
        data={
            "name": "新县",
            "slug": "xin-xian",
            "admin_username": "xin.admin",
            "admin_name": "新管理员",
        },
        base_url=LAN,
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{LAN}/setup/setup_" in html and "127.0.0.1:5000" not in html


# --- built outside a request (a Celery task, the CLI) --------------------------------------------


def test_a_task_built_link_uses_the_configured_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lianxin.example.org")
    monkeypatch.setitem(app.config, "EMBEDDED", False)
    with app.app_context():
        assert links.public_url("auth.setup_link", token="t") == (
            "https://lianxin.example.org/setup/t"
        )
        assert channels.absolute("/t/jia-zhen/cases/1") == (
            "https://lianxin.example.org/t/jia-zhen/cases/1"
        )
        assert links.public_url(
            "public_cases.track", township_slug="jia-zhen", _anchor="code=X"
        ) == ("https://lianxin.example.org/p/jia-zhen/cases/track#code=X")


def test_a_configured_path_prefix_is_kept(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://gov.example.cn/lianxin")
    with app.app_context():
        assert links.public_url("auth.setup_link", token="t") == (
            "https://gov.example.cn/lianxin/setup/t"
        )
    with app.test_request_context("/", base_url=LAN):
        assert accounts.setup_url("t") == "https://gov.example.cn/lianxin/setup/t"


def test_outside_a_request_production_without_an_address_fails_loudly(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setitem(app.config, "EMBEDDED", False)
    with app.app_context():
        with pytest.raises(links.NoPublicAddress, match="LIANXIN_PUBLIC_BASE_URL"):
            links.public_url("auth.setup_link", token="t")
        with pytest.raises(links.NoPublicAddress):
            channels.absolute("/t/jia-zhen/cases/1")


def test_outside_a_request_the_embedded_default_names_what_make_run_serves(embedded):
    with embedded.app_context():
        assert accounts.setup_url("t") == "http://127.0.0.1:5000/setup/t"


# --- start-up ------------------------------------------------------------------------------------


def test_production_refuses_to_start_without_the_public_address(tmp_path, monkeypatch):
    env = {
        "LIANXIN_DATABASE_URL": PG_URL,
        "LIANXIN_SECRET_KEY": "k",
        "LIANXIN_INSTANCE_PATH": str(tmp_path),
    }
    with pytest.raises(RuntimeError, match="LIANXIN_PUBLIC_BASE_URL must be set"):
        config.from_environ(env, instance_path=str(tmp_path))
    # create_app() reads the same settings: the app itself refuses to start.
    from lianxin.app import create_app

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LIANXIN_PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="LIANXIN_PUBLIC_BASE_URL must be set"):
        create_app()


@pytest.mark.parametrize(
    "value", ["lianxin.example.org", "ftp://lianxin.example.org", "https://x.org/?a=1", "https://"]
)
def test_a_malformed_public_address_is_refused(tmp_path, value):
    env = {"LIANXIN_PUBLIC_BASE_URL": value, "LIANXIN_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(RuntimeError, match="LIANXIN_PUBLIC_BASE_URL"):
        config.from_environ(env, instance_path=str(tmp_path))


def test_production_with_the_address_starts_and_the_embedded_default_needs_none(tmp_path):
    settings = config.from_environ(
        {
            "LIANXIN_DATABASE_URL": PG_URL,
            "LIANXIN_SECRET_KEY": "k",
            "LIANXIN_PUBLIC_BASE_URL": "https://lianxin.example.org/",
        },
        instance_path=str(tmp_path),
    )
    assert settings["PUBLIC_BASE_URL"] == "https://lianxin.example.org"
    embedded = config.from_environ({}, instance_path=str(tmp_path))
    assert embedded["PUBLIC_BASE_URL"] == "" and embedded["EMBEDDED"] is True
