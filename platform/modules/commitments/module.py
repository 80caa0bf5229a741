"""The commitment module (公开承诺) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.commitments.api import api
from lianxin.modules.commitments.duty import COMMITMENT_DUTY
from lianxin.modules.commitments.metrics import COMMITMENT_METRICS
from lianxin.modules.commitments.report import report_commitments
from lianxin.modules.commitments.schemas import CommitmentSettings
from lianxin.modules.commitments.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="commitments",
    name=_l("公开承诺"),
    description=_l(
        "代表年度公开承诺：代表填写承诺和完成期限，联络办审核公开，代表报告践诺进展，"
        "到期评定兑现情况，群众在公示栏监督"
    ),
    settings_schema=CommitmentSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("commitments.index", _l("公开承诺"), roles=ALL_BUT_UNITS),),
    public_nav=(NavItem("commitments_public.index", _l("代表公开承诺")),),
    beat_schedule={
        # Daily at 09:20 (Shanghai): the one reminder of a commitment due within remind_days.
        "remind": {"task": "commitments.remind_sweep", "schedule": crontab(hour=9, minute=20)},
    },
    task_module="lianxin.modules.commitments.tasks",
    metrics=COMMITMENT_METRICS,
    duty=COMMITMENT_DUTY,
    # The year's public commitments beside a duty report, for its evaluation (述诺、评诺).
    report_commitments=report_commitments,
    todo="lianxin.modules.commitments.todo",
    models_module="lianxin.modules.commitments.models",
    seed_module="lianxin.modules.commitments.seed",
    object_pages={
        "commitment": ObjectPage("commitments.commitment", "commitment_id"),
    },
)
