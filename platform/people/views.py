"""People pages of a township: the roster, a representative, groups, units, party members."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.forms import EmptyForm
from lianxin.casework import deadlines
from lianxin.errors import DomainError, ValidationFailed
from lianxin.people import choices, imports, privacy
from lianxin.people import service as people
from lianxin.people.inputs import (
    AccountSchema,
    EndQualificationSchema,
    GroupAssignSchema,
    GroupInputSchema,
    GroupPatchSchema,
    HouseholdSchema,
    PartyMemberSchema,
    RepresentativeInputSchema,
    UnitInputSchema,
    UnitUserSchema,
)
from lianxin.people.models import RepStatus
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import township_scope

bp = Blueprint(
    "people", __name__, url_prefix="/t/<township_slug>/people", template_folder="templates"
)

# Every page may ask what a viewer sees of a person (people/privacy.py): `can_see(row,
# 'phone')`, and `shown(row, 'phone')` which prints "—" for a hidden value.
bp.add_app_template_global(privacy.can_see, "can_see")
bp.add_app_template_global(privacy.shown, "shown")


def _can_import_roster() -> bool:
    """The sub-menu shows 导入导出 only to whom it opens (imports.can_import)."""
    return imports.can_import(*township_scope())


bp.add_app_template_global(_can_import_roster, "can_import_roster")

PAGE_SIZE = 50
REP_FORM_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "category",
    "is_grassroots_cadre",
    "publish_contact",
    "branch_id",
    "group_id",
    "level",
    "term",
    "phone",
    "workplace",
    "post",
)


def _posted() -> bool:
    return request.method == "POST" and EmptyForm().validate_on_submit()


def _can_edit() -> bool:
    actor, township = township_scope()
    return permissions.can_work_in_office(actor, township.id)


def _options() -> dict[str, Any]:
    actor, township = township_scope()
    branches, _total = tenants.list_branches(actor, township, include_inactive=False)
    return {
        "branches": branches,
        # The form's 代表小组 is the area group; thematic groups are joined on their own page.
        "groups": [
            v.group
            for v in people.list_groups(actor, township)
            if v.group.is_active and v.group.kind == people.GroupKind.AREA
        ],
        "choices": choices,
        "RepStatus": RepStatus,
    }


def _form(*boxes: str) -> dict[str, Any]:
    """The posted form as its schema loads it; a box left unticked (so not posted) is "no"."""
    form: dict[str, Any] = request.form.to_dict()
    for box in boxes:
        form.setdefault(box, "")
    return form


def _rep_form() -> dict[str, Any]:
    """The posted representative form (the branch and group by id, the level by its word)."""
    return _form("is_grassroots_cadre", "publish_contact")


@bp.get("/", endpoint="index")
def roster():
    actor, township = township_scope()
    q = request.args.get("q") or None
    status = request.args.get("status") or RepStatus.IN_OFFICE.value
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = people.list_representatives(
        actor,
        township,
        q=q,
        status=None if status == "all" else status,
        branch_id=request.args.get("branch_id", type=int),
        group_id=request.args.get("group_id", type=int),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    return render_template(
        "people/roster.html",
        reps=rows,
        total=total,
        q=q or "",
        status=status,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        can_edit=_can_edit(),
        **_options(),
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
def new_representative():
    actor, township = township_scope()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"term": "", "ethnicity": "汉族", "level": "乡镇"}
    if _posted():
        values = _rep_form()
        try:
            data = load_input(RepresentativeInputSchema, values, form=True)
            rep = people.create_representative(actor, township, data)
            flash(_("已添加代表 %(n)s。", n=rep.name), "success")
            return redirect(url_for(".detail", rep_id=rep.id))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(exc.message, "error")
    elif not _can_edit():
        from lianxin.errors import PermissionDenied

        raise PermissionDenied()
    return render_template(
        "people/edit.html", rep=None, values=values, errors=errors, **_options()
    ), 422 if errors else 200


def _values_of(rep: Any) -> dict[str, Any]:
    level = (
        "乡镇和县"
        if rep.is_township_rep and rep.is_county_rep
        else "县"
        if rep.is_county_rep
        else "乡镇"
    )
    return {
        **{f: getattr(rep, f, None) for f in REP_FORM_FIELDS},
        "level": level,
        "birth_date": rep.birth_date.isoformat(),
    }


@bp.route("/<int:rep_id>", methods=["GET", "POST"], endpoint="detail")
def representative(rep_id: int):
    actor, township = township_scope()
    rep = people.get_representative(actor, township, rep_id)
    errors: dict[str, list[str]] = {}
    # What this viewer may not see of the record never reaches the page, not even disabled.
    hidden = privacy.current_viewer().hidden_fields(privacy.Kind.REPRESENTATIVE, rep)
    values = {k: (None if k in hidden else v) for k, v in _values_of(rep).items()}
    if _posted():
        values = _rep_form()
        try:
            changes = load_input(RepresentativeInputSchema, values, form=True, partial=True)
            people.update_representative(actor, township, rep_id, changes)
            flash(_("已保存。"), "success")
            return redirect(url_for(".detail", rep_id=rep_id))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(exc.message, "error")
    history = people.representative_groups(actor, township, rep_id)
    return render_template(
        "people/detail.html",
        rep=rep,
        values=values,
        errors=errors,
        history=history,
        hidden=hidden,
        can_edit=_can_edit(),
        can_admin=permissions.can_administer_township(actor, township.id),
        today=deadlines.shanghai_today().isoformat(),
        **_options(),
    ), (422 if errors else 200)


@bp.post("/<int:rep_id>/end", endpoint="end")
def end(rep_id: int):
    actor, township = township_scope()
    # The record first: another township's is 404, whatever the form says.
    people.get_representative(actor, township, rep_id)
    if _posted():
        try:
            data = load_input(EndQualificationSchema, request.form, form=True)
            people.end_qualification(
                actor, township, rep_id, reason=data.reason, on=data.on, note=data.note
            )
            flash(_("已终止代表资格，历史记录保留。"), "success")
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash_error(exc)
    return redirect(url_for(".detail", rep_id=rep_id))


@bp.post("/<int:rep_id>/photo", endpoint="photo")
def photo(rep_id: int):
    actor, township = township_scope()
    people.get_representative(actor, township, rep_id)  # the record first: another's is 404
    if _posted():
        upload = request.files.get("photo")
        if upload is None or not upload.filename:
            flash(_("请选择照片。"), "error")
        else:
            try:
                people.set_photo(actor, township, rep_id, upload.stream, upload.filename)
                flash(_("照片已更新。"), "success")
            except DomainError as exc:
                if exc.status == 404:
                    raise
                flash_error(exc)
    return redirect(url_for(".detail", rep_id=rep_id))


@bp.post("/<int:rep_id>/account", endpoint="account")
def account(rep_id: int):
    actor, township = township_scope()
    # The record first: another township's is 404, whatever the form says.
    people.get_representative(actor, township, rep_id)
    if _posted():
        try:
            data = load_input(AccountSchema, request.form, form=True)
            _rep, token = people.link_account(
                actor, township, rep_id, user_id=data.user_id, username=data.username
            )
            if token:
                flash(
                    _("已开通登录账号，一次性设置链接：%(u)s", u=accounts.setup_url(token)),
                    "success",
                )
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash_error(exc)
    return redirect(url_for(".detail", rep_id=rep_id))


# --- groups ---------------------------------------------------------------------------------------


@bp.route("/groups", methods=["GET", "POST"], endpoint="groups")
def groups():
    actor, township = township_scope()
    if _posted():
        try:
            data = load_input(GroupInputSchema, request.form, form=True)
            group = people.create_group(actor, township, data)
            flash(_("已添加。"), "success")
            return redirect(url_for(".group", group_id=group.id))
        except ValidationFailed as exc:
            flash_error(exc)
    return render_template(
        "people/groups.html",
        views=people.list_groups(actor, township),
        can_edit=_can_edit(),
        **_options(),
    )


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"], endpoint="group")
def group(group_id: int):
    actor, township = township_scope()
    view = people.get_group(actor, township, group_id)
    if _posted():
        try:
            changes = load_input(GroupPatchSchema, _form("is_active"), form=True, partial=True)
            people.update_group(actor, township, group_id, changes)
            flash(_("已保存。"), "success")
            return redirect(url_for(".group", group_id=group_id))
        except ValidationFailed as exc:
            flash_error(exc)
    reps, _total = people.list_representatives(actor, township, status=RepStatus.IN_OFFICE)
    return render_template(
        "people/group.html",
        view=view,
        reps=reps,
        history=people.group_history(actor, township, group_id),
        can_edit=_can_edit(),
        today=deadlines.shanghai_today().isoformat(),
        **_options(),
    )


@bp.post("/groups/<int:group_id>/assign", endpoint="assign")
def assign(group_id: int):
    actor, township = township_scope()
    # The group first: another township's is 404, whatever the form says.
    people.get_group(actor, township, group_id)
    if _posted():
        try:
            data = load_input(GroupAssignSchema, request.form, form=True)
            if request.form.get("remove"):
                people.remove_from_group(
                    actor, township, rep_id=data.representative_id, group_id=group_id
                )
            else:
                people.assign_to_group(
                    actor,
                    township,
                    rep_id=data.representative_id,
                    group_id=group_id,
                    role=data.role,
                )
            flash(_("已保存。"), "success")
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash(exc.message, "error")
    return redirect(url_for(".group", group_id=group_id))


# --- handling units -------------------------------------------------------------------------------


@bp.route("/units", methods=["GET", "POST"], endpoint="units")
def units():
    actor, township = township_scope()
    errors: dict[str, list[str]] = {}
    if _posted():
        try:
            data = load_input(UnitInputSchema, request.form, form=True)
            people.create_unit(actor, township, data)
            flash(_("已添加。"), "success")
            return redirect(url_for(".units"))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(exc.message, "error")
    return render_template(
        "people/units.html",
        units=people.list_units(actor, township),
        errors=errors,
        can_edit=_can_edit(),
        **_options(),
    )


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"], endpoint="unit")
def unit(unit_id: int):
    actor, township = township_scope()
    item = people.get_unit(actor, township, unit_id)
    errors: dict[str, list[str]] = {}
    if _posted():
        try:
            if request.form.get("username"):
                user = load_input(UnitUserSchema, request.form, form=True)
                added = people.add_unit_user(
                    actor,
                    township,
                    unit_id,
                    user_id=user.user_id,
                    username=user.username,
                    display_name=user.display_name,
                    phone=user.phone,
                )
                flash(
                    _(
                        "已添加答复人，一次性设置链接：%(u)s",
                        u=accounts.setup_url(added.setup_token or ""),
                    ),
                    "success",
                )
            else:
                changes = load_input(UnitInputSchema, _form("is_active"), form=True, partial=True)
                people.update_unit(actor, township, unit_id, changes)
                flash(_("已保存。"), "success")
            return redirect(url_for(".unit", unit_id=unit_id))
        except ValidationFailed as exc:
            errors = exc.errors
            flash(exc.message, "error")
    return render_template(
        "people/unit.html",
        unit=item,
        errors=errors,
        users=people.unit_users(actor, township, unit_id),
        can_edit=_can_edit(),
        can_admin=permissions.can_administer_township(actor, township.id),
        **_options(),
    )


# --- party members and households -----------------------------------------------------------------


@bp.route("/party-members", methods=["GET", "POST"], endpoint="party_members")
def party_members():
    actor, township = township_scope()
    if _posted():
        try:
            data = load_input(PartyMemberSchema, request.form, form=True)
            people.create_party_member(actor, township, data)
            flash(_("已添加。"), "success")
            return redirect(url_for(".party_members"))
        except ValidationFailed as exc:
            flash_error(exc)
    branch_id = request.args.get("branch_id", type=int)
    # Only the people whose name this viewer may see are listed, or counted; one who sees some
    # of them gets those out of all (they are few: their own chain, their branch).
    viewer = privacy.current_viewer()
    every_member = viewer.reaches(privacy.Kind.PARTY_MEMBER) == privacy.ALL
    every_household = viewer.reaches(privacy.Kind.HOUSEHOLD) == privacy.ALL
    rows, total = people.list_party_members(
        actor,
        township,
        q=request.args.get("q"),
        branch_id=branch_id,
        limit=500 if every_member else None,
    )
    households, household_total = people.list_households(
        actor, township, branch_id=branch_id, limit=500 if every_household else None
    )
    if not every_member:
        seen = viewer.visible(privacy.Kind.PARTY_MEMBER, rows)
        rows, total = seen[:500], len(seen)
    if not every_household:
        seen = viewer.visible(privacy.Kind.HOUSEHOLD, households)
        households, household_total = seen[:500], len(seen)
    return render_template(
        "people/party_members.html",
        members=rows,
        total=total,
        households=households,
        household_total=household_total,
        branch_id=branch_id,
        can_edit=_can_edit(),
        **_options(),
    )


@bp.post("/households", endpoint="households")
def households():
    actor, township = township_scope()
    if _posted():
        try:
            data = load_input(HouseholdSchema, request.form, form=True)
            people.create_household(actor, township, data)
            flash(_("已添加。"), "success")
        except ValidationFailed as exc:
            flash_error(exc)
    return redirect(url_for(".party_members"))
