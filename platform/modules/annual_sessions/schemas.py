"""Settings and API schemas of the annual-session module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class AnnualSessionSettings(BaseSchema):
    quorum_percent = fields.Integer(
        load_default=80,
        validate=validate.Range(min=50, max=100),
        metadata={"label": _l("开会须到会代表占应到代表的百分比（4/5 即 80）")},
    )
    agenda_days_before = fields.Integer(
        load_default=10,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("议题须在会前几天提出")},
    )
    joint_proposers = fields.Integer(
        load_default=10,
        validate=validate.Range(min=2, max=100),
        metadata={"label": _l("几名以上代表联名提出的议题必须列入议程")},
    )
    groups_for_rule = fields.Integer(
        load_default=2,
        validate=validate.Range(min=1, max=20),
        metadata={"label": _l("几个以上代表小组提出的议题必须列入议程")},
    )
    session_item_percent = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("会议期间临时议题须应到代表的百分之几联名（1/10 即 10）")},
    )
    pass_rule = fields.String(
        load_default="expected",
        validate=validate.OneOf(["expected", "present"]),
        metadata={
            "label": _l("表决通过须超过"),
            "choices": (("expected", _l("应到代表的半数")), ("present", _l("实到代表的半数"))),
        },
    )
    competitive_election = fields.Boolean(
        load_default=True, metadata={"label": _l("选举实行差额（候选人多于应选名额）")}
    )
    ballot_batch = fields.Integer(
        load_default=5,
        validate=validate.Range(min=2, max=100),
        metadata={"label": _l("网上无记名投票每满几张成批入箱（保护投票秘密）")},
    )
