"""Forms of the account pages (Flask-WTF: every form carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码"))])


class SetupForm(FlaskForm):
    password = PasswordField(
        _l("新密码"),
        validators=[DataRequired(_l("请填写密码")), Length(min=10, message=_l("密码至少需要10位"))],
    )
    confirm = PasswordField(
        _l("再次输入"),
        validators=[
            DataRequired(_l("请再次输入密码")),
            EqualTo("password", _l("两次输入的密码不一致")),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请填写当前密码"))]
    )
    new_password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(_l("请填写新密码")),
            Length(min=10, message=_l("密码至少需要10位")),
        ],
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("令牌名称"), validators=[DataRequired(_l("请填写令牌名称")), Length(max=100)]
    )


class EmptyForm(FlaskForm):
    """A button that posts: only the CSRF token."""
