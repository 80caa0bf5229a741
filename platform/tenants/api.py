"""Tenancy API: counties (platform), townships and switches (county), branches and members."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import EXCLUDE

from lianxin.api.base import Blueprint
from lianxin.audit import browse
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.roles import Role
from lianxin.errors import NotFound, PermissionDenied
from lianxin.tenants import service as tenants
from lianxin.tenants.inputs import BranchInput, BranchInputSchema, BranchPatchSchema
from lianxin.tenants.models import Township
from lianxin.tenants.schemas import (
    AuditEntrySchema,
    BranchSchema,
    CountyCreateSchema,
    CountyDefaultsSchema,
    CountySchema,
    LabelsSchema,
    MemberCreatedSchema,
    MemberCreateSchema,
    MemberSchema,
    ModuleStateSchema,
    ModuleSwitchSchema,
    OnboardedSchema,
    SettingsChangeSchema,
    TownshipCreateSchema,
    TownshipSchema,
    TownshipSettingsSchema,
    TownshipStatusSchema,
)
from lianxin.usecases import Changes
from lianxin.web.scope import current_actor, current_county, current_township

platform_blp = Blueprint(
    "platform_api", __name__, url_prefix="/api/v1/platform", description="平台管理：县（区）"
)
county_blp = Blueprint(
    "county_api",
    __name__,
    url_prefix="/api/v1/c/<county_slug>",
    description="县级：乡镇开通、模块开关与设置",
)
township_blp = Blueprint(
    "township_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>",
    description="乡镇：基本信息、支部、成员、称谓、审计日志",
)


def _township_out(township: Township) -> dict[str, Any]:
    return {
        "id": township.id,
        "name": township.name,
        "slug": township.slug,
        "status": township.status,
        "labels": tenants.labels_for(township),
        "modules": sorted(tenants.enabled_module_keys(township.id)),
    }


# --- platform -----------------------------------------------------------------------------------


@platform_blp.route("/counties")
class Counties(MethodView):
    @platform_blp.response(200, CountySchema(many=True))
    def get(self):
        """List counties"""
        return tenants.list_counties(current_actor())

    @platform_blp.arguments(CountyCreateSchema)
    @platform_blp.response(201, OnboardedSchema)
    def post(self, data):
        """Create a county and its first county admin"""
        done = tenants.create_county(current_actor(), **data)
        return {
            "id": done.county.id,
            "slug": done.county.slug,  # type: ignore[union-attr]
            "admin_username": done.admin_username,
            "setup_url": accounts.setup_url(done.setup_token),
        }


# --- county -------------------------------------------------------------------------------------


@county_blp.route("/townships")
class Townships(MethodView):
    @county_blp.response(200, TownshipSchema(many=True))
    def get(self):
        """List the county's townships with their module switches"""
        return [
            _township_out(t) for t in tenants.county_townships(current_actor(), current_county())
        ]

    @county_blp.arguments(TownshipCreateSchema)
    @county_blp.response(201, OnboardedSchema)
    def post(self, data):
        """Onboard a township: modules switched on and its first admin"""
        done = tenants.onboard_township(current_actor(), current_county(), **data)
        return {
            "id": done.township.id,
            "slug": done.township.slug,  # type: ignore[union-attr]
            "admin_username": done.admin_username,
            "setup_url": accounts.setup_url(done.setup_token),
        }


@county_blp.route("/townships/<int:township_id>")
class TownshipById(MethodView):
    @county_blp.response(200, TownshipSchema)
    def get(self, township_id: int):
        """One township of the county"""
        return _township_out(
            tenants.county_township(current_actor(), current_county(), township_id)
        )

    @county_blp.arguments(TownshipStatusSchema)
    @county_blp.response(200, TownshipSchema)
    def patch(self, data, township_id: int):
        """Suspend or reactivate a township"""
        return _township_out(
            tenants.set_township_status(
                current_actor(), current_county(), township_id, data["status"]
            )
        )


def _module_state(township_id: int, key: str) -> dict[str, Any]:
    layers = tenants.township_settings_layers(township_id, key)
    return {
        "key": key,
        "enabled": tenants.module_enabled(township_id, key),
        "settings": layers.settings,
        "overrides": layers.own,
        "defaults": layers.fallback,
    }


@county_blp.route("/townships/<int:township_id>/modules/<key>")
class TownshipModuleByKey(MethodView):
    @county_blp.response(200, ModuleStateSchema)
    def get(self, township_id: int, key: str):
        """A module's switch and settings in a township: effective, its own, the county's"""
        township = tenants.county_township(current_actor(), current_county(), township_id)
        return _module_state(township.id, key)

    @county_blp.arguments(ModuleSwitchSchema)
    @county_blp.response(200, ModuleStateSchema)
    def patch(self, data, township_id: int, key: str):
        """Switch a module and/or change the township's settings named (null: county default)

        Only the settings named change; the township's other settings and the county's
        defaults stay as they are."""
        actor, county = current_actor(), current_county()
        if data.get("settings") is not None:
            tenants.update_module_settings(actor, county, township_id, key, data["settings"])
        if data.get("enabled") is not None:
            tenants.set_module_enabled(actor, county, township_id, key, data["enabled"])
        township = tenants.county_township(actor, county, township_id)
        return _module_state(township.id, key)

    @county_blp.arguments(ModuleSwitchSchema)
    @county_blp.response(200, ModuleStateSchema)
    @county_blp.alt_response(
        409,
        response="DEFAULT_ERROR",
        description="settings_keys_dropped：请求未写明本乡镇已有的某项设置，替换会删除它",
    )
    def put(self, data, township_id: int, key: str):
        """Replace the township's own settings of a module (replace-all) and/or switch it

        Replace-all: `settings` becomes the township's whole set of own settings. Refused with
        409 `settings_keys_dropped` when the township has a setting the request does not name;
        name it with null to drop it, or use PATCH to change only some."""
        actor, county = current_actor(), current_county()
        if data.get("settings") is not None:
            tenants.replace_module_settings(actor, county, township_id, key, data["settings"])
        if data.get("enabled") is not None:
            tenants.set_module_enabled(actor, county, township_id, key, data["enabled"])
        township = tenants.county_township(actor, county, township_id)
        return _module_state(township.id, key)


def _county_defaults(key: str) -> dict[str, Any]:
    layers = tenants.county_settings_layers(current_county(), key)
    return {
        "key": key,
        "settings": layers.settings,
        "county_defaults": layers.own,
        "defaults": layers.fallback,
    }


@county_blp.route("/settings/<key>")
class CountyDefaultsByKey(MethodView):
    @county_blp.response(200, CountyDefaultsSchema)
    def get(self, key: str):
        """The county's defaults of a module"""
        actor, county = current_actor(), current_county()
        if not permissions.can_view_county(actor, county.id):
            raise NotFound()
        return _county_defaults(key)

    @county_blp.arguments(SettingsChangeSchema)
    @county_blp.response(200, CountyDefaultsSchema)
    @county_blp.alt_response(
        409,
        response="DEFAULT_ERROR",
        description="settings_conflict：新的县级默认与某乡镇自己的设置冲突",
    )
    def patch(self, data, key: str):
        """Change the county's defaults named (null: the platform's default)

        Townships' own settings are kept; only the townships following the county's default
        move."""
        tenants.update_county_defaults(
            current_actor(), current_county(), key, data.get("settings") or {}
        )
        return _county_defaults(key)


# --- township -----------------------------------------------------------------------------------


@township_blp.route("/")
class TownshipInfo(MethodView):
    @township_blp.response(200, TownshipSchema)
    def get(self):
        """The township in the URL: switched-on modules and its words"""
        current_actor()
        return _township_out(current_township())


@township_blp.route("/branches")
class Branches(MethodView):
    @township_blp.response(200, BranchSchema(many=True))
    @township_blp.paginate()
    def get(self, pagination_parameters):
        """List branches"""
        rows, total = tenants.list_branches(
            current_actor(),
            current_township(),
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return rows

    @township_blp.arguments(BranchInputSchema)
    @township_blp.response(201, BranchSchema)
    def post(self, data: BranchInput):
        """Create a branch"""
        return tenants.create_branch(current_actor(), current_township(), data)


@township_blp.route("/branches/<int:branch_id>")
class BranchById(MethodView):
    @township_blp.response(200, BranchSchema)
    def get(self, branch_id: int):
        """One branch"""
        return tenants.get_branch(current_actor(), current_township(), branch_id)

    @township_blp.arguments(BranchPatchSchema)
    @township_blp.response(200, BranchSchema)
    def patch(self, data: Changes[BranchInput], branch_id: int):
        """Change a branch (deactivate with is_active=false; branches are never deleted)"""
        return tenants.update_branch(current_actor(), current_township(), branch_id, data)


@township_blp.route("/members")
class Members(MethodView):
    @township_blp.response(200, MemberSchema(many=True))
    def get(self):
        """Users and their roles in this township"""
        return accounts.township_members(current_actor(), current_township())

    @township_blp.arguments(MemberCreateSchema)
    @township_blp.response(201, MemberCreatedSchema)
    def post(self, data):
        """Give a role to a member, or create a user with a role (returns a set-up link)"""
        added = accounts.add_township_member(
            current_actor(), current_township(), role=Role(data.pop("role")), **data
        )
        m = added.membership
        return {
            "id": m.id,
            "user_id": m.user_id,
            "user": m.user,
            "role": m.role,
            "branch_id": m.branch_id,
            "setup_url": accounts.setup_url(added.setup_token) if added.setup_token else None,
        }


@township_blp.route("/members/<int:membership_id>")
class MemberById(MethodView):
    @township_blp.response(204)
    def delete(self, membership_id: int):
        """Remove a role from a user in this township"""
        accounts.remove_township_membership(current_actor(), current_township(), membership_id)


@township_blp.route("/labels")
class Labels(MethodView):
    @township_blp.response(200, LabelsSchema)
    def get(self):
        """The township's words for the domain's labels"""
        current_actor()
        return {"labels": tenants.labels_for(current_township())}

    @township_blp.arguments(LabelsSchema)
    @township_blp.response(200, LabelsSchema)
    def put(self, data):
        """Rename labels (e.g. 工作站 → 工作室)"""
        return {
            "labels": tenants.update_labels(current_actor(), current_township(), data["labels"])
        }


def _township_settings(key: str) -> dict[str, Any]:
    layers = tenants.township_settings_layers(current_township().id, key)
    return {
        "key": key,
        "settings": layers.settings,
        "overrides": layers.own,
        "defaults": layers.fallback,
    }


@township_blp.route("/settings/<key>")
class TownshipSettingsByKey(MethodView):
    @township_blp.response(200, TownshipSettingsSchema)
    def get(self, key: str):
        """A module's settings in this township: effective, its own, the county's defaults"""
        actor, township = current_actor(), current_township()
        if not permissions.can_administer_township(actor, township.id):
            raise PermissionDenied()
        if not tenants.module_enabled(township.id, key):
            raise NotFound(_("本乡镇未开通该模块"))
        return _township_settings(key)

    @township_blp.arguments(SettingsChangeSchema)
    @township_blp.response(200, TownshipSettingsSchema)
    def patch(self, data, key: str):
        """Change the township's own settings named (null: back to the county's default)

        Only the settings named change; a value set here stays when the county later changes
        its default."""
        tenants.update_township_settings(
            current_actor(), current_township(), key, data.get("settings") or {}
        )
        return _township_settings(key)


@township_blp.route("/audit")
class TownshipAudit(MethodView):
    # The page's filter (who, kind, object, Shanghai dates); `page`/`page_size` are the paging's.
    @township_blp.arguments(browse.AuditQuerySchema(unknown=EXCLUDE), location="query")
    @township_blp.response(200, AuditEntrySchema(many=True))
    @township_blp.paginate()
    def get(self, flt: browse.AuditFilter, pagination_parameters):
        """The township's audit log, newest first, filtered as on its page"""
        actor, township = current_actor(), current_township()
        if not permissions.can_view_township_audit(actor, township.id):
            raise PermissionDenied()
        chain = audit.chain_for(township.id, None)
        pagination_parameters.item_count = browse.count(chain, flt)
        return browse.entries(
            chain,
            flt,
            limit=pagination_parameters.page_size,
            offset=pagination_parameters.first_item,
        )
