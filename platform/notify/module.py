"""Notifications and the outbox declare themselves as a core part: the relay's tasks, the
sweep that publishes what a lost broker left behind, and the operator's dead-letter page."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec
from lianxin.notify.admin import bp as admin_pages

MODULE = ModuleSpec(
    key="notify",
    name=_l("消息"),
    core=True,
    blueprints=(admin_pages,),
    beat_schedule={"outbox_sweep": {"task": "outbox.sweep", "schedule": 60.0}},
    task_module="lianxin.notify.tasks",
)
