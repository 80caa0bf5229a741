"""Account pages: log in and out, the one-time set-up link, the profile with API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from lianxin.auth import service as accounts
from lianxin.auth import sessions as web_sessions
from lianxin.auth.forms import ChangePasswordForm, EmptyForm, LoginForm, SetupForm, TokenForm
from lianxin.errors import DomainError, ValidationFailed
from lianxin.extensions import limiter
from lianxin.web.forms import apply_errors
from lianxin.web.scope import client_ip, current_actor

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_limit() -> str:
    from flask import current_app

    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.username.data or "", form.password.data or "", ip=client_ip()
            )
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            session.clear()
            login_user(user)
            web_sessions.start()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        web_sessions.end()
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def setup(token: str):
    link = accounts.find_setup_link(token)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            accounts.complete_setup(token, form.password.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("密码已设置，请登录。"), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/setup.html", form=form, user=link.user)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    actor = current_actor()
    token_form, password_form = TokenForm(prefix="token"), ChangePasswordForm(prefix="pw")
    new_token = None
    if request.method == "POST" and "token-name" in request.form and token_form.validate():
        try:
            new_token = accounts.create_api_token(actor, token_form.name.data or "").plaintext
            token_form = TokenForm(prefix="token", formdata=None)
        except ValidationFailed as exc:
            apply_errors(token_form, exc)
    elif (
        request.method == "POST" and "pw-new_password" in request.form and password_form.validate()
    ):
        try:
            accounts.change_password(
                actor,
                password_form.current_password.data or "",
                password_form.new_password.data or "",
            )
            flash(_("密码已修改。"), "success")
            return redirect(url_for("auth.profile"))
        except ValidationFailed as exc:
            apply_errors(password_form, exc)
    return render_template(
        "auth/profile.html",
        token_form=token_form,
        password_form=password_form,
        new_token=new_token,
        tokens=accounts.list_api_tokens(actor),
        revoke_form=EmptyForm(),
    )


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if EmptyForm().validate_on_submit():
        accounts.revoke_api_token(current_actor(), token_id)
        flash(_("令牌已撤销。"), "success")
    return redirect(url_for("auth.profile"))
