"""People API: the roster, groups, handling units, party members and households.

What a caller reads of a person is cut by `lianxin.people.privacy` (the output schemas null the
hidden fields and name them in `redacted`); party members and households whose name the caller
may not see are not listed, nor counted, and are 404 on their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest.fields import Upload

from lianxin.api.base import BaseSchema, Blueprint
from lianxin.auth import service as accounts
from lianxin.errors import NotFound
from lianxin.people import privacy
from lianxin.people import service as people
from lianxin.people.inputs import (
    AccountInput,
    AccountSchema,
    EndQualificationInput,
    EndQualificationSchema,
    GroupAssignInput,
    GroupAssignSchema,
    GroupInput,
    GroupInputSchema,
    GroupPatchSchema,
    HouseholdInput,
    HouseholdPatchSchema,
    HouseholdSchema,
    PartyMemberInput,
    PartyMemberPatchSchema,
    PartyMemberSchema,
    RepresentativeInput,
    RepresentativePatchSchema,
    RepresentativeSchema,
    UnitInput,
    UnitInputSchema,
    UnitPatchSchema,
    UnitUserInput,
    UnitUserSchema,
)
from lianxin.people.schemas import (
    AccountLinkedSchema,
    BranchFilterSchema,
    GroupSchema,
    HouseholdOutSchema,
    MembershipSchema,
    PartyMemberOutSchema,
    RepresentativeOutSchema,
    RepresentativeQuerySchema,
    UnitSchema,
    UnitUserAddedSchema,
)
from lianxin.usecases import Changes
from lianxin.web.scope import township_scope

blp = Blueprint(
    "people_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>",
    description="代表名册、代表小组、承办单位、党员与群众",
)


class PhotoSchema(BaseSchema):
    photo = Upload(required=True)


def _group_out(view: people.GroupView) -> dict:
    return {
        "id": view.group.id,
        "name": view.group.name,
        "description": view.group.description,
        "is_active": view.group.is_active,
        "kind": view.group.kind,
        "members": [{"rep": rep, "role": role} for rep, role in view.members],
    }


def _visible_page(
    kind: privacy.Kind, fetch: Callable[..., tuple[list[Any], int]], pagination: Any
) -> list[Any]:
    """A page of the rows whose name the caller may see (people/privacy.py): for a role that
    sees every name, the service's page; for one that sees some, those, paged here (a row it
    may not see is not even counted: a search would tell it exists); for one that sees none,
    none."""
    viewer = privacy.current_viewer()
    reach = viewer.reaches(kind)
    first, size = pagination.first_item, pagination.page_size
    if reach == privacy.ALL:
        rows, total = fetch(offset=first, limit=size)
    elif reach == privacy.RELATED:
        every, _total = fetch(offset=0, limit=None)
        mine = viewer.visible(kind, every)
        rows, total = mine[first : first + size], len(mine)
    else:
        rows, total = fetch(offset=0, limit=0)[0], 0
    pagination.item_count = total
    return rows


def _visible_one(kind: privacy.Kind, row: Any, message: str) -> Any:
    """One row, or 404 when the caller may see nothing of it (as one of another township)."""
    if not privacy.current_viewer().visible(kind, [row]):
        raise NotFound(message)
    return row


@blp.route("/representatives")
class Representatives(MethodView):
    @blp.arguments(RepresentativeQuerySchema, location="query")
    @blp.response(200, RepresentativeOutSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The roster in pinyin order; search by name, pinyin or initials"""
        rows, total = people.list_representatives(
            *township_scope(),
            **args,
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(RepresentativeSchema)
    @blp.response(201, RepresentativeOutSchema)
    def post(self, data: RepresentativeInput):
        """Add a representative"""
        return people.create_representative(*township_scope(), data)


@blp.route("/representatives/<int:rep_id>")
class RepresentativeById(MethodView):
    @blp.response(200, RepresentativeOutSchema)
    def get(self, rep_id: int):
        """One representative"""
        return people.get_representative(*township_scope(), rep_id)

    @blp.arguments(RepresentativePatchSchema)
    @blp.response(200, RepresentativeOutSchema)
    def patch(self, data: Changes[RepresentativeInput], rep_id: int):
        """Change a representative's record"""
        return people.update_representative(*township_scope(), rep_id, data)


@blp.route("/representatives/<int:rep_id>/end")
class EndQualification(MethodView):
    @blp.arguments(EndQualificationSchema)
    @blp.response(200, RepresentativeOutSchema)
    def post(self, data: EndQualificationInput, rep_id: int):
        """End a qualification (transferred, resigned, recalled …); history is kept"""
        return people.end_qualification(
            *township_scope(), rep_id, reason=data.reason, on=data.on, note=data.note
        )


@blp.route("/representatives/<int:rep_id>/account")
class RepresentativeAccount(MethodView):
    @blp.arguments(AccountSchema)
    @blp.response(201, AccountLinkedSchema)
    def post(self, data: AccountInput, rep_id: int):
        """Give a representative a login (existing member, or a new user with a set-up link)"""
        rep, token = people.link_account(
            *township_scope(), rep_id, user_id=data.user_id, username=data.username
        )
        return {
            "representative_id": rep.id,
            "user_id": rep.user_id,
            "setup_url": accounts.setup_url(token) if token else None,
        }


@blp.route("/representatives/<int:rep_id>/photo")
class RepresentativePhoto(MethodView):
    @blp.arguments(PhotoSchema, location="files")
    @blp.response(200, RepresentativeOutSchema)
    def put(self, data, rep_id: int):
        """Set a representative's photo (JPG, PNG or WebP)"""
        upload = data["photo"]
        return people.set_photo(
            *township_scope(), rep_id, upload.stream, upload.filename or "photo"
        )


@blp.route("/groups")
class Groups(MethodView):
    @blp.response(200, GroupSchema(many=True))
    def get(self):
        """Representative groups with their current members and roles"""
        return [_group_out(v) for v in people.list_groups(*township_scope())]

    @blp.arguments(GroupInputSchema)
    @blp.response(201, GroupSchema)
    def post(self, data: GroupInput):
        """Create a group"""
        actor, township = township_scope()
        group = people.create_group(actor, township, data)
        return _group_out(people.get_group(actor, township, group.id))


@blp.route("/groups/<int:group_id>")
class GroupById(MethodView):
    @blp.response(200, GroupSchema)
    def get(self, group_id: int):
        """One group"""
        return _group_out(people.get_group(*township_scope(), group_id))

    @blp.arguments(GroupPatchSchema)
    @blp.response(200, GroupSchema)
    def patch(self, data: Changes[GroupInput], group_id: int):
        """Rename, describe or deactivate a group"""
        actor, township = township_scope()
        people.update_group(actor, township, group_id, data)
        return _group_out(people.get_group(actor, township, group_id))


@blp.route("/groups/<int:group_id>/members")
class GroupMembers(MethodView):
    @blp.arguments(GroupAssignSchema)
    @blp.response(200, GroupSchema)
    def post(self, data: GroupAssignInput, group_id: int):
        """Put a representative in the group with a role (leader, deputy, liaison, member)"""
        actor, township = township_scope()
        people.assign_to_group(
            actor,
            township,
            rep_id=data.representative_id,
            group_id=group_id,
            role=data.role,
            on=data.on,
        )
        return _group_out(people.get_group(actor, township, group_id))


@blp.route("/groups/<int:group_id>/members/<int:rep_id>")
class GroupMember(MethodView):
    @blp.response(200, GroupSchema)
    def delete(self, group_id: int, rep_id: int):
        """Take a representative out of the group (kept as history): their area group, or one
        of their thematic groups"""
        actor, township = township_scope()
        people.remove_from_group(actor, township, rep_id=rep_id, group_id=group_id)
        return _group_out(people.get_group(actor, township, group_id))


@blp.route("/representatives/<int:rep_id>/groups")
class RepresentativeMemberships(MethodView):
    @blp.response(200, MembershipSchema(many=True))
    def get(self, rep_id: int):
        """A representative's groups, area and thematic, current and past, newest first"""
        return [
            {"membership": gm, "group": group}
            for gm, group in people.representative_groups(*township_scope(), rep_id)
        ]


@blp.route("/units")
class Units(MethodView):
    @blp.response(200, UnitSchema(many=True))
    def get(self):
        """Handling units (承办单位)"""
        return people.list_units(*township_scope())

    @blp.arguments(UnitInputSchema)
    @blp.response(201, UnitSchema)
    def post(self, data: UnitInput):
        """Add a handling unit"""
        return people.create_unit(*township_scope(), data)


@blp.route("/units/<int:unit_id>")
class UnitById(MethodView):
    @blp.response(200, UnitSchema)
    def get(self, unit_id: int):
        """One handling unit"""
        return people.get_unit(*township_scope(), unit_id)

    @blp.arguments(UnitPatchSchema)
    @blp.response(200, UnitSchema)
    def patch(self, data: Changes[UnitInput], unit_id: int):
        """Change a handling unit"""
        return people.update_unit(*township_scope(), unit_id, data)


@blp.route("/units/<int:unit_id>/users")
class UnitUsers(MethodView):
    @blp.arguments(UnitUserSchema)
    @blp.response(201, UnitUserAddedSchema)
    def post(self, data: UnitUserInput, unit_id: int):
        """A user who answers for the unit (existing member, or a new user with a set-up link)"""
        added = people.add_unit_user(
            *township_scope(),
            unit_id,
            user_id=data.user_id,
            username=data.username,
            display_name=data.display_name,
            phone=data.phone,
        )
        return {
            "membership_id": added.membership.id,
            "user_id": added.membership.user_id,
            "setup_url": accounts.setup_url(added.setup_token) if added.setup_token else None,
        }


@blp.route("/party-members")
class PartyMembers(MethodView):
    @blp.arguments(BranchFilterSchema, location="query")
    @blp.response(200, PartyMemberOutSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Party members, by branch, in pinyin order (those whose name you may see)"""
        actor, township = township_scope()
        return _visible_page(
            privacy.Kind.PARTY_MEMBER,
            lambda **page: people.list_party_members(actor, township, **args, **page),
            pagination_parameters,
        )

    @blp.arguments(PartyMemberSchema)
    @blp.response(201, PartyMemberOutSchema)
    def post(self, data: PartyMemberInput):
        """Add a party member"""
        return people.create_party_member(*township_scope(), data)


@blp.route("/party-members/<int:member_id>")
class PartyMemberById(MethodView):
    @blp.response(200, PartyMemberOutSchema)
    def get(self, member_id: int):
        """One party member"""
        return _visible_one(
            privacy.Kind.PARTY_MEMBER,
            people.get_party_member(*township_scope(), member_id),
            _("未找到该党员"),
        )

    @blp.arguments(PartyMemberPatchSchema)
    @blp.response(200, PartyMemberOutSchema)
    def patch(self, data: Changes[PartyMemberInput], member_id: int):
        """Change a party member"""
        return people.update_party_member(*township_scope(), member_id, data)


@blp.route("/households")
class Households(MethodView):
    @blp.arguments(BranchFilterSchema, location="query")
    @blp.response(200, HouseholdOutSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Households, by branch (those whose head's name you may see)"""
        actor, township = township_scope()
        return _visible_page(
            privacy.Kind.HOUSEHOLD,
            lambda **page: people.list_households(
                actor, township, branch_id=args["branch_id"], **page
            ),
            pagination_parameters,
        )

    @blp.arguments(HouseholdSchema)
    @blp.response(201, HouseholdOutSchema)
    def post(self, data: HouseholdInput):
        """Add a household"""
        return people.create_household(*township_scope(), data)


@blp.route("/households/<int:household_id>")
class HouseholdById(MethodView):
    @blp.response(200, HouseholdOutSchema)
    def get(self, household_id: int):
        """One household"""
        return _visible_one(
            privacy.Kind.HOUSEHOLD,
            people.get_household(*township_scope(), household_id),
            _("未找到该户"),
        )

    @blp.arguments(HouseholdPatchSchema)
    @blp.response(200, HouseholdOutSchema)
    def patch(self, data: Changes[HouseholdInput], household_id: int):
        """Change a household"""
        return people.update_household(*township_scope(), household_id, data)
