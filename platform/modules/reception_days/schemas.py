"""Settings and API schemas of the reception-days module."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.api.base import BaseSchema
from lianxin.modules.reception_days.dates import HolidayShift, RuleError, RuleKind, plan_year
from lianxin.modules.reception_days.models import DutyStatus, ScheduleStatus, SiteKind

RULE_CHOICES = (
    (RuleKind.DAY_OF_MONTH.value, _l("每月固定日")),
    (RuleKind.WEEKDAY_OF_MONTH.value, _l("每月第几个星期几")),
    (RuleKind.DATE_LIST.value, _l("指定日期清单")),
)
SHIFT_CHOICES = (
    (HolidayShift.NEXT.value, _l("顺延到下一个工作日")),
    (HolidayShift.PREVIOUS.value, _l("提前到上一个工作日")),
    (HolidayShift.KEEP.value, _l("不调整，照常接待")),
)
WEEK_CHOICES = (
    ("1", _l("第一个")),
    ("2", _l("第二个")),
    ("3", _l("第三个")),
    ("4", _l("第四个")),
    ("5", _l("第五个（没有的月份不安排）")),
    ("-1", _l("最后一个")),
)
WEEKDAY_CHOICES = tuple(
    (str(i), label)
    for i, label in enumerate(
        (
            _l("星期一"),
            _l("星期二"),
            _l("星期三"),
            _l("星期四"),
            _l("星期五"),
            _l("星期六"),
            _l("星期日"),
        ),
        start=1,
    )
)


def _hhmm(value: str) -> bool:
    try:
        time.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 5


class ReceptionDaySettings(BaseSchema):
    rule = fields.String(
        load_default=RuleKind.DAY_OF_MONTH.value,
        validate=validate.OneOf([k.value for k in RuleKind]),
        metadata={"label": _l("接待日规则"), "choices": RULE_CHOICES},
    )
    day_of_month = fields.Integer(
        load_default=16,
        validate=validate.Range(min=1, max=31),
        metadata={
            "label": _l("每月几日（“每月固定日”时）"),
            "description": _l("当月没有这一天（如4月31日）则当月不安排"),
        },
    )
    week_of_month = fields.Integer(
        load_default=3,
        validate=validate.OneOf([1, 2, 3, 4, 5, -1]),
        metadata={"label": _l("第几个（“每月第几个星期几”时）"), "choices": WEEK_CHOICES},
    )
    weekday = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=7),
        metadata={"label": _l("星期几（“每月第几个星期几”时）"), "choices": WEEKDAY_CHOICES},
    )
    dates = fields.String(
        load_default="",
        validate=validate.Length(max=400),
        metadata={
            "label": _l("日期清单（“指定日期清单”时）"),
            "description": _l("月-日，用逗号或空格分隔，如 01-16, 04-18, 07-16"),
        },
    )
    holiday_shift = fields.String(
        load_default=HolidayShift.NEXT.value,
        validate=validate.OneOf([s.value for s in HolidayShift]),
        metadata={"label": _l("遇节假日或休息日"), "choices": SHIFT_CHOICES},
    )
    starts_at = fields.String(
        load_default="08:30",
        metadata={"label": _l("接待开始时间（如 08:30）")},
    )
    ends_at = fields.String(
        load_default="17:30",
        metadata={"label": _l("接待结束时间（如 17:30）")},
    )
    people_per_site = fields.Integer(
        load_default=2,
        validate=validate.Range(min=1, max=20),
        metadata={"label": _l("每个接待点至少几名代表")},
    )
    require_cadre = fields.Boolean(
        load_default=True,
        metadata={"label": _l("每个接待点至少一名基层领导干部代表")},
    )
    notice_days = fields.Integer(
        load_default=7,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("提前几天公告（天）")},
    )
    reminder_days = fields.Integer(
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("提前几天提醒代表（天）")},
    )

    @validates_schema
    def _consistent(self, data, **_kwargs):
        for name in ("starts_at", "ends_at"):
            if name in data and not _hhmm(str(data[name])):
                raise ValidationError(str(_l("时间格式不正确（如 08:30）")), field_name=name)
        if data.get("starts_at", "08:30") >= data.get("ends_at", "17:30"):
            raise ValidationError(str(_l("结束时间须晚于开始时间")), field_name="ends_at")
        if data.get("rule") == RuleKind.DATE_LIST and not str(data.get("dates") or "").strip():
            raise ValidationError(str(_l("请填写日期清单")), field_name="dates")
        try:
            # A rule that gives no date in an ordinary year (or a malformed list) is refused here,
            # before it is saved; 2023 is a year without 29 February.
            plan_year({**data, "holiday_shift": HolidayShift.KEEP}, 2023)
        except RuleError as exc:
            raise ValidationError(str(exc), field_name=exc.field) from exc


class SiteSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in SiteKind]))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    branch_id = fields.Integer(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)


class DutySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    is_grassroots_cadre = fields.Boolean(dump_only=True)
    in_office = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in DutyStatus]})
    absence_reason = fields.String(dump_only=True, allow_none=True)
    substitute_for_id = fields.Integer(dump_only=True, allow_none=True)
    needs_substitute = fields.Boolean(
        dump_only=True, metadata={"description": "已报告不能参加且尚未安排替补"}
    )


class DaySiteSchema(BaseSchema):
    site_id = fields.Integer(dump_only=True)
    site_name = fields.String(dump_only=True)
    site_kind = fields.String(dump_only=True)
    people_received = fields.Integer(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    duties = fields.List(fields.Nested(DutySchema), dump_only=True)
    problems = fields.List(
        fields.String(), dump_only=True, metadata={"description": "不符合配备要求之处"}
    )


class DaySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    schedule_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    rule_day = fields.Date(dump_only=True, metadata={"description": "按规则本应的日期"})
    starts_at = fields.String(dump_only=True, metadata={"example": "08:30"})
    ends_at = fields.String(dump_only=True, metadata={"example": "17:30"})
    moved_reason = fields.String(dump_only=True, allow_none=True)
    short_notice_reason = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "不足公告期仍调整或发布的原因；公告标明“临时调整（不足N天公告）”"},
    )
    short_notice_days = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "当时要求提前公告的天数"}
    )
    notice_on = fields.Date(dump_only=True, metadata={"description": "公告日期"})
    notice_published_at = fields.DateTime(dump_only=True, allow_none=True)
    summary_sent_at = fields.DateTime(dump_only=True, allow_none=True)
    sites = fields.List(fields.Nested(DaySiteSchema), dump_only=True)


class ScheduleSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ScheduleStatus]})
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    rule = fields.Dict(dump_only=True, metadata={"description": "生成时依据的规则"})
    calendar_known = fields.Boolean(
        dump_only=True, metadata={"description": "该年度法定节假日安排是否已知"}
    )
    days = fields.List(fields.Nested(DaySchema), dump_only=True)
    problems = fields.List(fields.Nested(lambda: ProblemSchema()), dump_only=True)


class ScheduleBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)


class CandidateSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    is_grassroots_cadre = fields.Boolean(dump_only=True)
    workplace = fields.String(dump_only=True, allow_none=True)


class RecordedCaseSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    tracking_code = fields.String(dump_only=True, metadata={"description": "查询码，只显示这一次"})
    state = fields.String(dump_only=True)


class SummarySchema(BaseSchema):
    day_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    sites = fields.Integer(dump_only=True)
    representatives = fields.Integer(dump_only=True)
    people_received = fields.Integer(dump_only=True)
    cases = fields.Integer(dump_only=True)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    per_site = fields.List(fields.Nested(lambda: SummarySiteSchema()), dump_only=True)
    sent_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "报送时间；未报送为空（实时统计）"},
    )


# --- added for the API (dump-only unless said otherwise) -----------------------------------------


class SiteQuerySchema(BaseSchema):
    active_only = fields.Boolean(load_default=False)


class ProblemSchema(BaseSchema):
    day_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    site_id = fields.Integer(dump_only=True)
    site_name = fields.String(dump_only=True)
    problem = fields.String(dump_only=True)
    coming = fields.Boolean(dump_only=True, metadata={"description": "接待日尚未过去（影响发布）"})


class MyDutySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    day_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    starts_at = fields.String(dump_only=True)
    ends_at = fields.String(dump_only=True)
    site_id = fields.Integer(dump_only=True)
    site_name = fields.String(dump_only=True)
    site_address = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    absence_reason = fields.String(dump_only=True, allow_none=True)
    substitute_for_id = fields.Integer(dump_only=True, allow_none=True)
    published = fields.Boolean(dump_only=True)


class DayCaseSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    received_by_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class SummarySiteSchema(BaseSchema):
    site_id = fields.Integer(dump_only=True)
    site = fields.String(dump_only=True)
    representatives = fields.List(fields.String(), dump_only=True)
    people_received = fields.Integer(dump_only=True, allow_none=True)
    cases = fields.Integer(dump_only=True)


class ReportTotalsSchema(BaseSchema):
    days = fields.Integer(dump_only=True)
    representatives = fields.Integer(dump_only=True)
    people_received = fields.Integer(dump_only=True)
    cases = fields.Integer(dump_only=True)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)


class YearReportSchema(BaseSchema):
    year = fields.Integer(dump_only=True)
    days = fields.List(fields.Nested(SummarySchema), dump_only=True)
    totals = fields.Nested(ReportTotalsSchema, dump_only=True)
