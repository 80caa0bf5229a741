"""Pages of the platform admin, the county, the township and the public township page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields as ma_fields
from wtforms.fields.choices import SelectChoice

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.forms import EmptyForm
from lianxin.auth.roles import TOWNSHIP_ROLES, Role
from lianxin.db import db
from lianxin.errors import DomainError, PermissionDenied, ValidationFailed
from lianxin.modules.registry import ModuleSpec, current_registry
from lianxin.tenants import service as tenants
from lianxin.tenants.forms import (
    BRANCH_KIND_LABELS,
    BranchForm,
    CountyForm,
    MemberForm,
    OnboardForm,
)
from lianxin.tenants.labels import LABEL_TITLES
from lianxin.tenants.models import Township, TownshipStatus
from lianxin.web.forms import apply_errors
from lianxin.web.scope import current_actor, current_county, current_township

platform_bp = Blueprint("platform", __name__, url_prefix="/admin", template_folder="templates")
county_bp = Blueprint(
    "county", __name__, url_prefix="/c/<county_slug>", template_folder="templates"
)
township_bp = Blueprint(
    "township", __name__, url_prefix="/t/<township_slug>", template_folder="templates"
)
public_bp = Blueprint(
    "public", __name__, url_prefix="/p/<township_slug>", template_folder="templates"
)


def _posted() -> bool:
    """A POST with a valid CSRF token."""
    return request.method == "POST" and EmptyForm().validate_on_submit()


def settings_from_form(spec: ModuleSpec, form: Any) -> dict[str, Any]:
    """Turn a settings form into data for the module's schema, which validates it."""
    data: dict[str, Any] = {}
    for name, field in spec.settings_fields():
        if isinstance(field, ma_fields.Boolean):
            # The page sends a hidden "0" before each checkbox, so an unticked box reads as
            # off and a setting the form did not carry at all is left as it was.
            if name in form:
                data[name] = "1" in form.getlist(name)
        elif name in form:
            data[name] = form.get(name, "").strip()
    return data


# --- platform -----------------------------------------------------------------------------------


@platform_bp.route("/", methods=["GET", "POST"], endpoint="home")
def platform_home():
    actor = current_actor()
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied()
    form = CountyForm()
    created = None
    if form.validate_on_submit():
        try:
            created = tenants.create_county(
                actor,
                name=form.name.data or "",
                slug=form.slug.data or "",
                admin_username=form.admin_username.data or "",
                admin_name=form.admin_name.data or "",
                admin_email=form.admin_email.data or None,
                admin_phone=form.admin_phone.data or None,
            )
            flash(_("已创建县（区）“%(name)s”。", name=created.county.name), "success")  # type: ignore[union-attr]
            form = CountyForm(formdata=None)
        except ValidationFailed as exc:
            apply_errors(form, exc)
    return render_template(
        "tenants/platform_home.html",
        counties=tenants.list_counties(actor),
        form=form,
        created=created,
        setup_url=accounts.setup_url,
    )


# --- county -------------------------------------------------------------------------------------


def _module_choices() -> list[tuple[str, str]]:
    return [SelectChoice(spec.key, str(spec.name)) for spec in current_registry().switchable()]


@county_bp.get("/", endpoint="home")
def county_home():
    actor, county = current_actor(), current_county()
    townships = tenants.county_townships(actor, county)
    switches = {t.id: tenants.enabled_module_keys(t.id) for t in townships}
    return render_template(
        "tenants/county_home.html",
        townships=townships,
        switches=switches,
        modules=current_registry().switchable(),
        can_admin=permissions.can_administer_county(actor, county.id),
        form=EmptyForm(),
    )


@county_bp.route("/townships/new", methods=["GET", "POST"])
def onboard():
    actor, county = current_actor(), current_county()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    form = OnboardForm()
    form.modules.choices = _module_choices()
    if form.validate_on_submit():
        try:
            done = tenants.onboard_township(
                actor,
                county,
                name=form.name.data or "",
                slug=form.slug.data or "",
                modules=list(form.modules.data or []),
                admin_username=form.admin_username.data or "",
                admin_name=form.admin_name.data or "",
                admin_email=form.admin_email.data or None,
                admin_phone=form.admin_phone.data or None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return render_template(
                "tenants/onboarded.html", done=done, link=accounts.setup_url(done.setup_token)
            )
    return render_template("tenants/onboard.html", form=form)


@county_bp.get("/townships/<int:township_id>")
def township(township_id: int):
    actor, county = current_actor(), current_county()
    target = tenants.county_township(actor, county, township_id)
    enabled = tenants.enabled_module_keys(target.id)
    settings = {
        spec.key: tenants.effective_settings(target.id, spec.key) for spec in current_registry()
    }
    return render_template(
        "tenants/county_township.html",
        target=target,
        enabled=enabled,
        modules=list(current_registry()),
        settings=settings,
        can_admin=permissions.can_administer_county(actor, county.id),
        form=EmptyForm(),
        errors={},
    )


@county_bp.post("/townships/<int:township_id>/modules/<key>")
def switch_module(township_id: int, key: str):
    actor, county = current_actor(), current_county()
    if _posted():
        enabled = request.form.get("enabled") == "1"
        tenants.set_module_enabled(actor, county, township_id, key, enabled)
        flash(_("已开通模块。") if enabled else _("已关闭模块（数据保留）。"), "success")
    return redirect(request.form.get("next") or url_for(".township", township_id=township_id))


@county_bp.post("/townships/<int:township_id>/modules/<key>/settings")
def module_settings(township_id: int, key: str):
    actor, county = current_actor(), current_county()
    target = tenants.county_township(actor, county, township_id)
    if not _posted():
        return redirect(url_for(".township", township_id=township_id))
    try:
        spec = current_registry().get(key)
    except LookupError:
        from lianxin.errors import NotFound

        raise NotFound() from None
    try:
        tenants.update_module_settings(
            actor, county, target.id, key, settings_from_form(spec, request.form)
        )
    except ValidationFailed as exc:
        flash(exc.message, "error")
        settings = {s.key: tenants.effective_settings(target.id, s.key) for s in current_registry()}
        settings[key] = {**settings[key], **settings_from_form(spec, request.form)}
        return render_template(
            "tenants/county_township.html",
            target=target,
            enabled=tenants.enabled_module_keys(target.id),
            modules=list(current_registry()),
            settings=settings,
            can_admin=True,
            form=EmptyForm(),
            errors={key: exc.errors},
        ), 422
    flash(_("设置已保存。"), "success")
    return redirect(url_for(".township", township_id=township_id))


@county_bp.post("/townships/<int:township_id>/status")
def township_status(township_id: int):
    actor, county = current_actor(), current_county()
    if _posted():
        status = request.form.get("status", "")
        tenants.set_township_status(actor, county, township_id, status)
        flash(
            _("乡镇已暂停使用。") if status == TownshipStatus.SUSPENDED else _("乡镇已恢复使用。"),
            "success",
        )
    return redirect(url_for(".township", township_id=township_id))


@county_bp.route("/settings", methods=["GET", "POST"])
def county_settings():
    actor, county = current_actor(), current_county()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    errors: dict[str, Any] = {}
    if _posted():
        key = request.form.get("module", "")
        try:
            spec = current_registry().get(key)
            tenants.update_county_defaults(
                actor, county, key, settings_from_form(spec, request.form)
            )
            flash(_("县级默认设置已保存。"), "success")
            return redirect(url_for(".county_settings"))
        except LookupError:
            flash(_("未知模块。"), "error")
        except ValidationFailed as exc:
            errors[key] = exc.errors
            flash(exc.message, "error")
    defaults = {
        spec.key: spec.validate_settings(county.module_defaults.get(spec.key, {}))
        for spec in current_registry()
    }
    return render_template(
        "tenants/county_settings.html",
        modules=list(current_registry()),
        defaults=defaults,
        errors=errors,
        form=EmptyForm(),
    ), 422 if errors else 200


@county_bp.get("/audit")
def county_audit():
    actor, county = current_actor(), current_county()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    return render_template("tenants/audit.html", entries=audit.entries_for_county(county.id))


# --- township -------------------------------------------------------------------------------


@township_bp.get("/", endpoint="home")
def township_home():
    actor, township = current_actor(), current_township()
    roles = sorted(actor.roles_in_township(township.id), key=list(Role).index)
    return render_template(
        "tenants/township_home.html",
        roles=roles,
        modules=tenants.enabled_modules(township.id),
        is_admin=permissions.can_administer_township(actor, township.id),
    )


@township_bp.route("/branches", methods=["GET", "POST"])
def branches():
    actor, township = current_actor(), current_township()
    form = BranchForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            tenants.create_branch(actor, township, _branch_data(form))
            flash(_("已添加支部。"), "success")
            return redirect(url_for(".branches"))
        except ValidationFailed as exc:
            apply_errors(form, exc)
    rows, _total = tenants.list_branches(actor, township)
    return render_template(
        "tenants/branches.html",
        branches=rows,
        form=form,
        kinds=BRANCH_KIND_LABELS,
        can_edit=permissions.can_administer_township(actor, township.id),
    )


def _branch_data(form: BranchForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "secretary_name": form.secretary_name.data,
        "is_active": form.is_active.data,
    }


@township_bp.route("/branches/<int:branch_id>", methods=["GET", "POST"])
def branch(branch_id: int):
    actor, township = current_actor(), current_township()
    item = tenants.get_branch(actor, township, branch_id)
    form = BranchForm(obj=item)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            tenants.update_branch(actor, township, branch_id, _branch_data(form))
            flash(_("支部已保存。"), "success")
            return redirect(url_for(".branches"))
        except ValidationFailed as exc:
            apply_errors(form, exc)
            status = 422
    return render_template(
        "tenants/branch_edit.html",
        branch=item,
        form=form,
        can_edit=permissions.can_administer_township(actor, township.id),
    ), status


def _member_form(township_id: int) -> MemberForm:
    actor, township = current_actor(), current_township()
    form = MemberForm()
    form.role.choices = [SelectChoice(r.value, r.label) for r in TOWNSHIP_ROLES]
    rows, _total = tenants.list_branches(actor, township, include_inactive=False)
    form.branch_id.choices = [SelectChoice("", _("（不指定）"))] + [
        SelectChoice(str(b.id), b.name) for b in rows
    ]
    return form


@township_bp.route("/members", methods=["GET", "POST"])
def members():
    actor, township = current_actor(), current_township()
    memberships = accounts.township_members(actor, township)
    form = _member_form(township.id)
    new_link = None
    if request.method == "POST" and form.validate_on_submit():
        existing = request.form.get("user_id")
        try:
            added = accounts.add_township_member(
                actor,
                township,
                role=Role(form.role.data),
                user_id=int(existing) if existing else None,
                username=form.username.data,
                display_name=form.display_name.data,
                phone=form.phone.data or None,
                email=form.email.data or None,
                branch_id=int(form.branch_id.data) if form.branch_id.data else None,
            )
        except ValueError:
            flash(_("提交的数据有误。"), "error")
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            if added.setup_token:
                new_link = accounts.setup_url(added.setup_token)
            flash(_("已添加成员。"), "success")
            memberships = accounts.township_members(actor, township)
            form = _member_form(township.id)
            form.process(formdata=None)
    return render_template(
        "tenants/members.html",
        memberships=memberships,
        form=form,
        new_link=new_link,
        action_form=EmptyForm(),
    )


@township_bp.post("/members/<int:membership_id>/remove")
def remove_member(membership_id: int):
    actor, township = current_actor(), current_township()
    if _posted():
        accounts.remove_township_membership(actor, township, membership_id)
        flash(_("已移除该角色。"), "success")
    return redirect(url_for(".members"))


@township_bp.post("/users/<int:user_id>/setup-link")
def setup_link(user_id: int):
    actor, township = current_actor(), current_township()
    if not _posted():
        return redirect(url_for(".members"))
    token = accounts.reissue_setup_link(actor, township, user_id)
    flash(_("新的一次性设置链接：%(url)s", url=accounts.setup_url(token)), "success")
    return redirect(url_for(".members"))


@township_bp.route("/labels", methods=["GET", "POST"])
def labels():
    actor, township = current_actor(), current_township()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if _posted():
        try:
            current = {k: v for k, v in (township.labels or {}).items() if k in LABEL_TITLES}
            posted = {k: request.form[k] for k in LABEL_TITLES if k in request.form}
            tenants.update_labels(actor, township, {**current, **posted})
            flash(_("称谓已保存，所有页面将使用新的称谓。"), "success")
            return redirect(url_for(".labels"))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(exc.message, "error")
    return render_template(
        "tenants/labels.html",
        titles=LABEL_TITLES,
        errors=errors,
        values=tenants.labels_for(township),
        form=EmptyForm(),
    )


def _settings_specs(township: Township) -> list[ModuleSpec]:
    enabled = tenants.enabled_module_keys(township.id)
    return [
        spec
        for spec in current_registry()
        if spec.settings_fields() and (spec.core or spec.key in enabled)
    ]


def _render_township_settings(
    township: Township, values: dict[str, dict[str, Any]], errors: dict[str, Any]
) -> str:
    return render_template(
        "tenants/township_settings.html",
        specs=_settings_specs(township),
        settings=values,
        errors=errors,
        form=EmptyForm(),
    )


@township_bp.get("/settings")
def township_settings():
    """The settings of every module the township runs, for its own administrator."""
    actor, township = current_actor(), current_township()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    values = {
        spec.key: tenants.effective_settings(township.id, spec.key)
        for spec in _settings_specs(township)
    }
    return _render_township_settings(township, values, {})


@township_bp.post("/settings/<key>")
def township_module_settings(key: str):
    actor, township = current_actor(), current_township()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    spec = next((s for s in _settings_specs(township) if s.key == key), None)
    if spec is None:
        from lianxin.errors import NotFound

        raise NotFound()
    if not _posted():
        return redirect(url_for(".township_settings"))
    posted = settings_from_form(spec, request.form)
    try:
        tenants.update_township_settings(actor, township, key, posted)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(exc.message, "error")
        values = {
            s.key: tenants.effective_settings(township.id, s.key) for s in _settings_specs(township)
        }
        values[key] = {**values[key], **posted}
        return _render_township_settings(township, values, {key: exc.errors}), 422
    flash(_("设置已保存。"), "success")
    return redirect(url_for(".township_settings") + f"#settings-{key}")


@township_bp.get("/audit")
def township_audit():
    actor, township = current_actor(), current_township()
    if not permissions.can_view_township_audit(actor, township.id):
        raise PermissionDenied()
    return render_template("tenants/audit.html", entries=audit.entries_for_township(township.id))


# --- public -------------------------------------------------------------------------------------


@public_bp.get("/", endpoint="home")
def public_home():
    township = current_township()
    modules = tenants.enabled_modules(township.id) if township.is_active else []
    return render_template("tenants/public_home.html", modules=modules)
