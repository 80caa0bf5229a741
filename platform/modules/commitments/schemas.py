"""Settings and API output schemas of the commitment module (inputs: inputs.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class CommitmentSettings(BaseSchema):
    # 001 宝应: every representative signs a 目标承诺书 each year.
    min_per_year = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=20),
        metadata={"label": _l("每位代表每年至少公开承诺事项数")},
    )
    # 000 第五篇 / 003: the commitments are checked before they are shown (亮诺).
    approval_required = fields.Boolean(
        load_default=True,
        metadata={"label": _l("代表填写的承诺须经联络办审核后公开")},
    )
    remind_days = fields.Integer(
        load_default=7,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("承诺到期前几天提醒代表")},
    )


def _is_overdue(row: Any) -> bool:
    from lianxin.modules.commitments.stages.common import OVERDUE, state_of
    from lianxin.modules.kit import today

    return state_of(row, today()) == OVERDUE


STATUS_HELP = (
    "pending 待审核 / returned 已退回 / approved 已公开（进行中或已逾期）/ kept 已兑现 / "
    "not_kept 未兑现"
)


class CommitmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    content = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True, metadata={"description": "完成期限"})
    status = fields.String(dump_only=True, metadata={"description": STATUS_HELP})
    overdue = fields.Function(
        lambda row: _is_overdue(row),
        dump_only=True,
        metadata={"type": "boolean", "description": "已过完成期限仍未结项（按北京时间日期）"},
    )
    by_office = fields.Boolean(dump_only=True, metadata={"description": "联络办代为登记"})
    return_reason = fields.String(dump_only=True, allow_none=True)
    approved_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_on = fields.Date(dump_only=True, allow_none=True)
    close_note = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "评诺意见"}
    )


class ProgressSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    commitment_id = fields.Integer(dump_only=True)
    noted_on = fields.Date(dump_only=True)
    note = fields.String(dump_only=True)
    by_office = fields.Boolean(dump_only=True)


class BoardRowSchema(BaseSchema):
    """A line of the public board: only what the caller may see of the representative."""

    id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    post = fields.String(dump_only=True, allow_none=True)
    group = fields.String(dump_only=True, allow_none=True, metadata={"description": "代表小组"})
    workplace = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "工作单位：代表同意公开或有权查看时才返回，否则为 null"},
    )
    content = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True)
    state = fields.String(
        dump_only=True,
        metadata={
            "description": "on_track 进行中 / overdue 已逾期 / kept 已兑现 / not_kept 未兑现"
        },
    )
