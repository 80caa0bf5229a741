"""Domain errors of the by-elections module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class OutOfOrder(Conflict):
    """A step taken out of the six steps' order, or an action at the wrong step."""

    code = "step_order"


class NoticeRunning(Conflict):
    """The public notice period has not ended: no review yet."""

    code = "notice_period"


class MarginShort(Conflict):
    """Fewer candidates than the seats and the township's margin (差额幅度) need."""

    code = "margin"


class QuotaShort(Conflict):
    """The candidates passing the review do not meet a structure quota (结构名额)."""

    code = "quota"


class AlreadyVoted(Conflict):
    code = "already_voted"
