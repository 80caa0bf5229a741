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


class NoticeMissing(Conflict):
    """The advance notice was not sent, or not `notice_days` before the opening."""

    code = "notice_missing"


class OpinionMissing(Conflict):
    """The responsible leader's opinion is not recorded: the committee cannot decide yet."""

    code = "opinion_missing"


class TallyMismatch(Conflict):
    code = "tally_mismatch"


class GradeAboveLimit(Conflict):
    """A grade better than another part's rules allow the representative this year (the
    registry's grade-limit hook: two absences in a row from training bar 优秀 …)."""

    code = "grade_above_limit"


class SessionFilingRefused(Conflict):
    """A city representative's report cannot go among an annual session's documents: the
    annual-sessions module is off, the subject is no city representative, the report is empty
    or the session is over."""

    code = "session_filing_refused"


class AlreadyFiled(Conflict):
    """The report is already among a session's documents and has not changed since, or the
    update was asked for another session than the one it was filed with: nothing is added."""

    code = "already_filed"
