"""Where to go back to after signing in or switching a preference: this site only.

`?next=/%09/evil.example` decodes to "/\t/evil.example", which browsers read as
"//evil.example" (they drop tabs and newlines from URLs, and treat "\\" as "/"); a newline in a
Location header was a 500. So a target must be a plain relative path of this site: it starts
with one "/", has no scheme or host, no backslash, and no control, format or separator
character anywhere (`str.isprintable` allows only the ordinary space among those).
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 2000


def is_safe_path(target: str | None) -> bool:
    if not target or len(target) > MAX_LENGTH or not target.isprintable():
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path of this site, else `default`."""
    return target if target is not None and is_safe_path(target) else default


def same_site_path(url: str | None, host: str) -> str | None:
    """The path (and query) of an absolute URL of this host, e.g. a Referer; None otherwise."""
    if not url or not url.isprintable():
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_safe_path(path) else None
