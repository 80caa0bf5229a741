"""Use cases of the reception-days module (接待日, DOMAIN.md §2), by life-cycle stage.

The township makes a yearly schedule from its rule (by default the 16th of every month), opens
sites on each day and puts representatives on duty there: at least N per site, at least one of
them a basic-level leading cadre (the pairing rule). A schedule is published only when every
site of every coming day keeps the rule; after that no change may break it. The public notice
appears N days before each day; each representative on duty (and their branch liaison) is
reminded N days before, once per reception date and person. Cases raised on the day go through
casework; afterwards a summary is sent up to the township and kept for the annual session.

Reads need a membership in the township; writes need the liaison office. Ids from another
township are simply not found: every query runs in the township's tenant context.

- `common`: constants, the module's settings, lookups shared by the stages
- `sites`: sites and the pairing rule (the views of days, sites and duties)
- `schedules`: drafting the year's schedule from the rule, and publishing it
- `days`: a day's teams and its date
- `substitutes`: absence, substitutes, a representative's own duties
- `notices`: the public notice and the daily sweep (notices, reminders, vacancies)
- `on_the_day`: cases and people received, summaries, the year's report

Callers keep writing `service.publish(...)`: the public names are re-exported here.
"""

from lianxin.modules.reception_days.errors import CalendarEstimated, PairingRuleBroken, ShortNotice
from lianxin.modules.reception_days.stages.common import (
    CONFIRM_ESTIMATED,
    MODULE_KEY,
    REMINDER_TOPIC,
    SITE_KIND_LABELS,
    SITE_ORDER,
    SOURCE_TYPE,
    notice_days,
    schedule_of,
    settings,
    short_notice_label,
    site_order,
)
from lianxin.modules.reception_days.stages.days import (
    get_day,
    move_day,
    set_team,
)
from lianxin.modules.reception_days.stages.notices import (
    next_announcements,
    public_day,
    public_notices,
    run_daily,
)
from lianxin.modules.reception_days.stages.on_the_day import (
    YearReport,
    compute_summary,
    day_cases,
    record_case,
    send_summary,
    set_people_received,
    state_label,
    year_report,
)
from lianxin.modules.reception_days.stages.posters import Poster, poster_preview, public_poster
from lianxin.modules.reception_days.stages.register import schedule_xlsx
from lianxin.modules.reception_days.stages.schedules import (
    ScheduleView,
    days_short_of_notice,
    generate,
    get_schedule,
    list_schedules,
    publish,
)
from lianxin.modules.reception_days.stages.sites import (
    DayView,
    DutyView,
    SiteView,
    create_site,
    get_site,
    list_sites,
    pairing_problems,
    update_site,
)
from lianxin.modules.reception_days.stages.substitutes import (
    MyDuty,
    get_duty,
    my_duties,
    report_absence,
    substitute,
    substitute_candidates,
)
from lianxin.modules.reception_days.stages.waiting import (
    NextDuty,
    next_duty,
    substitutes_needed,
)

__all__ = [
    "CONFIRM_ESTIMATED",
    "MODULE_KEY",
    "REMINDER_TOPIC",
    "SITE_KIND_LABELS",
    "SITE_ORDER",
    "SOURCE_TYPE",
    "CalendarEstimated",
    "DayView",
    "DutyView",
    "MyDuty",
    "NextDuty",
    "PairingRuleBroken",
    "Poster",
    "ScheduleView",
    "ShortNotice",
    "SiteView",
    "YearReport",
    "compute_summary",
    "create_site",
    "day_cases",
    "days_short_of_notice",
    "generate",
    "get_day",
    "get_duty",
    "get_schedule",
    "get_site",
    "list_schedules",
    "list_sites",
    "move_day",
    "my_duties",
    "next_announcements",
    "next_duty",
    "notice_days",
    "pairing_problems",
    "poster_preview",
    "public_day",
    "public_notices",
    "public_poster",
    "publish",
    "record_case",
    "report_absence",
    "run_daily",
    "schedule_of",
    "schedule_xlsx",
    "send_summary",
    "set_people_received",
    "set_team",
    "settings",
    "short_notice_label",
    "site_order",
    "state_label",
    "substitute",
    "substitute_candidates",
    "substitutes_needed",
    "update_site",
    "year_report",
]
