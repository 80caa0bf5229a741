"""The duty record's domain errors."""

from lianxin.errors import Conflict


class StepOutOfOrder(Conflict):
    """An escalation step before the one it follows (罢免建议 only after 批评 …), or twice."""

    code = "step_order"


class NotInactive(Conflict):
    """An escalation step for a representative whose score is not below the threshold."""

    code = "not_inactive"
