"""Absolute links: the one place that decides which address a link, QR code or message names.

Every link that leaves the page it is built on — a set-up link, a 连心卡 or check-in QR code, an
evaluation link, the tracking page on a receipt, the link in an email, SMS or WeCom message —
is built here, so that it names the address people actually reach:

- `LIANXIN_PUBLIC_BASE_URL`, when set, always wins. Production must set it (`lianxin.config`
  refuses to start without it): the address of a link sent by email must not depend on a Host
  header a client chose.
- Unset (the embedded default, for trying the platform and for development), a link built
  while serving a request uses that request's scheme and host:port (`request.host_url`, which
  honours the trusted proxies' X-Forwarded-Proto through ProxyFix): the phone that scanned
  the code on `http://192.168.1.20:8080` comes back to that address, not to 127.0.0.1.
- Unset and outside a request (a Celery task, the CLI): the embedded default's address
  `http://127.0.0.1:5000` (what `make run` serves); outside the embedded default this raises.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

EMBEDDED_BASE_URL = "http://127.0.0.1:5000"


class NoPublicAddress(RuntimeError):
    """No public address is configured outside the embedded default."""


def configured_base() -> str:
    """`LIANXIN_PUBLIC_BASE_URL` without its trailing slash, or '' when unset."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")


def base_url() -> str:
    """The scheme, host[:port] and any path prefix links start with (no trailing slash)."""
    configured = configured_base()
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    if current_app.config.get("EMBEDDED", True):
        return EMBEDDED_BASE_URL
    raise NoPublicAddress(
        "LIANXIN_PUBLIC_BASE_URL is not set: links built outside a request need the public "
        "address of the site (e.g. https://lianxin.example.org)"
    )


def public_url(endpoint: str, /, *, _anchor: str | None = None, **values: Any) -> str:
    """The absolute address of `endpoint` (url_for's arguments; `_anchor` is the fragment)."""
    configured = configured_base()
    if not configured and has_request_context():
        return url_for(endpoint, _external=True, _anchor=_anchor, **values)
    base = configured or base_url()
    parts = urlsplit(base)
    # Built against the public address, not the request's: its path prefix (an app served
    # under /lianxin) is the script root, and a request's own script root does not apply.
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    path = adapter.build(endpoint, values, force_external=False)
    url = f"{parts.scheme}://{parts.netloc}{path}"
    return f"{url}#{_anchor}" if _anchor else url


def absolute(link: str | None) -> str | None:
    """A stored link (a path such as `/t/jia-zhen/cases/1`) made absolute; a full URL as it is."""
    if not link:
        return None
    if link.startswith(("http://", "https://")):
        return link
    return base_url() + "/" + link.lstrip("/")
