"""REST API of the evaluations module, mounted at /api/v1/t/<slug>/evaluations."""

from __future__ import annotations

from lianxin.api.base import Blueprint as ApiBlueprint

api = ApiBlueprint("evaluations_api", __name__, description="评议")
