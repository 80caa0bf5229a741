"""What every template can use: the township's words, the menu, the unread count, the switcher,
local time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, request

from lianxin.auth.roles import ROLE_LABELS, Role
from lianxin.modules.registry import NavItem
from lianxin.notify import service as notify
from lianxin.tenants import service as tenants
from lianxin.tenants.labels import DEFAULT_LABELS
from lianxin.web import readonly
from lianxin.web.nav import is_current, menu_rows
from lianxin.web.nav import township_menu as township_menu_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(SHANGHAI).strftime(fmt)


def role_label(role: str) -> str:
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


def township_menu() -> list[NavItem]:
    """The header's menu for the viewer of this township page (web/nav.py)."""
    from lianxin.web.scope import current_actor

    township = g.get("township")
    if township is None or g.get("public"):
        return []
    return township_menu_of(current_actor(), township)


def township_menu_rows() -> tuple[list[NavItem], list[NavItem]]:
    """The header's menu as the bar shows it: the first entries, and those under 更多."""
    return menu_rows(township_menu(), current=is_current)


def unread_count() -> int:
    """The viewer's unread messages (one indexed count, asked when the header is drawn); none
    on the inbox itself, which marks them read as it shows them."""
    from lianxin.web.scope import current_user_or_none

    user = current_user_or_none()
    if user is None or request.endpoint == "web.inbox":
        return 0
    return notify.unread_count(user.id)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.globals["township_menu"] = township_menu
    app.jinja_env.globals["township_menu_rows"] = township_menu_rows
    app.jinja_env.globals["unread_count"] = unread_count
    app.jinja_env.tests["current"] = is_current
    readonly.init_app(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from lianxin.auth import service as accounts
        from lianxin.web.scope import current_actor, current_user_or_none

        township = g.get("township")
        labels = tenants.labels_for(township)
        user = current_user_or_none() if request else None
        large = request.cookies.get("lx_large") == "1" or bool(user and user.large_text)
        return {
            "label": lambda key: labels.get(key, str(DEFAULT_LABELS.get(key, key))),
            "township": township,
            "county": g.get("county"),
            "me": user,
            "switcher": accounts.memberships_for_switcher(current_actor()) if user else [],
            "large_text": large,
        }
