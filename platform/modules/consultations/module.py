"""The consultations module (征询意见) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.consultations.api import api
from lianxin.modules.consultations.duty import DUTY
from lianxin.modules.consultations.metrics import CONSULTATION_METRICS
from lianxin.modules.consultations.schemas import ConsultationSettings
from lianxin.modules.consultations.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="consultations",
    name=_l("征询意见"),
    description=_l(
        "重大决策、工作部署、评先评优和干部任用征询党代表意见，必要时表决，并反馈采纳情况"
    ),
    settings_schema=ConsultationSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("consultations.index", _l("征询意见"), roles=ALL_BUT_UNITS),),
    beat_schedule={
        # Hourly: a consultation is closed in the first hour after its deadline day ends.
        "close_due": {"task": "consultations.sweep", "schedule": crontab(minute=5)},
        # Daily at 09:10 (Shanghai): the one reminder of those asked who have not answered.
        "remind": {"task": "consultations.remind_sweep", "schedule": crontab(hour=9, minute=10)},
    },
    metrics=CONSULTATION_METRICS,
    task_module="lianxin.modules.consultations.tasks",
    seed_module="lianxin.modules.consultations.seed",
    todo="lianxin.modules.consultations.todo",
    models_module="lianxin.modules.consultations.models",
    duty=DUTY,
    object_pages={
        "consultation": ObjectPage("consultations.detail", "consultation_id"),
    },
)
