"""REST API of the proposals module, mounted at /api/v1/t/<slug>/proposals."""

from __future__ import annotations

from lianxin.api.base import Blueprint as ApiBlueprint

api = ApiBlueprint("proposals_api", __name__, description="提案、建议意见和质询")
