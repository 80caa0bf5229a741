"""Domain errors of the reception-days module; `api.py` and `views.py` turn them into 409s."""

from __future__ import annotations

from lianxin.errors import Conflict


class PairingRuleBroken(Conflict):
    """A site of a coming day would have too few representatives or no basic-level cadre."""

    code = "pairing_rule"


class ShortNotice(Conflict):
    """A published day would be announced fewer than `notice_days` before it, with no reason."""

    code = "short_notice"


class CalendarEstimated(Conflict):
    """The year's official holidays are not known, and publishing was not confirmed."""

    code = "calendar_estimated"
