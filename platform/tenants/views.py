"""Pages of the platform admin, the county, the township and the public township page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from lianxin.audit import pages as audit_pages
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.forms import EmptyForm
from lianxin.auth.roles import TOWNSHIP_ROLES, Role
from lianxin.db import db
from lianxin.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.registry import ModuleSpec, current_registry
from lianxin.modules.waiting import day_label
from lianxin.tenants import service as tenants
from lianxin.tenants.forms import (
    BRANCH_KIND_LABELS,
    BranchForm,
    CountyForm,
    MemberForm,
    OnboardForm,
)
from lianxin.tenants.inputs import BranchInputSchema
from lianxin.tenants.labels import LABEL_TITLES
from lianxin.tenants.models import County, Township, TownshipStatus
from lianxin.tenants.settings import SettingField, changes_from_form, page_fields
from lianxin.usecases import load_input
from lianxin.web.forms import apply_errors
from lianxin.web.scope import current_actor, current_county, current_township
from lianxin.web.todo import todo_for

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


def _township_fields(
    township_id: int,
    spec: ModuleSpec,
    errors: dict[str, list[str]] | None = None,
    posted: Any = None,
) -> list[SettingField]:
    """A township's settings form of one module: its own values marked, the county's beside."""
    layers = tenants.township_settings_layers(township_id, spec.key)
    return page_fields(spec, layers.settings, layers.own, layers.fallback, errors, posted)


def _county_fields(
    county: County,
    spec: ModuleSpec,
    errors: dict[str, list[str]] | None = None,
    posted: Any = None,
) -> list[SettingField]:
    layers = tenants.county_settings_layers(county, spec.key)
    return page_fields(spec, layers.settings, layers.own, layers.fallback, errors, posted)


def _settings_spec(key: str) -> ModuleSpec:
    try:
        spec = current_registry().get(key)
    except LookupError:
        raise NotFound(_("未知模块。")) from None
    if not spec.settings_fields():
        raise NotFound(_("该模块没有可设置项"))
    return spec


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


@platform_bp.route("/audit", methods=["GET", "POST"], endpoint="audit")
@platform_bp.get("/audit.xlsx", endpoint="audit_xlsx")
def platform_audit():
    actor = current_actor()
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied()
    return audit_pages.audit_log(audit_pages.platform_scope(), actor)


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


def _render_county_township(
    township_id: int,
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    posted: Any = None,
) -> str:
    actor, county = current_actor(), current_county()
    target = tenants.county_township(actor, county, township_id)
    modules = current_registry().features()
    fields = {
        spec.key: _township_fields(
            target.id,
            spec,
            errors if spec.key == failed else None,
            posted if spec.key == failed else None,
        )
        for spec in modules
        if spec.settings_fields()
    }
    return render_template(
        "tenants/county_township.html",
        target=target,
        enabled=tenants.enabled_module_keys(target.id),
        modules=modules,
        fields=fields,
        can_admin=permissions.can_administer_county(actor, county.id),
        form=EmptyForm(),
    )


@county_bp.get("/townships/<int:township_id>")
def township(township_id: int):
    return _render_county_township(township_id)


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
    """The county changes a township's own settings: only the fields changed on the page."""
    actor, county = current_actor(), current_county()
    target = tenants.county_township(actor, county, township_id)
    spec = _settings_spec(key)
    if not _posted():
        return redirect(url_for(".township", township_id=township_id))
    current = tenants.township_settings_layers(target.id, key).settings
    try:
        tenants.update_module_settings(
            actor, county, target.id, key, changes_from_form(spec, request.form, current)
        )
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        page = _render_county_township(target.id, key, exc.errors, request.form)
        return page, exc.status
    flash(_("设置已保存。"), "success")
    return redirect(url_for(".township", township_id=township_id) + f"#module-{key}")


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


def _render_county_settings(
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    posted: Any = None,
) -> str:
    county = current_county()
    modules = current_registry().features()
    fields = {
        spec.key: _county_fields(
            county,
            spec,
            errors if spec.key == failed else None,
            posted if spec.key == failed else None,
        )
        for spec in modules
        if spec.settings_fields()
    }
    return render_template(
        "tenants/county_settings.html", modules=modules, fields=fields, form=EmptyForm()
    )


@county_bp.route("/settings", methods=["GET", "POST"])
def county_settings():
    """The county's defaults of every module (a POST naming `module` saves one of them)."""
    actor, county = current_actor(), current_county()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    if request.method == "POST":
        return county_module_defaults(request.form.get("module", ""))
    return _render_county_settings()


@county_bp.post("/settings/<key>")
def county_module_defaults(key: str):
    """The county changes its defaults of a module: only the fields changed on the page."""
    actor, county = current_actor(), current_county()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    spec = _settings_spec(key)
    if not _posted():
        return redirect(url_for(".county_settings"))
    current = tenants.county_settings_layers(county, key).settings
    try:
        tenants.update_county_defaults(
            actor, county, key, changes_from_form(spec, request.form, current)
        )
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _render_county_settings(key, exc.errors, request.form), exc.status
    flash(_("县级默认设置已保存。"), "success")
    return redirect(url_for(".county_settings") + f"#settings-{key}")


@county_bp.route("/audit", methods=["GET", "POST"])
@county_bp.get("/audit.xlsx", endpoint="county_audit_xlsx")
def county_audit():
    actor, county = current_actor(), current_county()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    return audit_pages.audit_log(audit_pages.county_scope(county), actor)


# --- township -------------------------------------------------------------------------------


@township_bp.get("/", endpoint="home")
def township_home():
    actor, township = current_actor(), current_township()
    roles = sorted(actor.roles_in_township(township.id), key=list(Role).index)
    enabled = tenants.enabled_modules(township.id)
    return render_template(
        "tenants/township_home.html",
        roles=roles,
        todo=todo_for(actor, township),  # what waits for this person, from every part that is on
        day_label=day_label,
        today=kit.today(),
        # 全部功能: the modules whose page this actor may open (as the menu shows them).
        modules=[spec for spec in enabled if not spec.nav or spec.nav[0].shown_to(actor, township)],
        none_enabled=not enabled,
        is_admin=permissions.can_administer_township(actor, township.id),
    )


@township_bp.route("/branches", methods=["GET", "POST"])
def branches():
    actor, township = current_actor(), current_township()
    form = BranchForm()  # shows the fields and the errors; BranchInputSchema checks the input
    if _posted():
        try:
            tenants.create_branch(
                actor, township, load_input(BranchInputSchema, _branch_form(), form=True)
            )
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


def _branch_form() -> dict[str, Any]:
    """The posted branch form as its schema loads it: the box left unticked (so not posted)
    is "no", as the checkbox reads it (its false values: none, "" and "false")."""
    data: dict[str, Any] = request.form.to_dict()
    data["is_active"] = data.get("is_active") not in (None, "", "false")
    return data


@township_bp.route("/branches/<int:branch_id>", methods=["GET", "POST"])
def branch(branch_id: int):
    actor, township = current_actor(), current_township()
    item = tenants.get_branch(actor, township, branch_id)
    form = BranchForm(obj=item)
    status = 200
    if _posted():
        try:
            changes = load_input(BranchInputSchema, _branch_form(), form=True, partial=True)
            tenants.update_branch(actor, township, branch_id, changes)
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
    township: Township,
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    posted: Any = None,
) -> str:
    specs = _settings_specs(township)
    fields = {
        spec.key: _township_fields(
            township.id,
            spec,
            errors if spec.key == failed else None,
            posted if spec.key == failed else None,
        )
        for spec in specs
    }
    return render_template(
        "tenants/township_settings.html", specs=specs, fields=fields, form=EmptyForm()
    )


@township_bp.get("/settings")
def township_settings():
    """The settings of every module the township runs, for its own administrator."""
    actor, township = current_actor(), current_township()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    return _render_township_settings(township)


@township_bp.post("/settings/<key>")
def township_module_settings(key: str):
    """The township's administrator changes its own settings: only the fields changed."""
    actor, township = current_actor(), current_township()
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    spec = next((s for s in _settings_specs(township) if s.key == key), None)
    if spec is None:
        raise NotFound()
    if not _posted():
        return redirect(url_for(".township_settings"))
    current = tenants.township_settings_layers(township.id, key).settings
    try:
        tenants.update_township_settings(
            actor, township, key, changes_from_form(spec, request.form, current)
        )
    except ValidationFailed as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _render_township_settings(township, key, exc.errors, request.form), 422
    flash(_("设置已保存。"), "success")
    return redirect(url_for(".township_settings") + f"#settings-{key}")


@township_bp.get("/audit")
@township_bp.get("/audit.xlsx", endpoint="township_audit_xlsx")
def township_audit():
    actor, township = current_actor(), current_township()
    if not permissions.can_view_township_audit(actor, township.id):
        raise PermissionDenied()
    return audit_pages.audit_log(audit_pages.township_scope(township), actor)


# --- public -------------------------------------------------------------------------------------


@public_bp.get("/", endpoint="home")
def public_home():
    township = current_township()
    modules = tenants.enabled_modules(township.id) if township.is_active else []
    return render_template("tenants/public_home.html", modules=modules)
