"""Domain errors of the training module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class TrainingRuleBroken(Conflict):
    """An answer, leave decision or check-in breaks a rule of training: the session is over (or
    has not begun), the day is not one of its days, the representative is not invited."""

    code = "training_rule"


class CheckInCodeExpired(TrainingRuleBroken):
    """The check-in code shown on the office's screen is of a window that is over (or has not
    begun): a photo of it forwarded to one who is not there, or a page left open too long."""

    code = "check_in_code_expired"
