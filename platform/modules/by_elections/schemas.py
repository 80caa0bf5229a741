"""Settings and API output schemas of the by-elections module (inputs: inputs.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.modules.by_elections.stages.register import quota_status


class ByElectionSettings(BaseSchema):
    notice_days = fields.Integer(
        load_default=5,
        validate=validate.Range(min=1, max=30),
        metadata={"label": _l("候选人公示期（天），期满后方可审查")},
    )
    margin_percent = fields.Integer(
        load_default=40,
        validate=validate.Range(min=0, max=200),
        metadata={"label": _l("差额幅度（%），候选人数至少为应选名额加此比例")},
    )
    min_ballots = fields.Integer(
        load_default=5,
        validate=validate.Range(min=3, max=100),
        metadata={"label": _l("网上无记名投票至少几张选票才计票（保护投票秘密）")},
    )


class ByElectionStepSchema(BaseSchema):
    step = fields.String(dump_only=True)
    on = fields.Date(dump_only=True)
    note = fields.String(dump_only=True)
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)


class ByElectionQuotaSchema(BaseSchema):
    """A structure quota against the candidates that count now (passed the review, once
    reviewed; still in the running, before)."""

    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    minimum = fields.Integer(dump_only=True)
    count = fields.Integer(dump_only=True)
    met = fields.Boolean(dump_only=True)


class ByElectionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    branch_id = fields.Integer(dump_only=True, metadata={"description": "选举单位（支部）"})
    seats = fields.Integer(dump_only=True)
    term = fields.Integer(dump_only=True)
    term_ends_on = fields.Date(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    notice_days = fields.Integer(dump_only=True, allow_none=True)
    margin_percent = fields.Integer(dump_only=True, allow_none=True)
    channel = fields.String(dump_only=True, allow_none=True)
    voters = fields.Integer(dump_only=True, allow_none=True)
    ballots = fields.Integer(dump_only=True, allow_none=True)
    withheld = fields.Boolean(dump_only=True)
    announced_on = fields.Date(dump_only=True, allow_none=True)
    quotas = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        dump_only=True,
        metadata={"description": "结构名额：类别 → 审查通过的候选人至少几名"},
    )
    quota_status = fields.Method(
        "_quota_status",
        dump_only=True,
        metadata={
            "type": "array",
            "description": "每项结构名额：kind、label、minimum、count（符合的候选人数）、met",
        },
    )

    def _quota_status(self, election: Any) -> Any:
        return ByElectionQuotaSchema(many=True).dump(quota_status(election))


class ByElectionCandidateSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    gender = fields.String(dump_only=True)
    birth_date = fields.Date(dump_only=True)
    ethnicity = fields.String(dump_only=True)
    education = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    workplace = fields.String(dump_only=True, allow_none=True)
    source = fields.String(dump_only=True)
    party_member_id = fields.Integer(dump_only=True, allow_none=True)
    recommended = fields.Boolean(dump_only=True, allow_none=True)
    passed = fields.Boolean(dump_only=True, allow_none=True)
    review_reason = fields.String(dump_only=True, allow_none=True)
    votes = fields.Integer(dump_only=True, allow_none=True)
    elected = fields.Boolean(dump_only=True)
    representative_id = fields.Integer(dump_only=True, allow_none=True)


class ByElectionLinkSchema(BaseSchema):
    """A voter's one-time link, shown once."""

    voter_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    url = fields.String(dump_only=True)
