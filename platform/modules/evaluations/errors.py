"""Domain errors of the evaluations module; `api.py` and `views.py` turn them into 409s."""

from __future__ import annotations

from lianxin.errors import Conflict


class FormLocked(Conflict):
    code = "form_locked"


class AlreadyAnswered(Conflict):
    code = "already_answered"


class OutsidePeriod(Conflict):
    code = "outside_period"


class BelowThreshold(Conflict):
    code = "below_threshold"


class NotYetCounted(Conflict):
    code = "not_counted"
