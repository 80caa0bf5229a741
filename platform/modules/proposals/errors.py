"""Domain errors of the proposals module, which `api.py` and `views.py` turn into a 409."""

from __future__ import annotations

from lianxin.errors import Conflict


class IllegalTransition(Conflict):
    code = "illegal_transition"


class ThresholdNotMet(Conflict):
    code = "signers_threshold"


class SubmissionClosed(Conflict):
    code = "submission_closed"
