"""Use cases of the proposals module (提案, 建议意见, 质询; DOMAIN.md §3).

A representative drafts; for a proposal (提案) they invite co-signers, who sign or decline from
their own accounts, and submit once enough signers in office at that moment have signed (or
in the name of their representative group); the list is frozen at submission. The proposal
office (the township's liaison office) accepts it with a number, merges it, turns it into a
suggestion, or does not accept it with a written reason; assigns it to one lead unit and
co-units with a deadline; decides the units' extension requests; units contact the author and
answer in writing; the author rates the answer; unsatisfied goes back to the office to be
assigned again. An inquiry (质询) is answered by the Party committee, individually or publicly.

Reads need a membership and visibility (the author and signers their own, units what was
assigned to them, the office and the committee everything submitted); ids of another township
are simply not found: every query runs in the township's tenant context.

One file per life-cycle stage: `common` (who is who, visibility, the step, its event and
notices), `drafting` (windows, drafts, files), `signing` (co-signing, submission), `review`
(立案 … and publication), `handling` (assignment, answers, extensions, rating), `due_dates`
(deadlines, reminders, recounting) and `reports`. Callers keep writing `service.submit(...)`.
Each public write is a `@use_case` (`lianxin.usecases`): called from a route or a task it
commits, called from another use case it only flushes; nothing here calls `commit()`. Each takes
typed input: ids, one or two plain values (a reason, an answer, a rating), or the frozen
dataclass its schema in `inputs.py` loads (a draft, a change to it, a window, an assignment),
the same schema for the API and the pages; errors are in `lianxin.modules.proposals.errors`.
"""

from __future__ import annotations

from lianxin.modules.proposals.errors import IllegalTransition, SubmissionClosed, ThresholdNotMet
from lianxin.modules.proposals.inputs import WindowInput
from lianxin.modules.proposals.stages.common import (
    MODULE_KEY,
    RATING_LABELS,
    get_proposal,
    history,
    is_committee,
    is_office,
    list_proposals,
    page_of_proposals,
    representative_of,
    settings,
)
from lianxin.modules.proposals.stages.drafting import (
    add_window,
    attach,
    create_draft,
    delete_window,
    draft_from_case,
    files_of,
    linked_cases,
    list_windows,
    open_window,
    submission_open,
    update_draft,
)
from lianxin.modules.proposals.stages.due_dates import (
    Due,
    ListedDue,
    due_of,
    recompute_estimated,
    send_reminders,
)
from lianxin.modules.proposals.stages.handling import (
    answer,
    answer_inquiry,
    assign,
    assignments,
    contact_author,
    decide_extension,
    extensions,
    rate,
    request_extension,
    return_to_office,
)
from lianxin.modules.proposals.stages.paper import (
    BlankForm,
    blank_form,
    register_from_paper,
    signers_to_pick,
)
from lianxin.modules.proposals.stages.reports import (
    Dashboard,
    ReportRow,
    UnitRow,
    dashboard,
    handling_report,
    lead_groups,
    member_representatives,
    report_xlsx,
    unit_choices,
)
from lianxin.modules.proposals.stages.review import (
    accept,
    author_name,
    author_names,
    close,
    convert_to_suggestion,
    lead_unit_name,
    merge,
    public_get,
    public_list,
    reject,
    set_published,
)
from lianxin.modules.proposals.stages.signing import (
    Threshold,
    decline,
    invite,
    sign,
    signatures,
    submit,
    threshold,
)
from lianxin.modules.proposals.stages.waiting import (
    inquiries_waiting,
    office_waiting,
    representative_waiting,
    unit_waiting,
)

__all__ = [
    "MODULE_KEY",
    "RATING_LABELS",
    "BlankForm",
    "Dashboard",
    "Due",
    "IllegalTransition",
    "ListedDue",
    "ReportRow",
    "SubmissionClosed",
    "Threshold",
    "ThresholdNotMet",
    "UnitRow",
    "WindowInput",
    "accept",
    "add_window",
    "answer",
    "answer_inquiry",
    "assign",
    "assignments",
    "attach",
    "author_name",
    "author_names",
    "blank_form",
    "close",
    "contact_author",
    "convert_to_suggestion",
    "create_draft",
    "dashboard",
    "decide_extension",
    "decline",
    "delete_window",
    "draft_from_case",
    "due_of",
    "extensions",
    "files_of",
    "get_proposal",
    "handling_report",
    "history",
    "inquiries_waiting",
    "invite",
    "is_committee",
    "is_office",
    "lead_groups",
    "lead_unit_name",
    "linked_cases",
    "list_proposals",
    "list_windows",
    "member_representatives",
    "merge",
    "office_waiting",
    "open_window",
    "page_of_proposals",
    "public_get",
    "public_list",
    "rate",
    "recompute_estimated",
    "register_from_paper",
    "reject",
    "report_xlsx",
    "representative_of",
    "representative_waiting",
    "request_extension",
    "return_to_office",
    "send_reminders",
    "set_published",
    "settings",
    "sign",
    "signatures",
    "signers_to_pick",
    "submission_open",
    "submit",
    "threshold",
    "unit_choices",
    "unit_waiting",
    "update_draft",
]
