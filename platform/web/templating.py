"""What every template can use: the township's words, the menu, the switcher, local time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, request

from lianxin.auth.roles import ROLE_LABELS, Role
from lianxin.tenants import service as tenants
from lianxin.tenants.labels import DEFAULT_LABELS

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


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["role_label"] = role_label

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from lianxin.auth import service as accounts
        from lianxin.web.scope import current_actor, current_user_or_none

        township = g.get("township")
        labels = tenants.labels_for(township)
        user = current_user_or_none() if request else None
        nav: list[Any] = []
        if township is not None and not g.get("public"):
            nav = tenants.enabled_modules(township.id)
        large = request.cookies.get("lx_large") == "1" or bool(user and user.large_text)
        return {
            "label": lambda key: labels.get(key, str(DEFAULT_LABELS.get(key, key))),
            "township": township,
            "county": g.get("county"),
            "nav_modules": nav,
            "me": user,
            "switcher": accounts.memberships_for_switcher(current_actor()) if user else [],
            "large_text": large,
        }
