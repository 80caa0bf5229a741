"""Use cases of the group-activities module (代表小组活动), by life-cycle stage: the groups (the
people module's), their access rules and the half-year rule (`common`), the year's plan, the
activities with attendance and their outcomes (`activities`), the written liaison reports
before the annual session (`reports`), the register's spreadsheet (`register`) and the to-do
reads (`waiting`).

Callers write `service.record_activity(...)`. Reads need a membership in the township; a
group's leader or deputy, and the office (permissions.can_work_in_office), write for the group.
Ids from another township are not found."""

from lianxin.modules.group_activities.errors import GroupRuleBroken
from lianxin.modules.group_activities.stages.activities import (
    CASE_CHANNEL,
    activity_url,
    add_plan_item,
    attendance_of,
    get_activity,
    get_outcome,
    list_activities,
    outcome_to_case,
    outcomes_of,
    page_activities,
    plan_item,
    plan_of,
    record_activity,
    record_outcome,
    remove_plan_item,
)
from lianxin.modules.group_activities.stages.common import (
    HALF_LABELS,
    MODULE_KEY,
    OUTCOME_LABELS,
    SOURCE_TYPE,
    Group,
    Standing,
    activity_counts,
    can_lead,
    find_group,
    groups,
    half_bounds,
    half_of,
    is_office,
    led_groups,
    previous_half,
    representative_of,
    settings,
    standings,
)
from lianxin.modules.group_activities.stages.register import register_xlsx
from lianxin.modules.group_activities.stages.reports import (
    Collected,
    collected,
    coming_sessions,
    due_on,
    file_with_session,
    get_report,
    page_reports,
    report_of,
    submit_report,
)
from lianxin.modules.group_activities.stages.waiting import (
    activities_to_record,
    groups_behind,
    reports_due,
    reports_overdue,
)

__all__ = [
    "CASE_CHANNEL",
    "HALF_LABELS",
    "MODULE_KEY",
    "OUTCOME_LABELS",
    "SOURCE_TYPE",
    "Collected",
    "Group",
    "GroupRuleBroken",
    "Standing",
    "activities_to_record",
    "activity_counts",
    "activity_url",
    "add_plan_item",
    "attendance_of",
    "can_lead",
    "collected",
    "coming_sessions",
    "due_on",
    "file_with_session",
    "find_group",
    "get_activity",
    "get_outcome",
    "get_report",
    "groups",
    "groups_behind",
    "half_bounds",
    "half_of",
    "is_office",
    "led_groups",
    "list_activities",
    "outcome_to_case",
    "outcomes_of",
    "page_activities",
    "page_reports",
    "plan_item",
    "plan_of",
    "previous_half",
    "record_activity",
    "record_outcome",
    "register_xlsx",
    "remove_plan_item",
    "report_of",
    "reports_due",
    "reports_overdue",
    "representative_of",
    "settings",
    "standings",
    "submit_report",
]
