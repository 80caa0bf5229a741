"""The roster: representatives, their photos and accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.people.inputs import RepresentativeInput
from lianxin.people.models import (
    EndReason,
    GroupMembership,
    GroupRole,
    Representative,
    RepStatus,
)
from lianxin.people.stages.common import (
    REPRESENTATIVE_FIELDS,
    RepresentativeChecks,
    _can_read,
    _can_write,
    _move_group,
    _search,
    pinyin_of,
)
from lianxin.storage import owners as storage_owners
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case

# --- the roster ---------------------------------------------------------------------------------


def _snapshot(rep: Representative) -> dict[str, Any]:
    return {
        f: getattr(rep, f)
        for f in (
            *REPRESENTATIVE_FIELDS,
            "status",
            "ended_reason",
            "ended_on",
            "user_id",
            "photo_file_id",
        )
    }


def list_representatives(
    actor: Actor,
    township: Township,
    *,
    q: str | None = None,
    status: str | None = None,
    branch_id: int | None = None,
    group_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Representative], int]:
    """The roster in pinyin order, searchable by name, full pinyin or initials."""
    _can_read(actor, township)
    query = _search(select(Representative), Representative, q)
    if status:
        query = query.where(Representative.status == status)
    if branch_id is not None:
        query = query.where(Representative.branch_id == branch_id)
    if group_id is not None:
        # An area group is the representative's own column; a thematic group (专业小组) is known
        # only from its current memberships.
        members = select(GroupMembership.representative_id).where(
            GroupMembership.group_id == group_id, GroupMembership.ended_on.is_(None)
        )
        query = query.where(
            or_(Representative.group_id == group_id, Representative.id.in_(members))
        )
    return paged(
        query,
        Representative.name_pinyin,
        Representative.birth_date,
        Representative.id,
        offset=offset,
        limit=limit,
    )


def get_representative(actor: Actor, township: Township, rep_id: int) -> Representative:
    _can_read(actor, township)
    rep = db.session.get(Representative, (township.id, rep_id))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


def find_by_key(name: str, birth_date: date) -> Representative | None:
    """The stable key of a representative within a township: name and birth date."""
    return db.session.scalar(
        select(Representative).where(
            Representative.name == name, Representative.birth_date == birth_date
        )
    )


def apply_representative(
    rep: Representative, data: Mapping[str, Any], *, on: date | None = None
) -> None:
    """Write checked data onto a representative (internal: callers check and audit)."""
    group_before = rep.group_id
    for field in REPRESENTATIVE_FIELDS:
        if field in data:
            setattr(rep, field, data[field])
    rep.name_pinyin, rep.name_initials = pinyin_of(rep.name)
    if "group_id" in data and data["group_id"] != group_before:
        db.session.flush()
        _move_group(rep, data["group_id"], GroupRole.MEMBER, on or shanghai_today())


@use_case
def create_representative(
    actor: Actor, township: Township, data: RepresentativeInput
) -> Representative:
    _can_write(actor, township)
    values = RepresentativeChecks(township).require(asdict(data))
    if find_by_key(values["name"], values["birth_date"]) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名且出生日期相同的代表")]})
    rep = Representative(status=RepStatus.IN_OFFICE, group_id=None)
    apply_representative(rep, {k: v for k, v in values.items() if k != "group_id"})
    db.session.add(rep)
    db.session.flush()
    if values.get("group_id"):
        _move_group(rep, values["group_id"], GroupRole.MEMBER, shanghai_today())
    audit.record(
        "representative.created",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after=_snapshot(rep),
    )
    return rep


@use_case
def update_representative(
    actor: Actor, township: Township, rep_id: int, changes: Changes[RepresentativeInput]
) -> Representative:
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    values = RepresentativeChecks(township).require(changes)
    before = _snapshot(rep)
    name, born = values.get("name", rep.name), values.get("birth_date", rep.birth_date)
    other = find_by_key(name, born)
    if other is not None and other.id != rep.id:
        raise ValidationFailed(errors={"name": [_("已有同名且出生日期相同的代表")]})
    apply_representative(rep, values)
    audit.record(
        "representative.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before=before,
        after=_snapshot(rep),
    )
    return rep


@use_case
def end_qualification(
    actor: Actor, township: Township, rep_id: int, *, reason: str, on: date, note: str | None = None
) -> Representative:
    """Qualification ended: the person stays in every past record, with the reason and date."""
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    if reason not in set(EndReason):
        raise ValidationFailed(errors={"reason": [_("请选择终止原因")]})
    if not rep.in_office:
        raise Conflict(_("该代表的资格已经终止"))
    if on > shanghai_today():
        raise ValidationFailed(errors={"on": [_("终止日期不能晚于今天")]})
    before = _snapshot(rep)
    rep.status, rep.ended_reason, rep.ended_on = RepStatus.ENDED, reason, on
    rep.ended_note = (note or "").strip() or None
    _move_group(rep, None, GroupRole.MEMBER, on, every_kind=True)
    audit.record(
        "representative.qualification_ended",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before=before,
        after=_snapshot(rep),
    )
    return rep


@use_case
def set_photo(
    actor: Actor, township: Township, rep_id: int, stream: IO[bytes], filename: str
) -> Representative:
    from lianxin.privacy.common import FORMER_PREFIX
    from lianxin.storage import service as files

    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    # Read again under the representative's row lock, held to the commit: a replacement at
    # once waits and then replaces this one's photo (none is left that nobody points at), and
    # an erasure (which takes the same lock) is seen, not undone. SQLite: the writer holds the
    # whole database; no lock clause there.
    db.session.refresh(rep, with_for_update={"key_share": True})  # FOR NO KEY UPDATE
    if rep.name.startswith(FORMER_PREFIX):
        raise Conflict(_("该代表的个人信息已经匿名化，不能再上传照片"), code="anonymised")
    images = {t for t in files.ALLOWED if t.startswith("image/")}
    try:
        # Checked before storing: a refused photo leaves no file row and no bytes behind.
        stored = files.save_upload(
            actor, township, stream, filename, purpose="photo", allowed=images
        )
    except ValidationFailed:
        raise ValidationFailed(errors={"photo": [_("照片须为图片（JPG、PNG、WebP）")]}) from None
    replaced, rep.photo_file_id = rep.photo_file_id, stored.id
    db.session.flush()
    if replaced is not None and replaced != stored.id:
        # The old face is nobody's to keep: its row goes now, its bytes once this commits.
        files.delete_file(township, replaced)
    audit.record(
        "representative.photo_set",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before={"file_id": replaced} if replaced is not None else None,
        after={"file_id": stored.id},
    )
    return rep


@storage_owners.reader("photo")
def _photo_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A photo is read by whoever may read its representative (`get_representative`); one that
    was replaced is held by no representative."""
    rep_id = db.session.scalar(
        select(Representative.id).where(Representative.photo_file_id == file_id).limit(1)
    )
    if rep_id is None:
        return False
    get_representative(actor, township, rep_id)
    return True


@use_case
def link_account(
    actor: Actor,
    township: Township,
    rep_id: int,
    *,
    user_id: int | None = None,
    username: str | None = None,
) -> tuple[Representative, str | None]:
    """Give a representative a login (role `representative`); a new user gets a set-up link."""
    rep = get_representative(actor, township, rep_id)
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    if rep.user_id is not None:
        raise Conflict(_("该代表已有登录账号"))
    token = None
    if user_id is not None:
        user = accounts.member_user(township, user_id)
    else:
        user = accounts.create_user(username or "", rep.name, phone=rep.phone)
        token = accounts.issue_setup_link(user)
    has_role = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.tenant_id == township.id,
            Membership.role == Role.REPRESENTATIVE.value,
        )
    )
    if not has_role:
        accounts.grant_township_role(actor, township, user=user, role=Role.REPRESENTATIVE)
    rep.user_id = user.id
    audit.record(
        "representative.account_linked",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after={"user_id": user.id},
    )
    return rep, token


def representative_for_user(township: Township, user_id: int) -> Representative | None:
    return db.session.scalar(select(Representative).where(Representative.user_id == user_id))
