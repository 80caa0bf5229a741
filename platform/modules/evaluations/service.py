"""Use cases of the evaluations module (评议, DOMAIN.md §5), by stage of a campaign.

A campaign has a shape (representatives evaluate the 两委委员; party members their
representative's duty report; representatives the township departments; the public a station or
the township), a period, subjects with their duty reports, and a form: dimensions with weights
scored on a scale, an overall grade (优秀 / 称职 / 不称职) and an optional comment. The form is
fixed once the campaign opens; so are the eligible raters, who answer from their account or
through a one-time link (the public through one-answer codes).

Anonymity (ARCHITECTURE.md §6, lianxin.db.anonymous): the receipt (who answered) commits with
the answers sealed under the campaign's own key, which the database never holds; the worker
releases them into `ev_answers` with fresh random keys in shuffled batches of at least K per
subject (K and the batch frozen when the campaign opens). No audit entry, log line or task
argument names a rater next to an answer. While the campaign runs the office sees only how
many have answered; results, comments and grades exist once it has closed and the worker has
counted, only from K answers a subject, comments only as a sorted list, and every reading
before publication is audited. The subject of a campaign never reads his own result before it
is published and never decides his own grade: the office proposes, committee members decide.

“无法评价” (a township setting, on by default, frozen on the campaign when it opens): a rater who
does not know a subject answers that instead of scores, and still submits the rest; every
subject needs scores or “无法评价”. It is an answer like any other to the sealing: the same
padded size, the same pool, the same batches of at least K (all answers of a subject, whatever
they say), so the database cannot tell it from a grade. It counts neither for nor against: the
scores, grades, means and proposed grade come from the real grades only, and a subject's result
is shown only from K *real* grades — with K−1 grades and any number of “无法评价” nothing is
shown, not even the two numbers (they would tell how many graded). Shown, the number of
“无法评价” stands apart; a subject every released answer of which says “无法评价” reads
“无有效评价” (with that number), never a mean of 0.

As the seeds run them (001 张家港 第六节, 001 果园, 001方案 (8)): an evaluation group (评议小组,
a leader and two members from the group leaders or the committee) set by the office runs the
campaign — the advance notice to those evaluated (through the outbox; the opening waits
`notice_days` Shanghai days after it), the opening, links and paper forms, reminders, the close —
and nothing else. Raters beyond representatives (机关干部, 村书记/主任, 单位负责人) are named by the
office and counted as categories of their own: answers are pooled with their category in the
clear (the receipt tells it anyway) and released per subject and category in batches of at
least K; at the close the categories below K go together (合并) if together they reach K, and
are withheld unopened otherwise, so a category is shown apart only from K answers. Paper forms
are keyed in by two tellers (the annual session's double tally): a teller's entry is one sealed
value, the forms count only when both entries agree, and are then shuffled into the same pool
(`paper`). The committee may be evaluated as a body and city representatives by name (subject
kinds); the responsible leader's opinion is recorded before the committee decides (a setting,
on by default); a committee member graded 不称职 is reported to the county's administrators
through the outbox and counted in the county's figure `evaluations_unfit_count`.

By stage: `campaigns` (drafting the form), `draft_subjects` (subjects, duty reports), `opening`
(raters, links, the close), `running` (the group, the notice, named raters, paper handed out),
`answering` (sealed with the receipt), `paper` (the tellers' double entry), `release` (the
worker's release and the count), `grading` (results, grades, the leader's opinion, the report
to the county, publication), `reminders`, `session_reports` (a city representative's report
filed among an annual session's documents); `common` holds the lookups they share.
Each public write is a `@use_case`; the release alone commits on its own.
Each takes typed input: ids, one or two plain values (a report's text, published or not), or
the frozen dataclass its schema in `inputs.py` loads (a campaign, a change to its form, a
subject, the answers, a grade, a number of codes), the same schema for the API and the pages.
"""

from __future__ import annotations

from lianxin.modules.evaluations.errors import (
    AlreadyAnswered,
    AlreadyFiled,
    BelowThreshold,
    FormLocked,
    NoticeMissing,
    NotYetCounted,
    OpinionMissing,
    OutsidePeriod,
    SessionFilingRefused,
    TallyMismatch,
)
from lianxin.modules.evaluations.stages.answering import (
    answered,
    code_for_case,
    form_subjects,
    issue_codes,
    public_campaign,
    rater_by_link,
    rater_of,
    submit_by_account,
    submit_by_link,
    submit_public,
)
from lianxin.modules.evaluations.stages.campaigns import (
    create_campaign,
    list_campaigns,
    shapes,
    update_form,
)
from lianxin.modules.evaluations.stages.common import (
    CATEGORY_LABELS,
    COMMENT_MAX,
    COUNT_TOPIC,
    DEFAULT_DIMENSIONS,
    GRADE_LABELS,
    GUEST_CATEGORIES,
    MERGED_LABEL,
    MODULE_KEY,
    SHAPE_LABELS,
    SUBJECT_KIND_LABELS,
    campaign_year,
    can_run,
    cannot_evaluate_offered,
    get_campaign,
    get_subject,
    in_group,
    is_committee,
    is_office,
    is_subject_self,
    settings,
)
from lianxin.modules.evaluations.stages.draft_subjects import (
    add_default_subjects,
    add_subject,
    committee_users,
    remove_subject,
    report_commitments,
    set_report,
    subjects,
)
from lianxin.modules.evaluations.stages.grading import (
    UNFIT_KIND,
    CategoryResult,
    DimensionResult,
    SubjectResult,
    decide_grade,
    export_xlsx,
    my_feedback,
    propose_grade,
    public_results,
    record_leader_opinion,
    reportable,
    results,
    set_published,
    subject_result,
)
from lianxin.modules.evaluations.stages.opening import (
    IssuedLink,
    close_campaign,
    open_campaign,
    raters,
    reissue_link,
)
from lianxin.modules.evaluations.stages.paper import (
    Mismatch,
    TallyStatus,
    batches,
    create_batch,
    enter_paper,
    get_batch,
    is_teller,
    paper_available,
    paper_status,
    reset_paper,
    teller_choices,
)
from lianxin.modules.evaluations.stages.release import (
    _box,
    count_closed,
    release_answers,
    release_open_campaigns,
)
from lianxin.modules.evaluations.stages.reminders import (
    Participation,
    campaign_participation,
    participation,
    remind,
    remind_due,
    remind_non_respondents,
)
from lianxin.modules.evaluations.stages.running import (
    NOTICE_KIND,
    add_guest,
    category_counts,
    check_notice,
    group_candidates,
    group_of,
    guests,
    hand_out_paper,
    remove_guest,
    send_notice,
    set_group,
)
from lianxin.modules.evaluations.stages.session_reports import (
    can_file,
    file_with_session,
    filed_stale,
    filing_sessions,
    report_title,
    sessions_on,
)
from lianxin.modules.evaluations.stages.waiting import (
    grades_to_decide,
    office_waiting,
    opinions_to_record,
    to_answer,
)

__all__ = [
    "CATEGORY_LABELS",
    "COMMENT_MAX",
    "COUNT_TOPIC",
    "DEFAULT_DIMENSIONS",
    "GRADE_LABELS",
    "GUEST_CATEGORIES",
    "MERGED_LABEL",
    "MODULE_KEY",
    "NOTICE_KIND",
    "SHAPE_LABELS",
    "SUBJECT_KIND_LABELS",
    "UNFIT_KIND",
    "AlreadyAnswered",
    "AlreadyFiled",
    "BelowThreshold",
    "CategoryResult",
    "DimensionResult",
    "FormLocked",
    "IssuedLink",
    "Mismatch",
    "NotYetCounted",
    "NoticeMissing",
    "OpinionMissing",
    "OutsidePeriod",
    "Participation",
    "SessionFilingRefused",
    "SubjectResult",
    "TallyMismatch",
    "TallyStatus",
    "_box",
    "add_default_subjects",
    "add_guest",
    "add_subject",
    "answered",
    "batches",
    "campaign_participation",
    "campaign_year",
    "can_file",
    "can_run",
    "cannot_evaluate_offered",
    "category_counts",
    "check_notice",
    "close_campaign",
    "code_for_case",
    "committee_users",
    "count_closed",
    "create_batch",
    "create_campaign",
    "decide_grade",
    "enter_paper",
    "export_xlsx",
    "file_with_session",
    "filed_stale",
    "filing_sessions",
    "form_subjects",
    "get_batch",
    "get_campaign",
    "get_subject",
    "grades_to_decide",
    "group_candidates",
    "group_of",
    "guests",
    "hand_out_paper",
    "in_group",
    "is_committee",
    "is_office",
    "is_subject_self",
    "is_teller",
    "issue_codes",
    "list_campaigns",
    "my_feedback",
    "office_waiting",
    "open_campaign",
    "opinions_to_record",
    "paper_available",
    "paper_status",
    "participation",
    "propose_grade",
    "public_campaign",
    "public_results",
    "rater_by_link",
    "rater_of",
    "raters",
    "record_leader_opinion",
    "reissue_link",
    "release_answers",
    "release_open_campaigns",
    "remind",
    "remind_due",
    "remind_non_respondents",
    "remove_guest",
    "remove_subject",
    "report_commitments",
    "report_title",
    "reportable",
    "reset_paper",
    "results",
    "send_notice",
    "sessions_on",
    "set_group",
    "set_published",
    "set_report",
    "settings",
    "shapes",
    "subject_result",
    "subjects",
    "submit_by_account",
    "submit_by_link",
    "submit_public",
    "teller_choices",
    "to_answer",
    "update_form",
]
