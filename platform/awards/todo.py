"""The awards' line on the to-do home (registry.TodoItem): the office's nominations to a
county selection that takes them and to which the township has nominated nothing yet."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.awards import service
from lianxin.modules.registry import TodoItem
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    waiting = service.to_nominate(actor, township)
    if not waiting:
        return []
    latest = max(s.opened_at for s in waiting)
    return [
        TodoItem(
            "awards.to_nominate",
            _l("待推荐的县级评选"),
            len(waiting),
            url_for("awards.index", township_slug=township.slug),
            latest=latest,
            note=_l("从已采纳的意见建议中推荐参评"),
        )
    ]
