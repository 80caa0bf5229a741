"""Domain errors of the workstations module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lianxin.errors import Conflict


class RosterRuleBroken(Conflict):
    """A shift breaks a roster rule: qualification, overlap or the publication lead time."""

    code = "roster_rule"


class CalendarEstimated(Conflict):
    """A shift falls in a year whose official holidays are not known, and publishing was not
    confirmed."""

    code = "calendar_estimated"


# What the office ticks to confirm the estimate (the form's checkbox, the API error's field).
CONFIRM_ESTIMATED = _l("该年度国家节假日尚未公布，日期按周一至周五预估，确认发布")
