"""A person's rights (export, erasure) and retention declare themselves as a core part, with a
per-township setting: how long submitters' contact data is kept after a case is archived."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec
from lianxin.privacy.api import blp as privacy_api
from lianxin.privacy.settings import PrivacySettings
from lianxin.privacy.views import bp as privacy_pages

MODULE = ModuleSpec(
    key="privacy",
    name=_l("个人信息保护"),
    description=_l("个人信息的查阅导出、删除匿名和保存期限"),
    core=True,
    settings_schema=PrivacySettings,
    blueprints=(privacy_pages,),
    api_blueprints=(privacy_api,),
    task_module="lianxin.privacy.tasks",
    # Daily, at night in Shanghai (beat's timezone), after the evening's archiving.
    beat_schedule={
        "retention": {"task": "privacy.retention_sweep", "schedule": crontab(minute=45, hour=3)}
    },
)
