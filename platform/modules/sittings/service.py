"""Use cases of the sitting-in module (列席), by life-cycle stage: planning the meetings and
recording who came (`meetings`), inviting in batches by rotation and the answers
(`invitations`), the suggestions made there (`suggestions`), the register's spreadsheet
(`register`) and the to-do reads (`waiting`).

Callers write `service.plan_meeting(...)`. Reads need a membership in the township; the office
(permissions.can_work_in_office) plans, invites and records; a representative answers their own
invitations and may record their own suggestions. Ids from another township are not found."""

from lianxin.modules.sittings.errors import SittingRuleBroken
from lianxin.modules.sittings.stages.common import (
    ANSWER_LABELS,
    KIND_LABELS,
    MODULE_KEY,
    OUTCOME_LABELS,
    SOURCE_TYPE,
    Standing,
    current_term,
    find_meeting,
    is_office,
    not_yet,
    representative_of,
    settings,
    standings,
)
from lianxin.modules.sittings.stages.invitations import (
    answer_invitation,
    get_invitation,
    invite_batch,
    meeting_url,
    my_invitation,
    my_invitations,
    propose_batch,
    rotation,
)
from lianxin.modules.sittings.stages.meetings import (
    get_meeting,
    invitations_of,
    list_meetings,
    page_invitations,
    page_meetings,
    plan_meeting,
    record_attendance,
)
from lianxin.modules.sittings.stages.register import register_xlsx
from lianxin.modules.sittings.stages.suggestions import (
    CASE_CHANNEL,
    answer_suggestion,
    get_suggestion,
    page_suggestions,
    record_suggestion,
    suggestion_to_case,
    suggestions_of,
)
from lianxin.modules.sittings.stages.waiting import (
    invitations_to_answer,
    meetings_to_attend,
    not_yet_sat_in,
    suggestions_unanswered,
)

__all__ = [
    "ANSWER_LABELS",
    "CASE_CHANNEL",
    "KIND_LABELS",
    "MODULE_KEY",
    "OUTCOME_LABELS",
    "SOURCE_TYPE",
    "SittingRuleBroken",
    "Standing",
    "answer_invitation",
    "answer_suggestion",
    "current_term",
    "find_meeting",
    "get_invitation",
    "get_meeting",
    "get_suggestion",
    "invitations_of",
    "invitations_to_answer",
    "invite_batch",
    "is_office",
    "list_meetings",
    "meeting_url",
    "meetings_to_attend",
    "my_invitation",
    "my_invitations",
    "not_yet",
    "not_yet_sat_in",
    "page_invitations",
    "page_meetings",
    "page_suggestions",
    "plan_meeting",
    "propose_batch",
    "record_attendance",
    "record_suggestion",
    "register_xlsx",
    "representative_of",
    "rotation",
    "settings",
    "standings",
    "suggestion_to_case",
    "suggestions_of",
    "suggestions_unanswered",
]
