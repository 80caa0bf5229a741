"""The shipped nginx site (`infra/nginx/lianxin.conf`) in front of the real application.

- ProxyFix believes exactly `LIANXIN_TRUSTED_PROXIES` hops of X-Forwarded-For/-Proto (fast).
- `nginx -t` accepts the shipped site as an operator installs it.
- Debian's nginx serves the app on a high port over TLS: a login with its CSRF token and a
  Referer that names the port succeeds (nginx passes the port in `Host`), and every security
  header reaches the browser once (the app owns them; nginx adds only HSTS), so a page that sends
  `Referrer-Policy: no-referrer` is not overridden by a second policy.

The site is used as shipped inside a throwaway nginx.conf (pid, logs and temp paths in the test
folder). Only what an installation changes anyway is rewritten: the listen ports (IPv4 loopback,
high ports; the `[::]` listen lines are dropped), the certificate paths and the upstream address.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug.serving import make_server

from lianxin.app import create_app
from lianxin.web.security import HEADERS
from tests.conftest import base_config, service_missing
from tests.factories import PASSWORD

NGINX = "/usr/sbin/nginx"
SHIPPED = Path(__file__).resolve().parents[2] / "infra" / "nginx" / "lianxin.conf"
TIMEOUT = 10  # seconds, for every request and every wait below

# The app's own headers plus the one nginx adds: each must arrive exactly once.
ONCE = (*HEADERS, "Content-Security-Policy", "Strict-Transport-Security")


# --- ProxyFix: how many hops the app believes ---------------------------------------------------


def _peer_app(tmp_path: Path, hops: int) -> Any:
    """A fresh app (no feature modules) with TRUSTED_PROXIES=hops and a route that shows what
    the app believes about the client."""
    flask_app = create_app(
        {**base_config(tmp_path, f"sqlite:///{tmp_path / 'peer.db'}"), "TRUSTED_PROXIES": hops},
        modules=(),
    )

    @flask_app.get("/_peer")
    def _peer() -> dict[str, Any]:
        from flask import request

        return {"addr": request.remote_addr, "scheme": request.scheme}

    return flask_app


@pytest.mark.parametrize(
    ("hops", "addr", "scheme"),
    [(2, "198.51.100.7", "https"), (1, "10.0.0.2", "http"), (0, "10.0.0.9", "http")],
)
def test_the_app_believes_as_many_proxy_hops_as_lianxin_trusted_proxies(
    tmp_path: Path, hops: int, addr: str, scheme: str
) -> None:
    """Behind a load balancer (HTTPS from the browser, HTTP to nginx) and nginx at 10.0.0.9,
    which append one entry each: with 2 trusted hops the client and its scheme are the second
    entries from the right (the balancer's), with 1 the last (nginx's), with 0 the peer and the
    connection itself; anything further left is the client's own and never believed."""
    client = _peer_app(tmp_path, hops).test_client()
    response = client.get(
        "/_peer",
        headers={
            "X-Forwarded-For": "203.0.113.66, 198.51.100.7, 10.0.0.2",
            "X-Forwarded-Proto": "https, http",
        },
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json() == {"addr": addr, "scheme": scheme}


def test_lianxin_trusted_proxies_comes_from_the_environment(monkeypatch, tmp_path) -> None:
    from lianxin import config

    monkeypatch.setenv("LIANXIN_TRUSTED_PROXIES", "2")
    assert config.from_environ(instance_path=str(tmp_path))["TRUSTED_PROXIES"] == 2


# --- nginx --------------------------------------------------------------------------------------


def _nginx() -> str:
    if not os.access(NGINX, os.X_OK):
        service_missing("nginx", f"{NGINX} not installed (Debian package nginx-light)")
    return NGINX


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"{SHIPPED.name} no longer contains {old!r}: update this test"
    return text.replace(old, new)


def _site(cert: Path, key: Path, http_port: int, https_port: int, upstream: str) -> str:
    """The shipped site with only ports, certificate paths and upstream address changed."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = _replace(text, "/etc/ssl/lianxin/fullchain.pem", str(cert))
    text = _replace(text, "/etc/ssl/lianxin/privkey.pem", str(key))
    text = _replace(text, "server 127.0.0.1:8000;", f"server {upstream};")
    text = _replace(text, "/var/log/nginx/lianxin.access.log", str(cert.parent / "site.log"))
    text, dropped = re.subn(r"(?m)^\s*listen\s+\[::\]:\d+[^;]*;\s*$\n?", "", text)
    assert dropped == 2, "expected one IPv6 listen line per server block"
    ports = {"80": http_port, "443": https_port}
    text, moved = re.subn(
        r"(?m)^(\s*listen\s+)(80|443)\b", lambda m: f"{m[1]}127.0.0.1:{ports[m[2]]}", text
    )
    assert moved == 2, "expected `listen 80` and `listen 443 …` in the shipped site"
    return text


@dataclass
class Nginx:
    prefix: Path
    conf: Path
    cert: Path
    https_port: int

    def argv(self, *args: str) -> list[str]:
        return [
            NGINX,
            "-p",
            f"{self.prefix}/",
            "-e",
            str(self.prefix / "error.log"),
            "-c",
            str(self.conf),
            *args,
        ]

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _prepare(folder: Path, upstream: str) -> Nginx:
    _nginx()
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = _self_signed(folder)
    http_port, https_port = _free_port(), _free_port()
    site = folder / "lianxin.conf"
    site.write_text(_site(cert, key, http_port, https_port, upstream), encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root, workers would drop to an unprivileged user that cannot use the test folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 64; }}
http {{
    access_log {folder / "access.log"};
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {site};
}}
""",
        encoding="utf-8",
    )
    return Nginx(folder, conf, cert, https_port)


def test_nginx_accepts_the_shipped_site(tmp_path: Path) -> None:
    nginx = _prepare(tmp_path / "nginx", upstream="127.0.0.1:8000")
    done = subprocess.run(nginx.argv("-t"), capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr + nginx.error_log()
    assert "test is successful" in done.stderr


# --- the app behind nginx -----------------------------------------------------------------------


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Production-like: CSRF on (with its Referer check on https), one trusted proxy."""
    return {"WTF_CSRF_ENABLED": True, "TRUSTED_PROXIES": 1, "SESSION_COOKIE_SECURE": True}


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The test app on a real HTTP server (127.0.0.1, a free port) in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="lianxin-behind-nginx")
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(TIMEOUT)
        server.server_close()


@pytest.fixture
def nginx(served: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Debian's nginx with the shipped site, TLS on a high loopback port: its base URL and its
    certificate."""
    proxy = _prepare(tmp_path / "nginx", upstream=served)
    process = subprocess.Popen(
        proxy.argv(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx exited: {process.stderr.read() if process.stderr else ''}")
            try:
                socket.create_connection(("127.0.0.1", proxy.https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"nginx did not listen within {TIMEOUT} s: {proxy.error_log()}")
                time.sleep(0.05)
        yield f"https://127.0.0.1:{proxy.https_port}", proxy.cert
    finally:
        process.terminate()
        try:
            process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(TIMEOUT)
        if process.stderr:
            process.stderr.close()


def _each_once(response: requests.Response) -> dict[str, list[str]]:
    """Every value of the headers that must come once, as sent (not comma-joined)."""
    raw = response.raw.headers
    return {name: raw.getlist(name) for name in ONCE}


def _csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert found, "no csrf_token field on the login page"
    return found[1]


@pytest.mark.sqlite_only
def test_login_behind_nginx_on_a_high_port_with_each_header_once(
    nginx: tuple[str, Path], world: Any
) -> None:
    base, cert = nginx
    browser = requests.Session()
    browser.trust_env = False  # no proxy or CA bundle from the environment: 127.0.0.1 only
    browser.verify = str(cert)  # the test's own self-signed certificate

    page = browser.get(f"{base}/login", timeout=TIMEOUT, allow_redirects=False)
    assert page.status_code == 200, page.text[:300]
    headers = _each_once(page)
    assert {name: len(values) for name, values in headers.items()} == dict.fromkeys(ONCE, 1), (
        headers
    )
    assert headers["Strict-Transport-Security"] == ["max-age=31536000; includeSubDomains"]
    assert headers["Referrer-Policy"] == [HEADERS["Referrer-Policy"]]

    # The browser's Referer names the port it used; the app must see the same host:port.
    answer = browser.post(
        f"{base}/login",
        data={
            "username": world.users["platform"].username,
            "password": PASSWORD,
            "csrf_token": _csrf_token(page.text),
        },
        headers={"Referer": f"{base}/login", "Origin": base},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    assert "/login" not in answer.headers["Location"], answer.headers["Location"]
    home = browser.get(f"{base}/", timeout=TIMEOUT)  # signed in: the platform admin's pages
    assert home.status_code == 200, home.text[:300]
    assert home.url == f"{base}/admin/", home.url

    # A page with a tracking code on it sends no referrer at all, and only that policy arrives.
    private = browser.get(
        f"{base}/p/{world.township.slug}/cases/new", timeout=TIMEOUT, allow_redirects=False
    )
    assert private.status_code == 200, private.text[:300]
    assert _each_once(private)["Referrer-Policy"] == ["no-referrer"]
    assert {name: len(values) for name, values in _each_once(private).items()} == dict.fromkeys(
        ONCE, 1
    )

    # One request id in nginx's JSON log and the app's answer; no one-time token in the log.
    token = "setup_" + "Q" * 32
    link = browser.get(
        f"{base}/setup/{token}?code=ABCD-EFGH-JKLM-NPQR", timeout=TIMEOUT, allow_redirects=False
    )
    request_id = link.headers["X-Request-ID"]
    # nginx writes the access line in its log phase, after the answer has left: on a loaded
    # machine the client may read the file first (a clean-clone run failed so), so wait for it.
    deadline = time.monotonic() + 10
    while True:
        lines = (cert.parent / "site.log").read_text(encoding="utf-8").splitlines()
        logged = [json.loads(line) for line in lines]
        if request_id in {entry["request_id"] for entry in logged} or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert request_id in {entry["request_id"] for entry in logged}
    assert "/setup/[redacted]" in {entry["path"] for entry in logged}
    assert token not in "\n".join(lines) and "ABCD-EFGH" not in "\n".join(lines)

    # Readiness (revisions, services' errors) is for the operator on the host, not the public.
    assert browser.get(f"{base}/readyz", timeout=TIMEOUT).status_code == 404
