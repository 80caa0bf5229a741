"""The by-elections' lines on the to-do home: the office's results to announce (urgent) and
the by-elections under way."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.by_elections import service
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import item
from lianxin.tenants.models import Township


def items(actor: Actor, township: Township) -> list[TodoItem]:
    index = url_for("by_elections.index", township_slug=township.slug)
    out: list[TodoItem] = []
    out += item(
        "by_elections.to_announce",
        _l("已计票、待公告结果的补选"),
        service.to_announce(actor, township, kit.today()),
        index,
        urgent=True,
    )
    out += item(
        "by_elections.under_way", _l("进行中的补选"), service.under_way(actor, township), index
    )
    return out
