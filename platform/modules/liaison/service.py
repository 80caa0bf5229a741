"""Use cases of the liaison-chain module (三联, DOMAIN.md §6), by life-cycle stage.

Each year the township keeps a chain of pairs: a committee member (党委委员) keeps in touch with
representatives (default 3 each), a representative with party members (at least 2), a party
member with households (at least 1) — the numbers are township settings. The office suggests
the pairs (last year's first, then by branch and nearness of electoral unit), adjusts them, and
each branch confirms its part (`planning`); any later change to a branch's part asks it to
confirm again. A person is kept in touch by one upper end a year at each level (`links`).

Along each pair, contacts are recorded (when, how, what was raised); a raised issue becomes a
case in the same transaction (`contacts`). A submission carries a one-time client key, so a
phone that resends on a flaky connection stores it once. Every quarter each pair needs at least
N contacts, each representative reports up once, and each committee member holds a liaison
meeting (`reporting`); the compliance view says who is behind (`compliance`), and a sweep
reminds them before the quarter ends — once a quarter and person (`reminders`).

Reads need a membership; the office sees everything, committee members the whole chain, a branch
liaison their branch's part and a representative their own pairs. Ids of another township are
simply not found: every query runs in the township's tenant context. Writes are `@use_case`s:
one transaction each, casework's registration of a raised case included.

Callers write `service.record_contact(...)`: the public names are re-exported here.
"""

from lianxin.modules.liaison.errors import AlreadyLinked, DuplicateKey, NothingToConfirm
from lianxin.modules.liaison.models import Level, Method
from lianxin.modules.liaison.stages.common import (
    CONTACT_SOURCE,
    KIND_LABELS,
    LEVEL_LABELS,
    MEETING_SOURCE,
    METHOD_LABELS,
    MINIMUM_SETTING,
    MODULE_KEY,
    PAIR_PREFIX,
    Person,
    committee_members,
    is_committee,
    is_office,
    liaison_branches,
    own_representative,
    person_of,
    sees_whole_chain,
    settings,
    state_label,
)
from lianxin.modules.liaison.stages.compliance import (
    BranchFigures,
    Compliance,
    PersonDuty,
    can_read_compliance,
    compliance,
    compute_compliance,
    links_due_in,
    my_duty,
)
from lianxin.modules.liaison.stages.contacts import (
    ContactView,
    get_contact,
    list_contacts,
    raise_contact_case,
    record_contact,
)
from lianxin.modules.liaison.stages.links import (
    LinkView,
    add_link,
    can_read_link,
    can_record,
    get_link,
    list_links,
    remove_link,
)
from lianxin.modules.liaison.stages.planning import (
    BranchPart,
    Shortfall,
    Suggestion,
    branch_parts,
    confirm_branch,
    shortfalls,
    suggest,
)
from lianxin.modules.liaison.stages.register import contacts_xlsx
from lianxin.modules.liaison.stages.reminders import (
    chain_of,
    run_daily,
    send_reminders,
)
from lianxin.modules.liaison.stages.reporting import (
    MeetingView,
    get_meeting,
    list_meetings,
    list_reports,
    raise_meeting_case,
    record_meeting,
    submit_report,
)
from lianxin.modules.liaison.stages.waiting import (
    QuarterDuty,
    branches_to_confirm,
    my_quarter,
)

__all__ = [
    "CONTACT_SOURCE",
    "KIND_LABELS",
    "LEVEL_LABELS",
    "MEETING_SOURCE",
    "METHOD_LABELS",
    "MINIMUM_SETTING",
    "MODULE_KEY",
    "PAIR_PREFIX",
    "AlreadyLinked",
    "BranchFigures",
    "BranchPart",
    "Compliance",
    "ContactView",
    "DuplicateKey",
    "Level",
    "LinkView",
    "MeetingView",
    "Method",
    "NothingToConfirm",
    "Person",
    "PersonDuty",
    "QuarterDuty",
    "Shortfall",
    "Suggestion",
    "add_link",
    "branch_parts",
    "branches_to_confirm",
    "can_read_compliance",
    "can_read_link",
    "can_record",
    "chain_of",
    "committee_members",
    "compliance",
    "compute_compliance",
    "confirm_branch",
    "contacts_xlsx",
    "get_contact",
    "get_link",
    "get_meeting",
    "is_committee",
    "is_office",
    "liaison_branches",
    "links_due_in",
    "list_contacts",
    "list_links",
    "list_meetings",
    "list_reports",
    "my_duty",
    "my_quarter",
    "own_representative",
    "person_of",
    "raise_contact_case",
    "raise_meeting_case",
    "record_contact",
    "record_meeting",
    "remove_link",
    "run_daily",
    "sees_whole_chain",
    "send_reminders",
    "settings",
    "shortfalls",
    "state_label",
    "submit_report",
    "suggest",
]
