"""The proposals module (提案) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.proposals.api import api
from lianxin.modules.proposals.duty import DUTY
from lianxin.modules.proposals.metrics import PROPOSAL_METRICS
from lianxin.modules.proposals.schemas import ProposalSettings
from lianxin.modules.proposals.views import pages, public
from lianxin.modules.registry import ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="proposals",
    name=_l("提案"),
    description=_l("提案、建议意见和质询：联名、审查立案、交办、答复、评价和公开"),
    settings_schema=ProposalSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("proposals.index", _l("提案")),),
    public_nav=(NavItem("proposals_public.index", _l("提案办理公开")),),
    beat_schedule={
        # Hourly: each due date is reminded once however often the sweep runs.
        "reminders": {"task": "proposals.sweep", "schedule": crontab(minute=15)},
    },
    task_module="lianxin.modules.proposals.tasks",
    seed_module="lianxin.modules.proposals.seed",
    todo="lianxin.modules.proposals.todo",
    models_module="lianxin.modules.proposals.models",
    metrics=PROPOSAL_METRICS,
    duty=DUTY,
    object_pages={
        "proposal": ObjectPage("proposals.detail", "proposal_id"),
    },
)
