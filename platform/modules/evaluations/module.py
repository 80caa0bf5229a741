"""The evaluations module (评议) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.evaluations.api import api
from lianxin.modules.evaluations.duty import DUTY
from lianxin.modules.evaluations.metrics import EVALUATION_METRICS
from lianxin.modules.evaluations.schemas import EvaluationSettings
from lianxin.modules.evaluations.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="evaluations",
    name=_l("评议"),
    description=_l("匿名评议两委委员、代表述职、乡镇部门和群众满意度；结果达到份数才显示"),
    settings_schema=EvaluationSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("evaluations.index", _l("评议"), roles=ALL_BUT_UNITS),),
    public_nav=(NavItem("evaluations_public.index", _l("评议结果公开")),),
    beat_schedule={
        # Sealed answers are released by the worker, in batches of at least K (service).
        "release": {"task": "evaluations.release_sweep", "schedule": crontab(minute="*/10")},
        "remind": {"task": "evaluations.remind_sweep", "schedule": crontab(hour=9, minute=0)},
    },
    task_module="lianxin.modules.evaluations.tasks",
    seed_module="lianxin.modules.evaluations.seed",
    todo="lianxin.modules.evaluations.todo",
    models_module="lianxin.modules.evaluations.models",
    metrics=EVALUATION_METRICS,
    duty=DUTY,
    object_pages={
        "evaluation_campaign": ObjectPage("evaluations.campaign", "campaign_id"),
    },
)
