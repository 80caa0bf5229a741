"""Typed inputs of the inspections use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here; what needs the database (a unit or representative of this township, the
team's size, the lead time) stays in the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.casework.models import Complexity
from lianxin.casework.service import CATEGORIES
from lianxin.modules.inspections.models import BriefKind, Form, Scale
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import OptionalId, Text, at_most, text

BAD_DATE = _l("请填写日期")


@dataclass(frozen=True)
class PlanInput:
    form: str
    subject: str
    held_on: date
    scale: str = Scale.SMALL
    description: str = ""
    place: str = ""
    group_id: int | None = None
    unit_ids: list[int] = field(default_factory=list)
    representative_ids: list[int] = field(default_factory=list)


class InspectionPlanInputSchema(InputSchema[PlanInput]):
    """A visit planned by the office or a group leader: form, subject, date, units, team."""

    input_type = PlanInput

    form = Text(
        required=True,
        validate=validate.OneOf([f.value for f in Form], error=_l("请选择形式")),
        error_messages={"required": _l("请选择形式"), "null": _l("请选择形式")},
    )
    scale = Text(
        load_default=Scale.SMALL.value,
        validate=validate.OneOf([s.value for s in Scale], error=_l("请选择规模")),
    )
    subject = text(200, _l("请填写主题（不超过200字）"))
    held_on = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    description = Text(load_default="", validate=at_most(5000))
    place = Text(load_default="", validate=at_most(200))
    group_id = OptionalId(
        load_default=None,
        allow_none=True,
        metadata={"description": "代表小组（组长以小组名义组织时）"},
    )
    unit_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "被视察单位（承办单位 id）"}
    )
    representative_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "参加的代表"}
    )


@dataclass(frozen=True)
class TeamInput:
    representative_ids: list[int] = field(default_factory=list)


class InspectionTeamInputSchema(InputSchema[TeamInput]):
    """The team (all of it: the list replaces the old)."""

    input_type = TeamInput

    representative_ids = fields.List(fields.Integer(), load_default=list)


@dataclass(frozen=True)
class FindingsInput:
    findings: str
    attended_ids: list[int] = field(default_factory=list)


class InspectionFindingsInputSchema(InputSchema[FindingsInput]):
    """What the team found, and who of the team took part."""

    input_type = FindingsInput

    findings = text(20000, _l("请填写视察调研情况"))
    attended_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "实际参加的代表"}
    )


@dataclass(frozen=True)
class ReportInput:
    report: str


class InspectionReportInputSchema(InputSchema[ReportInput]):
    """The written report (视察报告 / 调研报告)."""

    input_type = ReportInput

    report = text(50000, _l("请填写报告内容"))


@dataclass(frozen=True)
class CancelInput:
    reason: str


class InspectionCancelInputSchema(InputSchema[CancelInput]):
    input_type = CancelInput

    reason = text(200, _l("请填写取消原因（不超过200字）"))


@dataclass(frozen=True)
class BriefInput:
    kind: str
    unit_id: int
    title: str
    body: str
    category: str = "其他"
    complexity: str = Complexity.SIMPLE


class InspectionBriefInputSchema(InputSchema[BriefInput]):
    """A written brief (督办 / 建议) to one unit, answered within the casework deadline of its
    complexity (simple or complex)."""

    input_type = BriefInput

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in BriefKind], error=_l("请选择督办或建议")),
        error_messages={"required": _l("请选择督办或建议"), "null": _l("请选择督办或建议")},
    )
    unit_id = fields.Integer(
        required=True,
        error_messages={
            "required": _l("请选择承办单位"),
            "invalid": _l("请选择承办单位"),
            "null": _l("请选择承办单位"),
        },
    )
    title = text(200, _l("请填写标题（不超过200字）"))
    body = text(5000, _l("请填写具体内容（不超过5000字）"))
    category = Text(
        load_default="其他",
        validate=validate.OneOf(list(CATEGORIES), error=_l("请选择类别")),
    )
    complexity = Text(
        load_default=Complexity.SIMPLE.value,
        validate=validate.OneOf(list(Complexity), error=_l("请选择简单或复杂")),
        metadata={"description": "simple / complex：按诉求办理时限确定答复期限"},
    )
