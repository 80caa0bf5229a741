"""The workstations module (工作站/工作室) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage
from lianxin.modules.workstations.api import api
from lianxin.modules.workstations.cards import card_lines
from lianxin.modules.workstations.duty import DUTY
from lianxin.modules.workstations.metrics import WORKSTATION_METRICS
from lianxin.modules.workstations.places import CASE_PLACES
from lianxin.modules.workstations.schemas import WorkstationSettings
from lianxin.modules.workstations.views import pages, public

MODULE = ModuleSpec(
    key="workstations",
    name=_l("代表工作站"),
    description=_l("工作站/工作室、值班表、约见、公开承诺和月度报告"),
    settings_schema=WorkstationSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("workstations.index", _l("工作站"), roles=ALL_BUT_UNITS),),
    public_nav=(NavItem("workstations_public.index", _l("代表工作站")),),
    beat_schedule={
        "monthly_reports": {
            "task": "workstations.sweep_monthly_reports",
            "schedule": crontab(minute=30, hour=1, day_of_month=1),
        }
    },
    task_module="lianxin.modules.workstations.tasks",
    seed_module="lianxin.modules.workstations.seed",
    todo="lianxin.modules.workstations.todo",
    models_module="lianxin.modules.workstations.models",
    metrics=WORKSTATION_METRICS,
    case_places=CASE_PLACES,
    duty=DUTY,
    card_lines=card_lines,
    object_pages={
        "workstation": ObjectPage("workstations.station", "station_id"),
    },
)
