"""Security headers on every response, and the per-request nonce of the few inline blocks.

The content-security policy allows scripts and style sheets only from this origin, plus the
`<script>`/`<style>` blocks that carry this response's nonce (`{{ csp_nonce() }}`): an injected
`<script>` or `on…=` handler does not run even if escaping were ever missed. Inline `style="…"`
attributes stay allowed (`style-src-attr`): they cannot run code, and the templates use them
for one-off layout. nginx adds HSTS (it terminates TLS) and no other of these headers, so that
a policy is set in one place only.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, request

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


NONCE_KEY = "lianxin.csp_nonce"


def csp_nonce() -> str:
    """This response's nonce, made on first use. Kept on the request, not on `g`: an app
    context (and its `g`) may outlive one request, and a nonce must never be reused."""
    environ = request.environ
    if NONCE_KEY not in environ:
        environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return str(environ[NONCE_KEY])


def content_security_policy(nonce: str | None) -> str:
    inline = f" 'nonce-{nonce}'" if nonce else ""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self'{inline}",
            f"style-src 'self'{inline}",
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        )
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = content_security_policy(
            request.environ.get(NONCE_KEY)
        )
        for name, value in HEADERS.items():
            # A route may ask for stricter (a one-time link page sends no referrer at all).
            response.headers.setdefault(name, value)
        return response
