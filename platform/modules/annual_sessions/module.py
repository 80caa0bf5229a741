"""The annual-session module (年会) declares itself to the registry."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.annual_sessions.api import api
from lianxin.modules.annual_sessions.duty import DUTY
from lianxin.modules.annual_sessions.metrics import ANNUAL_SESSION_METRICS
from lianxin.modules.annual_sessions.schemas import AnnualSessionSettings
from lianxin.modules.annual_sessions.views import pages, public
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="annual_sessions",
    name=_l("党代表年会"),
    description=_l("议题、请假与签到、法定人数、表决与无记名投票、选举和决议"),
    settings_schema=AnnualSessionSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    public_blueprint=public,
    nav=(NavItem("annual_sessions.index", _l("年会"), roles=ALL_BUT_UNITS),),
    public_nav=(NavItem("annual_sessions_public.index", _l("年会决议")),),
    beat_schedule={
        # Sealed secret ballots are released by the worker in batches of at least K (service).
        "release": {"task": "annual_sessions.release_sweep", "schedule": crontab(minute="*/5")},
    },
    task_module="lianxin.modules.annual_sessions.tasks",
    seed_module="lianxin.modules.annual_sessions.seed",
    todo="lianxin.modules.annual_sessions.todo",
    models_module="lianxin.modules.annual_sessions.models",
    metrics=ANNUAL_SESSION_METRICS,
    duty=DUTY,
    object_pages={
        "annual_session": ObjectPage("annual_sessions.session", "session_id"),
    },
)
