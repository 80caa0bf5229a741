"""Typed inputs of the reception-days use cases: one schema per write, loaded by the API (from
the JSON body) and by the pages (from `request.form`) into a frozen dataclass the service takes.

Shape is checked here, once, with the Chinese messages the pages show. Rules that need the
database, the date or the township's settings (a branch of this township, a name not taken, this
year or the next, a day not taken, the notice days) stay in the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.casework.service import CaseInputSchema
from lianxin.modules.reception_days.models import SiteKind
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import GivenText, OptionalId, Text, text

KIND_MESSAGE = _l("请选择接待点类型")
NAME_MESSAGE = _l("请填写名称（不超过100字）")
ADDRESS_MESSAGE = _l("地址过长")
SHORT_NOTICE_MESSAGE = _l("请填写不足公告期的原因（不超过200字）")


def _all_say(message: Any) -> dict[str, Any]:
    """Every way of missing or botching a field says `message`."""
    return {"required": message, "null": message, "invalid": message}


class BranchId(OptionalId):
    """The site's branch: none is None (a form's empty choice, null, or 0)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        return super()._deserialize(value, attr, data, **kwargs) or None


# --- sites ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInput:
    kind: str
    name: str
    address: str = ""
    branch_id: int | None = None
    is_active: bool = True


class SiteInputSchema(InputSchema[SiteInput]):
    """A reception site (接待点); with `partial=True` the changed fields only."""

    input_type = SiteInput

    class Meta:
        ordered = True

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in SiteKind], error=KIND_MESSAGE),
        error_messages={"required": KIND_MESSAGE, "null": KIND_MESSAGE},
    )
    name = text(100, NAME_MESSAGE)
    address = Text(load_default="", validate=validate.Length(max=200, error=ADDRESS_MESSAGE))
    branch_id = BranchId(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)


class SitePatchSchema(SiteInputSchema):
    """The API's PATCH body: the same fields, every one optional, loaded into
    `Changes[SiteInput]` (the named fields only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # `InputSchema` returns the named keys when the schema itself is partial.
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


# --- the year's schedule -------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerateInput:
    year: int
    site_ids: list[int]
    copy_teams: bool = True


class GenerateInputSchema(InputSchema[GenerateInput]):
    """The year to schedule, at which sites, and whether each starts with last year's team."""

    input_type = GenerateInput

    year = fields.Integer(
        required=True,
        validate=validate.Range(min=2000, max=2100),
        error_messages=_all_say(_l("请填写整数")),
    )
    site_ids = fields.List(
        fields.Integer(),
        required=True,
        validate=validate.Length(min=1, error=_l("请至少选择一个接待点")),
        error_messages={"required": _l("请至少选择一个接待点")},
    )
    copy_teams = fields.Boolean(load_default=True)


@dataclass(frozen=True)
class PublishInput:
    confirm_estimated_calendar: bool = False
    short_notice_reason: str | None = None


class PublishInputSchema(InputSchema[PublishInput]):
    """Publishing the year's schedule: the confirmations a refusal asked for."""

    input_type = PublishInput

    confirm_estimated_calendar = fields.Boolean(
        load_default=False,
        metadata={
            "description": "该年度国家节假日尚未公布（calendar_known 为 false）时须为 true，"
            "确认按周一至周五预估的日期发布；否则 409 calendar_estimated"
        },
    )
    short_notice_reason = GivenText(
        200,
        SHORT_NOTICE_MESSAGE,
        metadata={
            "description": "最近的接待日距今不足公告天数时必填（否则 409 short_notice）；"
            "这些接待日的公告标明临时调整"
        },
    )


# --- a day: its date and its teams ---------------------------------------------------------------


@dataclass(frozen=True)
class MoveInput:
    day: date
    reason: str
    short_notice_reason: str | None = None


class MoveInputSchema(InputSchema[MoveInput]):
    """A reception day moved to another date, and why."""

    input_type = MoveInput

    day = fields.Date(required=True, error_messages=_all_say(_l("日期格式不正确")))
    reason = text(200, _l("请填写调整原因（不超过200字）"))
    short_notice_reason = GivenText(
        200,
        SHORT_NOTICE_MESSAGE,
        metadata={"description": "已发布的接待日改到不足公告天数之后时必填：临时调整的原因"},
    )


@dataclass(frozen=True)
class TeamInput:
    representative_ids: list[int]
    apply_to_rest: bool = False


class TeamInputSchema(InputSchema[TeamInput]):
    """Exactly these representatives on duty at a site that day (and the later days)."""

    input_type = TeamInput

    representative_ids = fields.List(fields.Integer(), required=True)
    apply_to_rest = fields.Boolean(
        load_default=False, metadata={"description": "同时用于本年度以后各接待日的该接待点"}
    )


# --- absence and substitutes ---------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceInput:
    reason: str


class AbsenceInputSchema(InputSchema[AbsenceInput]):
    """Why the representative cannot come."""

    input_type = AbsenceInput

    reason = text(200, _l("请说明不能参加的原因（不超过200字）"))


@dataclass(frozen=True)
class SubstituteInput:
    representative_id: int


class SubstituteInputSchema(InputSchema[SubstituteInput]):
    """Who stands in for an absent representative."""

    input_type = SubstituteInput

    representative_id = fields.Integer(required=True, error_messages=_all_say(_l("请选择替补代表")))


# --- on the day ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCaseInput:
    """A person's issue raised at a site on the day; the channel and the source are the day's."""

    site_id: int
    title: str
    body: str
    category: str = "其他"
    anonymous: bool = False
    raiser_name: str | None = None
    raiser_phone: str | None = None
    received_by_id: int | None = None


class DayCaseInputSchema(CaseInputSchema):
    """Casework's own checks of a case (title, body, category, name, …: the same fields and
    messages as everywhere a case is raised), loaded into DayCaseInput with the site. The channel
    is the reception day's, so it is not asked."""

    input_type = DayCaseInput

    class Meta:
        exclude = ("channel", "complexity", "on_behalf")

    site_id = fields.Integer(required=True, error_messages=_all_say(_l("请选择接待点")))
    received_by_id = OptionalId(
        load_default=None,
        allow_none=True,
        metadata={"description": "首问代表（当天在该接待点接待的代表 id；代表本人登记时可省略）"},
    )


@dataclass(frozen=True)
class PeopleReceivedInput:
    people_received: int
    note: str | None = None


class PeopleReceivedInputSchema(InputSchema[PeopleReceivedInput]):
    """How many people a site received that day."""

    input_type = PeopleReceivedInput

    people_received = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=100000, error=_l("请填写接待人数（0 或正整数）")),
        error_messages=_all_say(_l("请填写接待人数（0 或正整数）")),
    )
    note = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.Length(max=2000, error=_l("内容过长")),
    )
