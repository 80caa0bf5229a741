"""Forms of the county, platform and township administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lianxin.tenants.models import BranchKind

SLUG = Regexp(
    r"^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", message=_l("标识须为小写字母、数字或连字符，2–63位")
)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _AdminFields:
    admin_username = StringField(
        _l("管理员用户名"),
        validators=[DataRequired(_l("请填写管理员用户名")), Length(min=3, max=64)],
    )
    admin_name = StringField(
        _l("管理员姓名"), validators=[DataRequired(_l("请填写管理员姓名")), Length(max=100)]
    )
    admin_email = EmailField(
        _l("管理员邮箱（用于发送设置链接，可不填）"),
        validators=[Optional(), Email(_l("邮箱格式不正确"))],
    )
    admin_phone = StringField(_l("管理员手机号（可不填）"), validators=[Optional(), Length(max=32)])


class CountyForm(_AdminFields, FlaskForm):
    name = StringField(
        _l("县（区）名称"), validators=[DataRequired(_l("请填写名称")), Length(max=100)]
    )
    slug = StringField(_l("网址标识"), validators=[DataRequired(_l("请填写标识")), SLUG])


class OnboardForm(_AdminFields, FlaskForm):
    name = StringField(_l("乡镇名称"), validators=[DataRequired(_l("请填写名称")), Length(max=100)])
    slug = StringField(_l("网址标识"), validators=[DataRequired(_l("请填写标识")), SLUG])
    modules = MultiCheckboxField(_l("开通的模块"), choices=[], validate_choice=True)


BRANCH_KIND_LABELS = {
    BranchKind.VILLAGE: _l("村党支部"),
    BranchKind.COMMUNITY: _l("社区党支部"),
    BranchKind.ENTERPRISE: _l("企业党支部"),
    BranchKind.GENERAL: _l("党总支"),
    BranchKind.OTHER: _l("其他"),
}


class BranchForm(FlaskForm):
    """Renders the branch pages' fields and shows their errors; what is posted is loaded and
    checked by `inputs.BranchInputSchema` (these validators only mark the fields in the page)."""

    name = StringField(_l("支部名称"), validators=[DataRequired(_l("请填写名称")), Length(max=100)])
    kind = SelectField(
        _l("类型"), choices=[SelectChoice(k.value, v) for k, v in BRANCH_KIND_LABELS.items()]
    )
    secretary_name = StringField(_l("支部书记"), validators=[Optional(), Length(max=50)])
    is_active = BooleanField(_l("在用"), default=True)


class MemberForm(FlaskForm):
    username = StringField(
        _l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(min=3, max=64)]
    )
    display_name = StringField(
        _l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=100)]
    )
    phone = StringField(_l("手机号"), validators=[Optional(), Length(max=32)])
    email = EmailField(_l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确"))])
    role = SelectField(_l("角色"), choices=[])
    branch_id = SelectField(_l("支部（支部联络员必填）"), choices=[], coerce=str)


class GrantForm(FlaskForm):
    role = SelectField(_l("角色"), choices=[])
    branch_id = SelectField(_l("支部"), choices=[], coerce=str)
