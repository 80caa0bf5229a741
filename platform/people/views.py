"""People pages of a township: the roster, a representative, groups, units, party members."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.forms import EmptyForm
from lianxin.casework import deadlines
from lianxin.errors import DomainError, ValidationFailed
from lianxin.people import choices, privacy
from lianxin.people import service as people
from lianxin.people.models import RepStatus
from lianxin.tenants import service as tenants
from lianxin.web.forms import flash_error
from lianxin.web.scope import current_actor, current_township

bp = Blueprint(
    "people", __name__, url_prefix="/t/<township_slug>/people", template_folder="templates"
)

# Every page may ask what a viewer sees of a person (people/privacy.py): `can_see(row,
# 'phone')`, and `shown(row, 'phone')` which prints "—" for a hidden value.
bp.add_app_template_global(privacy.can_see, "can_see")
bp.add_app_template_global(privacy.shown, "shown")

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


def _ctx() -> tuple[Any, Any]:
    return current_actor(), current_township()


def _can_edit() -> bool:
    actor, township = _ctx()
    return permissions.can_work_in_office(actor, township.id)


def _options() -> dict[str, Any]:
    actor, township = _ctx()
    branches, _total = tenants.list_branches(actor, township, include_inactive=False)
    return {
        "branches": branches,
        "groups": [v.group for v in people.list_groups(actor, township) if v.group.is_active],
        "choices": choices,
        "RepStatus": RepStatus,
    }


def _rep_form() -> dict[str, Any]:
    """The posted representative form as the cleaner takes it (text, branch/group by id)."""
    raw: dict[str, Any] = {f: request.form.get(f, "") for f in REP_FORM_FIELDS}
    raw["is_grassroots_cadre"] = "是" if request.form.get("is_grassroots_cadre") else "否"
    raw["publish_contact"] = "是" if request.form.get("publish_contact") else "否"
    return raw


@bp.get("/", endpoint="index")
def roster():
    actor, township = _ctx()
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
    actor, township = _ctx()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"term": "", "ethnicity": "汉族", "level": "乡镇"}
    if _posted():
        values = _rep_form()
        try:
            rep = people.create_representative(actor, township, values)
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
    actor, township = _ctx()
    rep = people.get_representative(actor, township, rep_id)
    errors: dict[str, list[str]] = {}
    # What this viewer may not see of the record never reaches the page, not even disabled.
    hidden = privacy.current_viewer().hidden_fields(privacy.Kind.REPRESENTATIVE, rep)
    values = {k: (None if k in hidden else v) for k, v in _values_of(rep).items()}
    if _posted():
        values = _rep_form()
        try:
            people.update_representative(actor, township, rep_id, values)
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
    actor, township = _ctx()
    people.get_representative(actor, township, rep_id)  # the record first: another's is 404
    if _posted():
        try:
            on = date.fromisoformat(request.form.get("on", ""))
        except ValueError:
            flash(_("请填写有效的终止日期。"), "error")
            return redirect(url_for(".detail", rep_id=rep_id))
        try:
            people.end_qualification(
                actor,
                township,
                rep_id,
                reason=request.form.get("reason", ""),
                on=on,
                note=request.form.get("note"),
            )
            flash(_("已终止代表资格，历史记录保留。"), "success")
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash_error(exc)
    return redirect(url_for(".detail", rep_id=rep_id))


@bp.post("/<int:rep_id>/photo", endpoint="photo")
def photo(rep_id: int):
    actor, township = _ctx()
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
    actor, township = _ctx()
    people.get_representative(actor, township, rep_id)  # the record first: another's is 404
    if _posted():
        try:
            _rep, token = people.link_account(
                actor, township, rep_id, username=request.form.get("username") or None
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
    actor, township = _ctx()
    if _posted():
        try:
            group = people.create_group(
                actor,
                township,
                name=request.form.get("name", ""),
                description=request.form.get("description"),
            )
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
    actor, township = _ctx()
    view = people.get_group(actor, township, group_id)
    if _posted():
        try:
            people.update_group(
                actor,
                township,
                group_id,
                {
                    "name": request.form.get("name", ""),
                    "description": request.form.get("description"),
                    "is_active": request.form.get("is_active") == "1",
                },
            )
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
    actor, township = _ctx()
    people.get_group(actor, township, group_id)
    if _posted():
        try:
            people.assign_to_group(
                actor,
                township,
                rep_id=int(request.form.get("representative_id", "0") or 0),
                group_id=None if request.form.get("remove") else group_id,
                role=request.form.get("role", "member"),
            )
            flash(_("已保存。"), "success")
        except DomainError as exc:
            if exc.status == 404:
                raise
            flash(exc.message, "error")
    return redirect(url_for(".group", group_id=group_id))


# --- handling units -------------------------------------------------------------------------------


def _unit_form() -> dict[str, Any]:
    return {
        "name": request.form.get("name", ""),
        "level": request.form.get("level", ""),
        "kind": request.form.get("kind", ""),
        "contact_name": request.form.get("contact_name"),
        "phone": request.form.get("phone"),
        "is_active": request.form.get("is_active") == "1",
    }


@bp.route("/units", methods=["GET", "POST"], endpoint="units")
def units():
    actor, township = _ctx()
    errors: dict[str, list[str]] = {}
    if _posted():
        try:
            people.create_unit(actor, township, {**_unit_form(), "is_active": True})
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
    actor, township = _ctx()
    item = people.get_unit(actor, township, unit_id)
    errors: dict[str, list[str]] = {}
    if _posted():
        try:
            if request.form.get("username"):
                added = people.add_unit_user(
                    actor,
                    township,
                    unit_id,
                    username=request.form.get("username"),
                    display_name=request.form.get("display_name"),
                    phone=request.form.get("user_phone") or None,
                )
                flash(
                    _(
                        "已添加答复人，一次性设置链接：%(u)s",
                        u=accounts.setup_url(added.setup_token or ""),
                    ),
                    "success",
                )
            else:
                people.update_unit(actor, township, unit_id, _unit_form())
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
    actor, township = _ctx()
    if _posted():
        try:
            people.save_party_member(
                actor,
                township,
                {
                    "name": request.form.get("name", ""),
                    "gender": request.form.get("gender"),
                    "phone": request.form.get("phone"),
                    "branch_id": request.form.get("branch_id"),
                },
            )
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
    actor, township = _ctx()
    if _posted():
        try:
            people.save_household(
                actor,
                township,
                {
                    "head_name": request.form.get("head_name", ""),
                    "address": request.form.get("address"),
                    "phone": request.form.get("phone"),
                    "branch_id": request.form.get("branch_id"),
                },
            )
            flash(_("已添加。"), "success")
        except ValidationFailed as exc:
            flash_error(exc)
    return redirect(url_for(".party_members"))
