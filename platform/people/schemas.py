"""API schemas of the people.

Input and output differ: what a caller may read of a person is cut by
`lianxin.people.privacy` (a hidden field is null and named in `redacted`), so every personal
field of an output schema is nullable.
"""

from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.people import privacy
from lianxin.people.models import (
    Category,
    Education,
    EndReason,
    Gender,
    GroupRole,
    RepStatus,
    UnitKind,
    UnitLevel,
)


class RepresentativeSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name_pinyin = fields.String(dump_only=True)
    gender = fields.String(required=True, validate=validate.OneOf(list(Gender)))
    birth_date = fields.Date(required=True)
    ethnicity = fields.String(load_default="汉族", validate=validate.Length(max=20))
    education = fields.String(required=True, validate=validate.OneOf(list(Education)))
    category = fields.String(required=True, validate=validate.OneOf(list(Category)))
    is_grassroots_cadre = fields.Boolean(load_default=False)
    publish_contact = fields.Boolean(
        load_default=False,
        metadata={"description": "本人同意在公开页面公布手机号、工作单位和照片"},
    )
    branch_id = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "选举单位（支部）"}
    )
    group_id = fields.Integer(load_default=None, allow_none=True)
    is_township_rep = fields.Boolean(load_default=True)
    is_county_rep = fields.Boolean(load_default=False)
    term = fields.Integer(required=True, validate=validate.Range(min=1, max=99))
    phone = fields.String(load_default=None, allow_none=True)
    workplace = fields.String(load_default=None, allow_none=True)
    post = fields.String(load_default=None, allow_none=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(list(RepStatus)))
    ended_reason = fields.String(dump_only=True, allow_none=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    photo_file_id = fields.Integer(dump_only=True, allow_none=True)


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


class RepresentativePatchSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=50))
    gender = fields.String(validate=validate.OneOf(list(Gender)))
    birth_date = fields.Date()
    ethnicity = fields.String(validate=validate.Length(max=20))
    education = fields.String(validate=validate.OneOf(list(Education)))
    category = fields.String(validate=validate.OneOf(list(Category)))
    is_grassroots_cadre = fields.Boolean()
    publish_contact = fields.Boolean()
    branch_id = fields.Integer(allow_none=True)
    group_id = fields.Integer(allow_none=True)
    is_township_rep = fields.Boolean()
    is_county_rep = fields.Boolean()
    term = fields.Integer(validate=validate.Range(min=1, max=99))
    phone = fields.String(allow_none=True)
    workplace = fields.String(allow_none=True)
    post = fields.String(allow_none=True)


class RepresentativeQuerySchema(BaseSchema):
    q = fields.String(load_default=None, metadata={"description": "姓名、拼音或首字母"})
    status = fields.String(load_default=None, validate=validate.OneOf(list(RepStatus)))
    branch_id = fields.Integer(load_default=None)
    group_id = fields.Integer(load_default=None)


class EndQualificationSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.OneOf(list(EndReason)))
    on = fields.Date(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class AccountSchema(BaseSchema):
    user_id = fields.Integer(load_default=None, allow_none=True)
    username = fields.String(load_default=None, validate=validate.Length(min=3, max=64))


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
    members = fields.List(fields.Nested(GroupMemberSchema), dump_only=True)


class GroupPatchSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    description = fields.String(allow_none=True)
    is_active = fields.Boolean()


class GroupAssignSchema(BaseSchema):
    representative_id = fields.Integer(required=True)
    role = fields.String(
        load_default=GroupRole.MEMBER.value, validate=validate.OneOf(list(GroupRole))
    )
    on = fields.Date(load_default=None, allow_none=True)


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


class UnitPatchSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    level = fields.String(validate=validate.OneOf(list(UnitLevel)))
    kind = fields.String(validate=validate.OneOf(list(UnitKind)))
    contact_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    is_active = fields.Boolean()


class UnitUserSchema(BaseSchema):
    user_id = fields.Integer(load_default=None, allow_none=True)
    username = fields.String(load_default=None, validate=validate.Length(min=3, max=64))
    display_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    phone = fields.String(load_default=None, allow_none=True)


class UnitUserAddedSchema(BaseSchema):
    membership_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    setup_url = fields.String(dump_only=True, allow_none=True)


class PartyMemberSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    gender = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf([*list(Gender), None])
    )
    phone = fields.String(load_default=None, allow_none=True)
    branch_id = fields.Integer(required=True)
    is_active = fields.Boolean(load_default=True)


class PartyMemberOutSchema(privacy.Redacting, BaseSchema):
    privacy_kind = privacy.Kind.PARTY_MEMBER

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True, allow_none=True)
    gender = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True)
    branch_id = fields.Integer(dump_only=True)
    is_active = fields.Boolean(dump_only=True)


class PartyMemberPatchSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=50))
    gender = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    branch_id = fields.Integer()
    is_active = fields.Boolean()


class HouseholdSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    head_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    address = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    branch_id = fields.Integer(required=True)
    note = fields.String(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)


class HouseholdOutSchema(privacy.Redacting, BaseSchema):
    privacy_kind = privacy.Kind.HOUSEHOLD

    id = fields.Integer(dump_only=True)
    head_name = fields.String(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True)
    branch_id = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    is_active = fields.Boolean(dump_only=True)


class HouseholdPatchSchema(BaseSchema):
    head_name = fields.String(validate=validate.Length(min=1, max=50))
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    branch_id = fields.Integer()
    note = fields.String(allow_none=True)
    is_active = fields.Boolean()


class BranchFilterSchema(BaseSchema):
    q = fields.String(load_default=None)
    branch_id = fields.Integer(load_default=None)
