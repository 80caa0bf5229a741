"""The briefings module's use cases as callers see them (API, pages, tasks, other parts): the
stages' public names, re-exported. A briefing is drafted (drafting.py), sent (sending.py), read
with a receipt (reading.py) and, unread after N days, reminded once (reminders.py)."""

from lianxin.modules.briefings.errors import AlreadySent, NoRecipients
from lianxin.modules.briefings.stages.common import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    MODULE_KEY,
    STATE_LABELS,
    find_briefing,
    get_briefing,
    is_office,
    own_representative,
    settings,
)
from lianxin.modules.briefings.stages.drafting import (
    attach_file,
    briefing_files,
    create_briefing,
    delete_draft,
    files_of,
    list_briefings,
    page_briefings,
    remove_file,
    update_briefing,
)
from lianxin.modules.briefings.stages.reading import (
    Counts,
    Receipt,
    corrections_of,
    export_receipts,
    export_register,
    issue_link,
    linked_file,
    my_receipt,
    read_briefing,
    read_by_link,
    read_counts,
    receipts,
)
from lianxin.modules.briefings.stages.reminders import remind_briefing, remind_due
from lianxin.modules.briefings.stages.sending import (
    audience_of,
    audience_size,
    reading_link,
    send_briefing,
)
from lianxin.modules.briefings.stages.waiting import my_unread, unread_past_due

__all__ = [
    "AUDIENCE_LABELS",
    "KIND_LABELS",
    "MODULE_KEY",
    "STATE_LABELS",
    "AlreadySent",
    "Counts",
    "NoRecipients",
    "Receipt",
    "attach_file",
    "audience_of",
    "audience_size",
    "briefing_files",
    "corrections_of",
    "create_briefing",
    "delete_draft",
    "export_receipts",
    "export_register",
    "files_of",
    "find_briefing",
    "get_briefing",
    "is_office",
    "issue_link",
    "linked_file",
    "list_briefings",
    "my_receipt",
    "my_unread",
    "own_representative",
    "page_briefings",
    "read_briefing",
    "read_by_link",
    "read_counts",
    "reading_link",
    "receipts",
    "remind_briefing",
    "remind_due",
    "remove_file",
    "send_briefing",
    "settings",
    "unread_past_due",
    "update_briefing",
]
