"""The liaison-chain module (三联) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.liaison.api import api
from lianxin.modules.liaison.duty import DUTY
from lianxin.modules.liaison.metrics import LIAISON_METRICS
from lianxin.modules.liaison.schemas import LiaisonSettings
from lianxin.modules.liaison.views import pages
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="liaison",
    name=_l("三联工作"),
    description=_l("委员联代表、代表联党员、党员联群众：联系安排、联系记录、季度履职和提醒"),
    settings_schema=LiaisonSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    nav=(NavItem("liaison.index", _l("三联"), roles=ALL_BUT_UNITS),),
    beat_schedule={
        # Hourly; each run reminds a person at most once a quarter.
        "daily": {"task": "liaison.sweep", "schedule": crontab(minute=20)},
    },
    metrics=LIAISON_METRICS,
    task_module="lianxin.modules.liaison.tasks",
    seed_module="lianxin.modules.liaison.seed",
    todo="lianxin.modules.liaison.todo",
    models_module="lianxin.modules.liaison.models",
    duty=DUTY,
    object_pages={
        "liaison_contact": ObjectPage("liaison.contact", "contact_id"),
        "liaison_meeting": ObjectPage("liaison.meeting", "meeting_id"),
    },
)
