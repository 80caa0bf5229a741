"""Domain errors of the annual-session module, which `api.py` and `views.py` turn into a 409."""

from __future__ import annotations

from lianxin.errors import Conflict


class QuorumNotMet(Conflict):
    code = "quorum_not_met"


class AgendaClosed(Conflict):
    code = "agenda_closed"


class AlreadyVoted(Conflict):
    code = "already_voted"


class VoteClosed(Conflict):
    code = "vote_closed"
