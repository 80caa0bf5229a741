"""API output schemas of the people (the inputs, one per write, are in `lianxin.people.inputs`).

Input and output differ: what a caller may read of a person is cut by
`lianxin.people.privacy` (a hidden field is null and named in `redacted`), so every personal
field of an output schema is nullable.
"""

from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.people import privacy
from lianxin.people.models import (
    RepStatus,
    UnitKind,
    UnitLevel,
)


class RepresentativeOutSchema(privacy.Redacting, BaseSchema):
    privacy_kind = privacy.Kind.REPRESENTATIVE

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True, allow_none=True)
    name_pinyin = fields.String(dump_only=True, allow_none=True)
    gender = fields.String(dump_only=True, allow_none=True)
    birth_date = fields.Date(dump_only=True, allow_none=True)
    ethnicity = fields.String(dump_only=True, allow_none=True)
    education = fields.String(dump_only=True, allow_none=True)
    category = fields.String(dump_only=True, allow_none=True)
    is_grassroots_cadre = fields.Boolean(dump_only=True, allow_none=True)
    publish_contact = fields.Boolean(dump_only=True)
    branch_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "选举单位（支部）"}
    )
    group_id = fields.Integer(dump_only=True, allow_none=True)
    is_township_rep = fields.Boolean(dump_only=True)
    is_county_rep = fields.Boolean(dump_only=True)
    term = fields.Integer(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    workplace = fields.String(dump_only=True, allow_none=True)
    post = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    ended_reason = fields.String(dump_only=True, allow_none=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    photo_file_id = fields.Integer(dump_only=True, allow_none=True)


class RepresentativeQuerySchema(BaseSchema):
    q = fields.String(load_default=None, metadata={"description": "姓名、拼音或首字母"})
    status = fields.String(load_default=None, validate=validate.OneOf(list(RepStatus)))
    branch_id = fields.Integer(load_default=None)
    group_id = fields.Integer(load_default=None)


class AccountLinkedSchema(BaseSchema):
    representative_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    setup_url = fields.String(dump_only=True, allow_none=True)


class GroupMemberSchema(BaseSchema):
    representative_id = fields.Integer(dump_only=True, attribute="rep.id")
    name = fields.String(dump_only=True, attribute="rep.name")
    role = fields.String(dump_only=True)


class GroupSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    description = fields.String(load_default=None, allow_none=True)
    is_active = fields.Boolean(dump_only=True)
    kind = fields.String(
        dump_only=True, metadata={"description": "area 地域小组 / thematic 专业小组"}
    )
    members = fields.List(fields.Nested(GroupMemberSchema), dump_only=True)


class MembershipSchema(BaseSchema):
    """One membership of a representative: which group (area or thematic), role, from, to."""

    group_id = fields.Integer(dump_only=True, attribute="membership.group_id")
    group_name = fields.String(dump_only=True, attribute="group.name")
    kind = fields.String(
        dump_only=True,
        attribute="group.kind",
        metadata={"description": "area 地域小组 / thematic 专业小组"},
    )
    role = fields.String(dump_only=True, attribute="membership.role")
    started_on = fields.Date(dump_only=True, attribute="membership.started_on")
    ended_on = fields.Date(
        dump_only=True,
        allow_none=True,
        attribute="membership.ended_on",
        metadata={"description": "空：现在仍在该小组"},
    )


class UnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(
        load_default=UnitLevel.TOWNSHIP.value, validate=validate.OneOf(list(UnitLevel))
    )
    kind = fields.String(
        load_default=UnitKind.DEPARTMENT.value, validate=validate.OneOf(list(UnitKind))
    )
    contact_name = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)


class UnitUserAddedSchema(BaseSchema):
    membership_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    setup_url = fields.String(dump_only=True, allow_none=True)


class PartyMemberOutSchema(privacy.Redacting, BaseSchema):
    privacy_kind = privacy.Kind.PARTY_MEMBER

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True, allow_none=True)
    gender = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True)
    branch_id = fields.Integer(dump_only=True)
    is_active = fields.Boolean(dump_only=True)


class HouseholdOutSchema(privacy.Redacting, BaseSchema):
    privacy_kind = privacy.Kind.HOUSEHOLD

    id = fields.Integer(dump_only=True)
    head_name = fields.String(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True)
    branch_id = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    is_active = fields.Boolean(dump_only=True)


class BranchFilterSchema(BaseSchema):
    q = fields.String(load_default=None)
    branch_id = fields.Integer(load_default=None)
