"""Domain errors of the commitment module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class CommitmentRuleBroken(Conflict):
    """A step breaks a rule of commitments: not in the state it needs (approved, pending,
    returned), closed as not kept before its deadline, a note dated in the future."""

    code = "commitment_rule"
