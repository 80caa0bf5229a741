"""The by-elections module (补选) declares itself to the registry."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.by_elections.api import api
from lianxin.modules.by_elections.metrics import BY_ELECTION_METRICS
from lianxin.modules.by_elections.schemas import ByElectionSettings
from lianxin.modules.by_elections.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="by_elections",
    name=_l("补选"),
    description=_l("代表出缺后按登记、报名、推选、公示、审查、直选六个步骤差额补选"),
    settings_schema=ByElectionSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("by_elections.index", _l("补选"), roles=ALL_BUT_UNITS),),
    public_nav=(NavItem("by_elections_public.index", _l("补选公示")),),
    todo="lianxin.modules.by_elections.todo",
    seed_module="lianxin.modules.by_elections.seed",
    models_module="lianxin.modules.by_elections.models",
    metrics=BY_ELECTION_METRICS,
    object_pages={
        "by_election": ObjectPage("by_elections.election", "election_id"),
    },
)
