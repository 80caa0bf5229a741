"""A county drilling down reads one township and writes nothing there: county/drill.py refuses
every request to the township but GET. Its pages are the office's, so each form that would post
to the township is made read-only before the page is sent: its buttons are taken out and its
fields disabled (an edit form is also how a record is shown, so its values stay readable). The
viewer is offered no button that could only answer 403. The rule stays drill.py's; this only
hides what it refuses.

The page's other forms stay: logging out, large text and leaving the drill-down post elsewhere,
and a search (GET) is reading. A form cannot hold another (HTML), so a form ends at the first
`</form>` after it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, g, request

_FORM = re.compile(r"(<form\b[^>]*>)(.*?)(</form>)", re.S | re.I)
_POSTS = re.compile(r"""\smethod\s*=\s*["']?post\b""", re.I)
_ACTION = re.compile(r"""\saction\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_BUTTONS = re.compile(
    r"<button\b.*?</button>|<input\b[^>]*\btype\s*=\s*[\"']?(?:submit|image|reset)\b[^>]*>",
    re.S | re.I,
)
READ_ONLY = '<fieldset class="read-only" disabled>'


def without_township_writes(html: str, township_slug: str, page_path: str) -> str:
    """The page with its forms that post to the township made read-only (a form without an
    action posts to the page itself)."""
    inside = f"/t/{township_slug}/"

    def read_only(match: re.Match[str]) -> str:
        start, body, end = match.groups()
        if not _POSTS.search(start):
            return match.group(0)
        action = _ACTION.search(start)
        target = (action.group(1) or action.group(2)) if action else ""
        if not (urlsplit(target).path if target else page_path).startswith(inside):
            return match.group(0)
        return f"{start}{READ_ONLY}{_BUTTONS.sub('', body)}</fieldset>{end}"

    return _FORM.sub(read_only, html)


def init_app(app: Flask) -> None:
    @app.after_request
    def _drill_down_reads_only(response: Response) -> Response:
        township = g.get("drill_down")
        if township is None or response.mimetype != "text/html" or response.direct_passthrough:
            return response
        page = response.get_data(as_text=True)
        response.set_data(without_township_writes(page, township.slug, request.path))
        return response
