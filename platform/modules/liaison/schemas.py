"""Settings and API output schemas of the liaison-chain module (三联); the inputs are in
`inputs.py`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.modules.liaison.models import Level
from lianxin.people import privacy

if TYPE_CHECKING:
    from lianxin.modules.liaison.service import Compliance, PersonDuty


class LiaisonSettings(BaseSchema):
    reps_per_committee_member = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=50),
        metadata={"label": _l("每名党委委员联系代表（名）")},
    )
    members_per_rep = fields.Integer(
        load_default=2,
        validate=validate.Range(min=1, max=50),
        metadata={"label": _l("每名代表至少联系党员（名）")},
    )
    households_per_member = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=50),
        metadata={"label": _l("每名党员至少联系群众（户）")},
    )
    contacts_per_quarter = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=30),
        metadata={"label": _l("每个联系对象每季度至少联系（次）")},
    )
    reports_per_quarter = fields.Boolean(
        load_default=True,
        metadata={"label": _l("代表每季度向联系委员报告一次履职情况")},
    )
    meetings_per_quarter = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=12),
        metadata={
            "label": _l("党委委员每季度召开联系代表座谈会（次）"),
            "description": _l("0 表示不作要求"),
        },
    )
    reminder_days = fields.Integer(
        load_default=15,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("季度末前几天提醒未完成的人（天）")},
    )


# --- the API -------------------------------------------------------------------------------------


class PersonSchema(BaseSchema):
    kind = fields.String(metadata={"example": "representative"})
    id = fields.Integer()
    name = fields.String(
        allow_none=True, metadata={"description": "null：按个人信息保护规则不向您显示"}
    )


class LinkSchema(BaseSchema):
    """A pair as the API shows it (the input is inputs.LinkInSchema)."""

    id = fields.Integer(dump_only=True)
    year = fields.Integer()
    level = fields.String(validate=validate.OneOf([v.value for v in Level]))
    upper = fields.Nested(PersonSchema, dump_only=True)
    lower = fields.Nested(PersonSchema, dump_only=True)
    branch_id = fields.Integer(dump_only=True, allow_none=True)
    suggested = fields.Boolean(dump_only=True)
    started_on = fields.Date(dump_only=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)
    contacts = fields.Integer(dump_only=True)


class LinkQuerySchema(BaseSchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    level = fields.String(validate=validate.OneOf([v.value for v in Level]))
    branch_id = fields.Integer()
    mine = fields.Boolean(load_default=False)


class SuggestResultSchema(BaseSchema):
    created = fields.Dict(keys=fields.String(), values=fields.Integer())
    short = fields.List(fields.Dict())


class BranchPartSchema(BaseSchema):
    year = fields.Integer()
    branch_id = fields.Integer()
    branch_name = fields.String()
    links = fields.Integer()
    short = fields.List(fields.Dict())
    confirmed = fields.Boolean()
    confirmed_at = fields.DateTime(allow_none=True)
    confirmed_links = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)


class CaseBriefSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    state = fields.String()
    state_label = fields.String()
    tracking_code = fields.String(allow_none=True, metadata={"description": "只在新登记时返回一次"})


class ContactSchema(BaseSchema):
    id = fields.Integer()
    link_id = fields.Integer()
    level = fields.String()
    upper = fields.Nested(PersonSchema)
    lower = fields.Nested(PersonSchema)
    contacted_on = fields.Date()
    method = fields.String()
    summary = fields.String()
    recorded_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    cases = fields.List(fields.Nested(CaseBriefSchema))
    duplicate = fields.Boolean(metadata={"description": "true：这是之前已保存的同一条记录"})


class ContactQuerySchema(BaseSchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    link_id = fields.Integer()
    mine = fields.Boolean(load_default=False)


class ReportSchema(BaseSchema):
    id = fields.Integer()
    representative_id = fields.Integer()
    representative_name = fields.String()
    year = fields.Integer()
    quarter = fields.Integer()
    text = fields.String()
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()


class ReportQuerySchema(BaseSchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))


class MeetingSchema(BaseSchema):
    id = fields.Integer()
    committee_user_id = fields.Integer()
    committee_name = fields.String()
    held_on = fields.Date()
    place = fields.String()
    summary = fields.String()
    attendees = fields.List(fields.Nested(PersonSchema))
    cases = fields.List(fields.Nested(CaseBriefSchema))
    duplicate = fields.Boolean()


class PeriodQuerySchema(BaseSchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))


class ComplianceSchema(BaseSchema):
    year = fields.Integer()
    quarter = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    links_due = fields.Integer()
    links_kept = fields.Integer()
    kept_share = fields.Float(allow_none=True)
    reports_due = fields.Integer()
    reports_in = fields.Integer()
    meetings_due = fields.Integer()
    meetings_held = fields.Integer()
    people = fields.List(fields.Dict())
    branches = fields.List(fields.Dict())
    behind = fields.List(fields.Dict())


class FiguresSchema(BaseSchema):
    year = fields.Integer()
    quarter = fields.Integer()
    figures = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "每项指标的值（value，比例为 0–1）与其基数（n）；无数据为 null"},
    )


# --- what a reader of the compliance sees of the people not contacted -----------------------------

# Whom each kind of upper end keeps in touch with.
LOWER_KIND = {
    "committee": privacy.Kind.REPRESENTATIVE,
    "representative": privacy.Kind.PARTY_MEMBER,
    "party_member": privacy.Kind.HOUSEHOLD,
}


def without_unseen_names(result: Compliance) -> Compliance:
    """The compliance with the names of the people not contacted left out where the reader
    may not see everyone's name of that kind (a county drilling down and households): the
    page and the API then say only that contacts fall short."""
    viewer = privacy.current_viewer()

    def named(duty: PersonDuty) -> PersonDuty:
        lower = LOWER_KIND.get(duty.person.kind)
        if duty.not_kept and lower is not None and viewer.reaches(lower) != privacy.ALL:
            return replace(duty, not_kept=[])
        return duty

    return replace(result, people=[named(d) for d in result.people])
