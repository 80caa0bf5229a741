"""The audit log declares itself as a core part: hourly signed checkpoints of its chains,
outside the database."""

from celery.schedules import crontab
from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec

MODULE = ModuleSpec(
    key="audit",
    name=_l("审计日志"),
    core=True,
    beat_schedule={"checkpoint": {"task": "audit.checkpoint", "schedule": crontab(minute=17)}},
    task_module="lianxin.audit.tasks",
)
