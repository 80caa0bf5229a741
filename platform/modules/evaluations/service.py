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

By stage: `campaigns` (drafting the form), `draft_subjects` (subjects, duty reports), `opening`
(raters, links, the close), `answering` (sealed with the receipt), `release` (the worker's
release and the count), `grading` (results, grades, publication), `reminders`; `common` holds
the lookups they share. Each public write is a `@use_case`; the release alone commits on its own.
Each takes typed input: ids, one or two plain values (a report's text, published or not), or
the frozen dataclass its schema in `inputs.py` loads (a campaign, a change to its form, a
subject, the answers, a grade, a number of codes), the same schema for the API and the pages.
"""

from __future__ import annotations

from lianxin.modules.evaluations.errors import (
    AlreadyAnswered,
    BelowThreshold,
    FormLocked,
    NotYetCounted,
    OutsidePeriod,
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
    COMMENT_MAX,
    COUNT_TOPIC,
    DEFAULT_DIMENSIONS,
    GRADE_LABELS,
    MODULE_KEY,
    SHAPE_LABELS,
    cannot_evaluate_offered,
    get_campaign,
    get_subject,
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
    set_report,
    subjects,
)
from lianxin.modules.evaluations.stages.grading import (
    DimensionResult,
    SubjectResult,
    decide_grade,
    export_xlsx,
    my_feedback,
    propose_grade,
    public_results,
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
from lianxin.modules.evaluations.stages.waiting import (
    grades_to_decide,
    office_waiting,
    to_answer,
)

__all__ = [
    "COMMENT_MAX",
    "COUNT_TOPIC",
    "DEFAULT_DIMENSIONS",
    "GRADE_LABELS",
    "MODULE_KEY",
    "SHAPE_LABELS",
    "AlreadyAnswered",
    "BelowThreshold",
    "DimensionResult",
    "FormLocked",
    "IssuedLink",
    "NotYetCounted",
    "OutsidePeriod",
    "Participation",
    "SubjectResult",
    "_box",
    "add_default_subjects",
    "add_subject",
    "answered",
    "campaign_participation",
    "cannot_evaluate_offered",
    "close_campaign",
    "code_for_case",
    "committee_users",
    "count_closed",
    "create_campaign",
    "decide_grade",
    "export_xlsx",
    "form_subjects",
    "get_campaign",
    "get_subject",
    "grades_to_decide",
    "is_committee",
    "is_office",
    "is_subject_self",
    "issue_codes",
    "list_campaigns",
    "my_feedback",
    "office_waiting",
    "open_campaign",
    "participation",
    "propose_grade",
    "public_campaign",
    "public_results",
    "rater_by_link",
    "rater_of",
    "raters",
    "reissue_link",
    "release_answers",
    "release_open_campaigns",
    "remind",
    "remind_due",
    "remind_non_respondents",
    "remove_subject",
    "results",
    "set_published",
    "set_report",
    "settings",
    "shapes",
    "subject_result",
    "subjects",
    "submit_by_account",
    "submit_by_link",
    "submit_public",
    "to_answer",
    "update_form",
]
