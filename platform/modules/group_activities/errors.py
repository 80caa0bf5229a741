"""Domain errors of the group-activities module; `api.py` and `views.py` turn them into 409 and
a flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class GroupRuleBroken(Conflict):
    """An activity, outcome or report breaks a rule of group activities: a day in the future,
    an attendee not of the group, a report after the deadline (where the township refuses late
    reports) or after the session, a second report."""

    code = "group_activity_rule"
