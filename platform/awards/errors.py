"""Domain errors of the awards; `api.py` and `views.py` turn them into 409 and a flashed
Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class AwardRuleBroken(Conflict):
    """A step of the selection breaks its rules: more winners than the category takes, a
    choice before any candidate, a nomination after the selection closed, an item not adopted
    or already nominated, a mark on an item nominated."""

    code = "award_rule"
