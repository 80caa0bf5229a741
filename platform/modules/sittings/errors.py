"""Domain errors of the sitting-in module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class SittingRuleBroken(Conflict):
    """An invitation, answer, attendance or suggestion breaks a rule of sitting in: the
    meeting's day has passed (or not come), the representative is not invited, not in office,
    or not of the branch whose meeting it is."""

    code = "sitting_rule"
