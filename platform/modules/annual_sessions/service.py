"""Use cases of the annual-session module (年会, DOMAIN.md §4).

A session has the representatives who should attend (应到: those in office on its date). Items
(议题) are proposed before a deadline by the committee, a representative group or several
representatives jointly; items from N+ representatives or 2+ groups are on the agenda by rule,
the committee decides the rest (a reason when it declines); during the session a new item
needs N+ groups (`session_item_groups`, 2 by default) or 1/10 of the representatives. Once
fixed, the agenda goes to every representative, as every resolution does: by inbox with an
account, by SMS without one (a phone on the roll); which channel reached whom is recorded
(`Delivery`) and shown to the office. The session opens only with 4/5 of 应到 present.

Both deadlines and the listing rule are township settings (issue 23; the seeds differ): the
committee's items close `agenda_days_before` days before the first day, the groups' and
representatives' `group_agenda_days_before` days before (10 and 10 by default, 001张家港; 20 and
15 in 001方案), and with `mandatory_listing` off the committee decides every item (001方案).
Observers (列席人员, `stages/observers.py`) are recorded and checked in apart from the roll.

A session may span days (`held_on` to `ends_on`). Check-in is open on any of its days (the
Asia/Shanghai date) and counts once for the whole session: the quorum and 到会 are the
session's, not a day's — whoever checked in on any day is 到会 (the seeds count "到会代表" per
会议, and the session opens once). Leave is asked from a day (`leave_from`, never a day already
past) to the last: before opening for the whole session by default, after opening for the days
that remain. One who checked in and then left with leave stays 到会 (`Roll.left_early`), but is
no longer "here" from the leave's first day: a vote counted on those present leaves them out.

Motions pass with more than half of 应到. Elections and personnel items are secret ballots,
online or on paper (two tellers who must agree, under a scrutineer).

Secret ballots (ARCHITECTURE.md §6, lianxin.db.anonymous): the receipt (who voted) commits with
the ballot sealed under the vote's own key, which the database never holds; the worker opens
pooled ballots into `as_ballots` with fresh random keys in shuffled batches of at least K (the
`ballot_batch` setting, frozen when the vote is created); nothing about a ballot names its
voter or its time; the tally exists only after the vote has closed and been counted, and only
from K ballots.

One file per life-cycle stage: `common` (settings, lookups, who is who, audit), `planning` (the
session, its documents, the proposal window), `agenda`, `attendance` (leave, check-in, the roll,
opening and closing), `votes`, `secret_ballots` (sealed online ballots, their release and count)
and `resolutions` (with the session's report). Callers keep writing `service.create_vote(...)`.
"""

from __future__ import annotations

from lianxin.modules.annual_sessions.errors import (
    AgendaClosed,
    AlreadyVoted,
    QuorumNotMet,
    VoteClosed,
)
from lianxin.modules.annual_sessions.stages.agenda import (
    DeliveryReport,
    DeliveryRow,
    Support,
    decide_item,
    deliveries,
    fix_agenda,
    get_item,
    items,
    join_item,
    join_item_as_group,
    notice_key,
    propose_item,
    support_of,
)
from lianxin.modules.annual_sessions.stages.archive import archive_report
from lianxin.modules.annual_sessions.stages.attendance import (
    Roll,
    attendance,
    check_in,
    checkin_token_matches,
    close_session,
    decide_leave,
    open_session,
    quorum_needed,
    request_leave,
    roll,
    self_check_in,
)
from lianxin.modules.annual_sessions.stages.common import (
    CHOICES,
    COUNT_TOPIC,
    MODULE_KEY,
    SECRET_KINDS,
    is_committee,
    is_office,
    settings,
)
from lianxin.modules.annual_sessions.stages.observers import (
    OBSERVER_KINDS,
    ObserverCount,
    add_observer,
    check_in_observer,
    get_observer,
    observer_count,
    observers,
    observers_xlsx,
    remove_observer,
)
from lianxin.modules.annual_sessions.stages.planning import (
    AgendaRules,
    Planned,
    WindowOffer,
    add_document,
    agenda_deadline,
    agenda_rules,
    create_session,
    documents,
    expected_count,
    expected_reps,
    get_session,
    list_sessions,
    open_proposal_window,
    plan_session,
    proposal_window_dates,
    session_days,
)
from lianxin.modules.annual_sessions.stages.registers import attendance_xlsx, roll_matches
from lianxin.modules.annual_sessions.stages.resolutions import (
    SessionReport,
    create_resolution,
    public_resolutions,
    report_implementation,
    resolutions,
    session_report,
    set_resolution_published,
)
from lianxin.modules.annual_sessions.stages.secret_ballots import (
    cast_secret,
    count_closed_vote,
    release_ballots,
    release_open_votes,
    turnout,
    voted,
)
from lianxin.modules.annual_sessions.stages.votes import (
    candidates,
    cast_named,
    close_vote,
    create_vote,
    enter_paper_tally,
    get_vote,
    passes,
    record_hands,
    reset_paper_tally,
    result,
    tally_status,
    votes,
)
from lianxin.modules.annual_sessions.stages.waiting import (
    items_to_decide,
    leave_requests,
    next_session,
)

__all__ = [
    "CHOICES",
    "COUNT_TOPIC",
    "MODULE_KEY",
    "OBSERVER_KINDS",
    "SECRET_KINDS",
    "AgendaClosed",
    "AgendaRules",
    "AlreadyVoted",
    "DeliveryReport",
    "DeliveryRow",
    "ObserverCount",
    "Planned",
    "QuorumNotMet",
    "Roll",
    "SessionReport",
    "Support",
    "VoteClosed",
    "WindowOffer",
    "add_document",
    "add_observer",
    "agenda_deadline",
    "agenda_rules",
    "archive_report",
    "attendance",
    "attendance_xlsx",
    "candidates",
    "cast_named",
    "cast_secret",
    "check_in",
    "check_in_observer",
    "checkin_token_matches",
    "close_session",
    "close_vote",
    "count_closed_vote",
    "create_resolution",
    "create_session",
    "create_vote",
    "decide_item",
    "decide_leave",
    "deliveries",
    "documents",
    "enter_paper_tally",
    "expected_count",
    "expected_reps",
    "fix_agenda",
    "get_item",
    "get_observer",
    "get_session",
    "get_vote",
    "is_committee",
    "is_office",
    "items",
    "items_to_decide",
    "join_item",
    "join_item_as_group",
    "leave_requests",
    "list_sessions",
    "next_session",
    "notice_key",
    "observer_count",
    "observers",
    "observers_xlsx",
    "open_proposal_window",
    "open_session",
    "passes",
    "plan_session",
    "proposal_window_dates",
    "propose_item",
    "public_resolutions",
    "quorum_needed",
    "record_hands",
    "release_ballots",
    "release_open_votes",
    "remove_observer",
    "report_implementation",
    "request_leave",
    "reset_paper_tally",
    "resolutions",
    "result",
    "roll",
    "roll_matches",
    "self_check_in",
    "session_days",
    "session_report",
    "set_resolution_published",
    "settings",
    "support_of",
    "tally_status",
    "turnout",
    "voted",
    "votes",
]
