"""The briefings module (通报) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.briefings.api import api
from lianxin.modules.briefings.metrics import BRIEFING_METRICS
from lianxin.modules.briefings.schemas import BriefingSettings
from lianxin.modules.briefings.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="briefings",
    name=_l("通报"),
    description=_l("向代表通报决策事项、工作进展和征询意见结果；阅读回执，逾期未读提醒"),
    settings_schema=BriefingSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("briefings.index", _l("通报"), roles=ALL_BUT_UNITS),),
    beat_schedule={
        "remind": {"task": "briefings.remind_sweep", "schedule": crontab(hour=9, minute=5)},
    },
    task_module="lianxin.modules.briefings.tasks",
    seed_module="lianxin.modules.briefings.seed",
    todo="lianxin.modules.briefings.todo",
    models_module="lianxin.modules.briefings.models",
    metrics=BRIEFING_METRICS,
    object_pages={
        "briefing": ObjectPage("briefings.briefing", "briefing_id"),
    },
)
