"""The county's comparison declares itself as a core part, mounted after the modules whose
figures it reads."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.county.api import blp
from lianxin.county.views import bp
from lianxin.modules.registry import ModuleSpec

MODULE = ModuleSpec(
    key="county",
    name=_l("县级对比"),
    core=True,
    blueprints=(bp,),
    api_blueprints=(blp,),
    beat_schedule={
        # 02:40 Shanghai, after the modules' own night work: open periods and any never computed.
        "nightly_refresh": {"task": "county.refresh_all", "schedule": crontab(minute=40, hour=2)},
        "job_sweep": {"task": "county.sweep_jobs", "schedule": 300.0},
    },
    task_module="lianxin.county.tasks",
)
