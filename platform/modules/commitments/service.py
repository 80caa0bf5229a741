"""Use cases of the commitment module (公开承诺: 承诺、亮诺、践诺、述诺、评诺), by life-cycle
stage: writing, approving and returning commitments (`writing`), progress notes and the close
(`keeping`), the lists, the board, the yearly minimum and the register (`board`), and the to-do
reads (`waiting`) and the daily reminder (`reminders`).

Callers write `service.create_commitment(...)`. Reads need a membership in the township (the
public board needs none); the office approves, returns, closes and may enter a commitment for a
representative; a representative writes, revises and reports on their own. Ids from another
township are not found."""

from lianxin.modules.commitments.errors import CommitmentRuleBroken
from lianxin.modules.commitments.stages.board import (
    BoardRow,
    Shortfall,
    board,
    board_for,
    list_commitments,
    my_commitments,
    page_commitments,
    register_xlsx,
    shortfalls,
    tally,
)
from lianxin.modules.commitments.stages.common import (
    MODULE_KEY,
    ON_TRACK,
    OUTCOME_LABELS,
    OVERDUE,
    STATE_LABELS,
    STATUS_LABELS,
    commitment_url,
    get_commitment,
    is_office,
    is_own,
    representative_of,
    settings,
    short,
    state_of,
)
from lianxin.modules.commitments.stages.keeping import (
    add_progress,
    close_commitment,
    page_progress,
    progress_of,
)
from lianxin.modules.commitments.stages.reminders import remind_due
from lianxin.modules.commitments.stages.waiting import (
    due_soon,
    overdue,
    returned_to_me,
    to_approve,
    to_report,
)
from lianxin.modules.commitments.stages.writing import (
    approve_commitment,
    create_commitment,
    representatives_in_office,
    return_commitment,
    revise_commitment,
)

__all__ = [
    "MODULE_KEY",
    "ON_TRACK",
    "OUTCOME_LABELS",
    "OVERDUE",
    "STATE_LABELS",
    "STATUS_LABELS",
    "BoardRow",
    "CommitmentRuleBroken",
    "Shortfall",
    "add_progress",
    "approve_commitment",
    "board",
    "board_for",
    "close_commitment",
    "commitment_url",
    "create_commitment",
    "due_soon",
    "get_commitment",
    "is_office",
    "is_own",
    "list_commitments",
    "my_commitments",
    "overdue",
    "page_commitments",
    "page_progress",
    "progress_of",
    "register_xlsx",
    "remind_due",
    "representative_of",
    "representatives_in_office",
    "return_commitment",
    "returned_to_me",
    "revise_commitment",
    "settings",
    "short",
    "shortfalls",
    "state_of",
    "tally",
    "to_approve",
    "to_report",
]
