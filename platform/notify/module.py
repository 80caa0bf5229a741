"""Notifications and the outbox declare themselves as a core part: the relay's tasks and the
sweep that publishes what a lost broker left behind."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec

MODULE = ModuleSpec(
    key="notify",
    name=_l("消息"),
    core=True,
    beat_schedule={"outbox_sweep": {"task": "outbox.sweep", "schedule": 60.0}},
    task_module="lianxin.notify.tasks",
)
