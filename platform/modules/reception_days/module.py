"""The reception-days module (接待日) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.reception_days.api import api
from lianxin.modules.reception_days.duty import DUTY
from lianxin.modules.reception_days.metrics import RECEPTION_DAY_METRICS
from lianxin.modules.reception_days.schemas import ReceptionDaySettings
from lianxin.modules.reception_days.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="reception_days",
    name=_l("党代表接待日"),
    description=_l("年度接待日安排、公告、提醒、替补和接待汇总"),
    settings_schema=ReceptionDaySettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("reception_days.index", _l("接待日"), roles=ALL_BUT_UNITS),),
    public_nav=(NavItem("reception_days_public.index", _l("党代表接待日公告")),),
    beat_schedule={
        # Hourly, so that a township is served soon after midnight whatever went wrong before;
        # each run acts once per notice, reminder and summary.
        "daily": {"task": "reception_days.sweep", "schedule": crontab(minute=5)},
    },
    task_module="lianxin.modules.reception_days.tasks",
    seed_module="lianxin.modules.reception_days.seed",
    todo="lianxin.modules.reception_days.todo",
    models_module="lianxin.modules.reception_days.models",
    metrics=RECEPTION_DAY_METRICS,
    duty=DUTY,
    object_pages={
        "reception_day": ObjectPage("reception_days.day", "day_id"),
        "reception_site": ObjectPage("reception_days.site", "site_id"),
    },
)
