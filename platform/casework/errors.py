"""Casework's domain errors."""

from __future__ import annotations

from lianxin.errors import Conflict, ValidationFailed


class IllegalTransition(Conflict):
    code = "illegal_transition"


class DeadlineBeyondMaximum(ValidationFailed):
    """A due date past the township's maximum in calendar days from registration: only
    escalation to the county remains."""

    code = "deadline_beyond_maximum"
