"""Use cases of casework: register, triage, route, answer, feed back, rate, archive, escalate.

Every state change goes through `_move` (common.py), which checks the transition table
(states.py), records who and when in `case_events`, and audits; an illegal step raises
IllegalTransition. One file per stage of a case's life; callers keep `service.register(...)`.
"""

from lianxin.casework import deadlines  # callers read `service.deadlines` as before
from lianxin.casework.errors import (
    DeadlineBeyondMaximum,
    IllegalTransition,
)
from lianxin.casework.stages.common import (
    CATEGORIES,
    CODE_ALPHABET,
    CODE_LENGTH,
    _move,
    _office_user_ids,
    _unit_user_ids,
    _visible,
    code_digest,
    get_case,
    is_office,
    new_tracking_code,
    received_on,
    representative_of,
    rule_for,
    unit_ids_of,
)
from lianxin.casework.stages.escalation import (
    county_answer,
    county_queue,
    escalate,
    get_escalation,
)
from lianxin.casework.stages.handling import (
    archive,
    decide_extension,
    give_feedback,
    handle_on_spot,
    mark_inadmissible,
    rate,
    reassign,
    receive,
    record_rating,
    refer,
    request_extension,
    return_to_office,
    unit_reply,
)
from lianxin.casework.stages.intake import (
    RECORDING_ROLES,
    NewCase,
    find_by_code,
    rate_by_code,
    register,
)
from lianxin.casework.stages.records import (
    CaseRow,
    attach,
    attachments,
    attachments_of,
    flag,
    history,
    history_of,
    list_cases,
)
from lianxin.casework.stages.reminders import (
    _responsible_user_ids,
    recompute_estimated,
    send_reminders,
)

__all__ = [
    "CATEGORIES",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "RECORDING_ROLES",
    "CaseRow",
    "DeadlineBeyondMaximum",
    "IllegalTransition",
    "NewCase",
    "_move",
    "_office_user_ids",
    "_responsible_user_ids",
    "_unit_user_ids",
    "_visible",
    "archive",
    "attach",
    "attachments",
    "attachments_of",
    "code_digest",
    "county_answer",
    "county_queue",
    "deadlines",
    "decide_extension",
    "escalate",
    "find_by_code",
    "flag",
    "get_case",
    "get_escalation",
    "give_feedback",
    "handle_on_spot",
    "history",
    "history_of",
    "is_office",
    "list_cases",
    "mark_inadmissible",
    "new_tracking_code",
    "rate",
    "rate_by_code",
    "reassign",
    "receive",
    "received_on",
    "recompute_estimated",
    "record_rating",
    "refer",
    "register",
    "representative_of",
    "request_extension",
    "return_to_office",
    "rule_for",
    "send_reminders",
    "unit_ids_of",
    "unit_reply",
]
