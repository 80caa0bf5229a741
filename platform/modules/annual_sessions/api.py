"""REST API of the annual-session module, mounted at /api/v1/t/<slug>/annual_sessions."""

from __future__ import annotations

from lianxin.api.base import Blueprint as ApiBlueprint

api = ApiBlueprint("annual_sessions_api", __name__, description="党代表年会")
