"""Domain errors of the inspections module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class InspectionRuleBroken(Conflict):
    """A plan breaks a rule: the team's size, or the plan sent to the units too late."""

    code = "inspection_rule"


class WrongState(Conflict):
    """The step does not fit where the inspection is (a report before the visit …)."""

    code = "inspection_state"
