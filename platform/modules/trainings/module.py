"""The training module (学习培训) declares itself to the registry."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage
from lianxin.modules.trainings.api import api
from lianxin.modules.trainings.duty import DUTY
from lianxin.modules.trainings.grades import grade_limits
from lianxin.modules.trainings.metrics import TRAINING_METRICS
from lianxin.modules.trainings.schemas import TrainingSettings
from lianxin.modules.trainings.views import pages

MODULE = ModuleSpec(
    key="trainings",
    name=_l("学习培训"),
    description=_l(
        "党代表学习培训：安排集中学习、轮训和党校培训，确认参加或请假，逐日签到，对照要求查看每位代表的参训情况"
    ),
    settings_schema=TrainingSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    nav=(NavItem("trainings.index", _l("学习培训"), roles=ALL_BUT_UNITS),),
    metrics=TRAINING_METRICS,
    todo="lianxin.modules.trainings.todo",
    models_module="lianxin.modules.trainings.models",
    seed_module="lianxin.modules.trainings.seed",
    duty=DUTY,
    grade_limits=grade_limits,
    object_pages={
        "training_session": ObjectPage("trainings.session", "session_id"),
    },
)
