"""Account pages: log in and out, the one-time set-up link, the profile with API tokens, and the
account page where an administrator switches an account off or sends it a set-up link."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from lianxin.auth import devices, management, permissions, throttle
from lianxin.auth import service as accounts
from lianxin.auth import sessions as web_sessions
from lianxin.auth.actor import Actor
from lianxin.auth.forms import ChangePasswordForm, EmptyForm, LoginForm, SetupForm, TokenForm
from lianxin.auth.models import SetupLink
from lianxin.auth.redirects import safe_next
from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.errors import (
    DomainError,
    InvalidCredentials,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from lianxin.notify.preferences import Preferences, PreferencesInputSchema
from lianxin.tenants.models import County, Township
from lianxin.usecases import load_input
from lianxin.web.forms import apply_errors
from lianxin.web.scope import client_ip, current_actor

bp = Blueprint("auth", __name__, template_folder="templates")

# The secret of the set-up link a browser opened, kept in its signed session instead of in a URL
# (URLs end up in access logs, browser history and Referer headers), for this many minutes.
SETUP_KEY = "_setup_link"
SETUP_MINUTES = 30


@bp.route("/login", methods=["GET", "POST"])
@throttle.failures_limited()
def login():
    form = LoginForm()
    if form.validate_on_submit():
        known = devices.known_user_ids()
        try:
            user = accounts.authenticate(
                form.username.data or "",
                form.password.data or "",
                ip=client_ip(),
                known_devices=known,
            )
        except DomainError as exc:
            if isinstance(exc, InvalidCredentials):
                throttle.failed()
            flash(exc.message, "error")
        else:
            session.clear()
            login_user(user)
            web_sessions.start(user)
            response = redirect(safe_next(request.args.get("next"), url_for("web.index")))
            devices.remember(response, user.id, known)
            return response
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        web_sessions.end()
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/setup/<token>")
@throttle.failures_limited(methods=("GET",))
def setup_link(token: str):
    """Exchange the link's token for a short-lived secret in the session and leave its URL: the
    token opens nothing any more."""
    try:
        session[SETUP_KEY] = accounts.open_setup_link(token, SETUP_MINUTES)
    except NotFound:
        throttle.failed()
        raise
    return redirect(url_for("auth.setup"))


def _opened_link() -> tuple[str, SetupLink]:
    secret = session.get(SETUP_KEY)
    try:
        if not isinstance(secret, str):
            raise NotFound()
        return secret, accounts.find_setup_link(secret)
    except NotFound:
        session.pop(SETUP_KEY, None)
        raise NotFound(
            _(
                "设置链接已失效（链接只能打开一次，打开后须在%(n)d分钟内设置密码）：请联系管理员重新发送。",
                n=SETUP_MINUTES,
            )
        ) from None


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    secret, link = _opened_link()
    form = SetupForm()
    if form.validate_on_submit():
        try:
            accounts.complete_setup(secret, form.password.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            session.pop(SETUP_KEY, None)
            flash(_("密码已设置，请登录。"), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/setup.html", form=form, user=link.user)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    actor = current_actor()
    token_form, password_form = TokenForm(prefix="token"), ChangePasswordForm(prefix="pw")
    channels_form, channel_errors = EmptyForm(prefix="channels"), {}
    new_token = None
    if request.method == "POST" and "channels-save" in request.form:
        if channels_form.validate():
            try:
                accounts.set_channel_preferences(actor, _channel_choice())
            except ValidationFailed as exc:
                channel_errors = exc.errors
            else:
                flash(_("消息接收方式已保存。"), "success")
                return redirect(url_for("auth.profile", _anchor="channels"))
    elif request.method == "POST" and "token-name" in request.form and token_form.validate():
        try:
            new_token = accounts.create_api_token(actor, token_form.name.data or "").plaintext
            token_form = TokenForm(prefix="token", formdata=None)
        except ValidationFailed as exc:
            apply_errors(token_form, exc)
    elif (
        request.method == "POST" and "pw-new_password" in request.form and password_form.validate()
    ):
        try:
            user = accounts.change_password(
                actor,
                password_form.current_password.data or "",
                password_form.new_password.data or "",
            )
        except ValidationFailed as exc:
            apply_errors(password_form, exc)
        else:
            web_sessions.restamp(user)  # this session stays; every other one has ended
            flash(_("密码已修改。您在其他设备上的登录已退出，API 令牌已全部撤销。"), "success")
            return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html",
        token_form=token_form,
        password_form=password_form,
        new_token=new_token,
        tokens=accounts.list_api_tokens(actor),
        channels=accounts.channel_preferences(actor),
        channels_form=channels_form,
        channel_errors=channel_errors,
        revoke_form=EmptyForm(),
        now=utcnow(),
        manages_accounts=permissions.administers_accounts(actor),
        memberships=_memberships(actor),
    )


def _memberships(actor: Actor) -> list[tuple[str, list[str]]]:
    """(role, place) of each of the viewer's memberships, the place named from the county down
    to the branch or the handling unit the role is bound to (县, 乡镇, 支部)."""
    from lianxin.people import service as people
    from lianxin.tenants import service as tenants

    rows: list[tuple[str, list[str]]] = []
    for grant in actor.grants:
        if grant.tenant_id is not None:
            township = db.session.get(Township, grant.tenant_id)
            if township is None:
                continue
            parts = [township.county.name, township.name]
            with tenant_context(township.id, read_only=True):
                if grant.branch_id is not None:
                    parts.append(tenants.get_branch(actor, township, grant.branch_id).name)
                if grant.unit_id is not None:
                    parts.append(people.get_unit(actor, township, grant.unit_id).name)
        elif grant.county_id is not None:
            county = db.session.get(County, grant.county_id)
            parts = [county.name] if county else []
        else:
            parts = [_("平台")]
        rows.append((grant.role.label, parts))
    return rows


def _channel_choice() -> Preferences:
    """The channels form: a box left unticked is a channel switched off."""
    form = request.form
    return load_input(
        PreferencesInputSchema,
        {
            "sms": "channels-sms" in form,
            "email": "channels-email" in form,
            "wecom": "channels-wecom" in form,
            "wecom_userid": form.get("channels-wecom_userid", ""),
        },
    )


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if EmptyForm().validate_on_submit():
        accounts.revoke_api_token(current_actor(), token_id)
        flash(_("令牌已撤销。"), "success")
    return redirect(url_for("auth.profile"))


# --- accounts of others -------------------------------------------------------------------------


@bp.get("/accounts")
@login_required
def accounts_lookup():
    """Find an account by username (an administrator's way to its page)."""
    actor = current_actor()
    if not permissions.administers_accounts(actor):
        raise PermissionDenied()
    username = (request.args.get("username") or "").strip()
    status = 200
    if username:
        try:
            found = management.find_account(actor, username)
        except NotFound as exc:
            flash(exc.message, "error")
            status = 404
        else:
            return redirect(url_for("auth.account", user_id=found.user_id))
    return make_response(render_template("auth/accounts.html", username=username), status)


def _place_names(account: management.Account) -> dict[int, str]:
    names: dict[int, str] = {}
    for grant in account.grants:
        if grant.tenant_id is not None:
            township = db.session.get(Township, grant.tenant_id)
            names[grant.membership_id] = township.name if township else ""
        elif grant.county_id is not None:
            county = db.session.get(County, grant.county_id)
            names[grant.membership_id] = county.name if county else ""
        else:
            names[grant.membership_id] = _("平台")
    return names


@bp.get("/accounts/<int:user_id>")
@login_required
def account(user_id: int):
    found = management.get_account(current_actor(), user_id)
    return render_template(
        "auth/account.html",
        account=found,
        places=_place_names(found),
        refused=None if found.manageable else management.switch_refused_message(),
        action_form=EmptyForm(),
        is_self=found.user_id == current_actor().user_id,
    )


@bp.post("/accounts/<int:user_id>/active")
@login_required
def account_active(user_id: int):
    if EmptyForm().validate_on_submit():
        active = request.form.get("active") == "1"
        management.set_active(current_actor(), user_id, active)
        flash(
            _("账号已启用。") if active else _("账号已停用，其登录和 API 令牌均已失效。"), "success"
        )
    return redirect(url_for("auth.account", user_id=user_id))


@bp.post("/accounts/<int:user_id>/setup-link")
@login_required
def account_setup_link(user_id: int):
    if EmptyForm().validate_on_submit():
        issued = management.issue_setup_link(current_actor(), user_id)
        flash(
            _(
                "新的一次性设置链接（此前发送的链接已失效）：%(url)s",
                url=accounts.setup_url(issued.token),
            ),
            "success",
        )
    return redirect(url_for("auth.account", user_id=user_id))
