"""The modules' absolute links go through `lianxin.web.links` (issue 21): the session check-in
QR code and the evaluation links and codes name the served host in the embedded default, and
no code outside that helper reads the public address or builds an external URL itself."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from lianxin.modules.annual_sessions import views as session_views
from lianxin.modules.evaluations import views as evaluation_views

LAN = "http://192.168.1.20:8080"
PLATFORM = Path(__file__).resolve().parents[2] / "platform"


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.evaluations.module import MODULE as EVALUATIONS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, SESSIONS, EVALUATIONS)


@pytest.fixture
def embedded(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    monkeypatch.setitem(app.config, "EMBEDDED", True)
    return app


def test_check_in_and_evaluation_links_name_the_served_host(embedded):
    township = SimpleNamespace(slug="jia-zhen")
    session = SimpleNamespace(id=7, checkin_token="tok")
    with embedded.test_request_context("/", base_url=LAN):
        checkin = session_views._checkin_url(township, session)
        link = evaluation_views._link_url(township, "evtok")
        code = evaluation_views._code_url(township, 3, "ABCD")
        public = evaluation_views._code_url(township, 3)
    for url in (checkin, link, code, public):
        assert url.startswith(f"{LAN}/"), url
    assert checkin.endswith("/7/checkin/tok") and "evtok" in link and "ABCD" in code


def test_a_configured_address_is_used_by_the_modules_too(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lianxin.example.org")
    township = SimpleNamespace(slug="jia-zhen")
    with app.test_request_context("/", base_url=LAN):
        url = session_views._checkin_url(township, SimpleNamespace(id=7, checkin_token="tok"))
    assert url.startswith("https://lianxin.example.org/")


def test_no_absolute_link_is_built_outside_the_helper():
    """Reading PUBLIC_BASE_URL, `_external=True` or the request's host elsewhere would bring
    back a second, diverging idea of the site's address."""
    allowed = {PLATFORM / "web" / "links.py", PLATFORM / "config.py"}
    pattern = re.compile(r"PUBLIC_BASE_URL|_external\s*=\s*True|host_url|url_root")
    offenders = [
        f"{path.relative_to(PLATFORM)}:{n}"
        for path in sorted(PLATFORM.rglob("*"))
        if path.suffix in {".py", ".html"} and path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
