"""The sitting-in module (列席) declares itself to the registry."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage
from lianxin.modules.sittings.api import api
from lianxin.modules.sittings.duty import DUTY
from lianxin.modules.sittings.metrics import SITTING_METRICS
from lianxin.modules.sittings.schemas import SittingSettings
from lianxin.modules.sittings.views import pages

MODULE = ModuleSpec(
    key="sittings",
    name=_l("代表列席"),
    description=_l("代表列席党委会议、扩大会议和支部会议：分批轮换邀请、出席登记、意见建议答复"),
    settings_schema=SittingSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    nav=(NavItem("sittings.index", _l("列席"), roles=ALL_BUT_UNITS),),
    metrics=SITTING_METRICS,
    todo="lianxin.modules.sittings.todo",
    seed_module="lianxin.modules.sittings.seed",
    models_module="lianxin.modules.sittings.models",
    duty=DUTY,
    object_pages={
        "sitting_meeting": ObjectPage("sittings.meeting", "meeting_id"),
    },
)
