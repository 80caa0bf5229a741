"""Domain errors of the briefings module; `api.py` and `views.py` turn them into 409s."""

from __future__ import annotations

from lianxin.errors import Conflict


class AlreadySent(Conflict):
    """A sent briefing never changes: a correction is a new briefing."""

    code = "briefing_sent"


class NoRecipients(Conflict):
    code = "no_recipients"
