"""API schemas of counties, townships, module switches and branches."""

from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.audit.labels import action_label
from lianxin.auth.roles import TOWNSHIP_ROLES
from lianxin.tenants.models import BranchKind, TownshipStatus


class CountySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)


class CountyCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    slug = fields.String(required=True, validate=validate.Length(min=2, max=63))
    admin_username = fields.String(required=True, validate=validate.Length(min=3, max=64))
    admin_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    admin_email = fields.Email(load_default=None, allow_none=True)
    admin_phone = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=32)
    )


class OnboardedSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    slug = fields.String(dump_only=True)
    admin_username = fields.String(dump_only=True)
    setup_url = fields.String(dump_only=True, metadata={"description": "一次性设置链接"})


class TownshipSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    modules = fields.List(fields.String(), dump_only=True, metadata={"description": "已开通的模块"})
    labels = fields.Dict(dump_only=True)


class TownshipCreateSchema(CountyCreateSchema):
    modules = fields.List(fields.String(), load_default=list)


class TownshipStatusSchema(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(list(TownshipStatus)))


_SETTINGS_CHANGE = (
    "只改写明的设置项；某项写 null 表示删除这一层的值，恢复为下一层的默认"
    "（乡镇：县级默认；县级：平台默认）。"
)


def _settings_values() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        load_default=None,
        allow_none=True,
        metadata={"description": _SETTINGS_CHANGE, "example": {"quorum_percent": 90}},
    )


class ModuleSwitchSchema(BaseSchema):
    enabled = fields.Boolean(load_default=None, allow_none=True)
    settings = _settings_values()


class SettingsChangeSchema(BaseSchema):
    settings = _settings_values()


class ModuleStateSchema(BaseSchema):
    key = fields.String(dump_only=True)
    enabled = fields.Boolean(dump_only=True)
    settings = fields.Dict(dump_only=True, metadata={"description": "生效的设置"})
    overrides = fields.Dict(
        dump_only=True, metadata={"description": "本乡镇自己的设置（其余沿用县级默认）"}
    )
    defaults = fields.Dict(
        dump_only=True, metadata={"description": "县级默认：没有本乡镇设置时各项的取值"}
    )


class TownshipSettingsSchema(BaseSchema):
    key = fields.String(dump_only=True)
    settings = fields.Dict(dump_only=True, metadata={"description": "生效的设置"})
    overrides = fields.Dict(
        dump_only=True, metadata={"description": "本乡镇自己的设置（其余沿用县级默认）"}
    )
    defaults = fields.Dict(
        dump_only=True, metadata={"description": "县级默认：没有本乡镇设置时各项的取值"}
    )


class CountyDefaultsSchema(BaseSchema):
    key = fields.String(dump_only=True)
    settings = fields.Dict(dump_only=True, metadata={"description": "县级默认下各项的取值"})
    county_defaults = fields.Dict(
        dump_only=True, metadata={"description": "本县自己定的默认（其余沿用平台默认）"}
    )
    defaults = fields.Dict(dump_only=True, metadata={"description": "平台默认"})


class BranchSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(
        load_default=BranchKind.VILLAGE.value, validate=validate.OneOf(list(BranchKind))
    )
    secretary_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=50)
    )
    is_active = fields.Boolean(load_default=True)


class MemberSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True, attribute="user.username")
    display_name = fields.String(dump_only=True, attribute="user.display_name")
    role = fields.String(dump_only=True)
    branch_id = fields.Integer(dump_only=True, allow_none=True)


class MemberCreateSchema(BaseSchema):
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in TOWNSHIP_ROLES]))
    user_id = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "给已有成员增加角色时填写"}
    )
    username = fields.String(load_default=None, validate=validate.Length(min=3, max=64))
    display_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    email = fields.Email(load_default=None, allow_none=True)
    branch_id = fields.Integer(load_default=None, allow_none=True)


class MemberCreatedSchema(MemberSchema):
    setup_url = fields.String(dump_only=True, allow_none=True)


class LabelsSchema(BaseSchema):
    labels = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class AuditEntrySchema(BaseSchema):
    seq = fields.Integer(dump_only=True)
    actor_name = fields.String(dump_only=True)
    actor_role = fields.String(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True)
    action_label = fields.Function(
        lambda entry: action_label(entry.action),
        dump_only=True,
        metadata={"type": "string", "description": "操作的中文名称（未命名的操作为其代码）"},
    )
    target_type = fields.String(dump_only=True, allow_none=True)
    target_id = fields.String(dump_only=True, allow_none=True)
    before = fields.Dict(dump_only=True, allow_none=True)
    after = fields.Dict(dump_only=True, allow_none=True)
    ip = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    hash = fields.String(dump_only=True)
