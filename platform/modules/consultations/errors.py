"""Domain errors of the consultations module."""

from lianxin.errors import Conflict


class BelowMinimum(Conflict):
    """Fewer representatives asked than the township's minimum (default 10)."""

    code = "consultation_below_minimum"


class NotOpen(Conflict):
    """The consultation takes no more answers: closed, or past its deadline."""

    code = "consultation_closed"


class AlreadyAnswered(Conflict):
    """Each representative answers once."""

    code = "consultation_answered"
