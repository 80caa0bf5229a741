"""Use cases of the training module (学习培训), by life-cycle stage: scheduling sessions, the
answers and leave requests (`sessions`), a session changed before it starts or cancelled
(`changes`), the check-ins of each day (`attendance`) and by the day's QR code
(`check_in_code`: a code shown on a screen turns every 5 minutes, a printed one is good all its
day), each representative's standing against the township's rules (`standing`),
the spreadsheets (`register`) and the to-do reads (`waiting`).

Callers write `service.schedule_session(...)`. Reads need a membership in the township; the
office schedules, decides leave and takes attendance; a representative answers their own
invitations and sees their own standing. Ids from another township are not found."""

from lianxin.modules.trainings.errors import CheckInCodeExpired, TrainingRuleBroken
from lianxin.modules.trainings.stages.attendance import (
    RollRow,
    check_in,
    check_ins_of,
    default_day,
    page_check_ins,
    rest_of_day,
    roll,
    scanned_ids,
    session_days,
    undo_check_in,
)
from lianxin.modules.trainings.stages.changes import EDITABLE, cancel_session, update_session
from lianxin.modules.trainings.stages.check_in_code import (
    CheckInCode,
    Scan,
    check_in_code,
    scan,
    self_check_in,
)
from lianxin.modules.trainings.stages.common import (
    ANSWER_LABELS,
    AUDIENCE_LABELS,
    CONSEQUENCE_LABELS,
    HALF_LABELS,
    KIND_LABELS,
    LEAVE_LABELS,
    MODULE_KEY,
    current_term,
    find_session,
    invitations_of,
    is_office,
    representative_of,
    settings,
)
from lianxin.modules.trainings.stages.register import register_xlsx, standing_xlsx
from lianxin.modules.trainings.stages.sessions import (
    answer_invitation,
    decide_leave,
    get_invitation,
    get_session,
    list_sessions,
    my_invitation,
    my_invitations,
    page_invitations,
    page_sessions,
    schedule_session,
    session_url,
)
from lianxin.modules.trainings.stages.standing import (
    Quarter,
    Standing,
    compute,
    day_weight,
    held_sessions,
    quarter_bounds,
    quarter_of,
    standings,
)
from lianxin.modules.trainings.stages.waiting import (
    attendance_to_take,
    invitations_to_answer,
    leave_to_decide,
)

__all__ = [
    "ANSWER_LABELS",
    "AUDIENCE_LABELS",
    "CONSEQUENCE_LABELS",
    "EDITABLE",
    "HALF_LABELS",
    "KIND_LABELS",
    "LEAVE_LABELS",
    "MODULE_KEY",
    "CheckInCode",
    "CheckInCodeExpired",
    "Quarter",
    "RollRow",
    "Scan",
    "Standing",
    "TrainingRuleBroken",
    "answer_invitation",
    "attendance_to_take",
    "cancel_session",
    "check_in",
    "check_in_code",
    "check_ins_of",
    "compute",
    "current_term",
    "day_weight",
    "decide_leave",
    "default_day",
    "find_session",
    "get_invitation",
    "get_session",
    "held_sessions",
    "invitations_of",
    "invitations_to_answer",
    "is_office",
    "leave_to_decide",
    "list_sessions",
    "my_invitation",
    "my_invitations",
    "page_check_ins",
    "page_invitations",
    "page_sessions",
    "quarter_bounds",
    "quarter_of",
    "register_xlsx",
    "representative_of",
    "rest_of_day",
    "roll",
    "scan",
    "scanned_ids",
    "schedule_session",
    "self_check_in",
    "session_days",
    "session_url",
    "settings",
    "standing_xlsx",
    "standings",
    "undo_check_in",
    "update_session",
]
