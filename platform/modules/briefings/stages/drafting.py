"""Drafting: a briefing written, changed and given its files while it is a draft; the list."""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, func, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.briefings.inputs import BriefingInput
from lianxin.modules.briefings.models import (
    Audience,
    Briefing,
    BriefingFile,
    Recipient,
    State,
)
from lianxin.modules.briefings.stages.common import (
    MODULE_KEY,
    _audit,
    _draft,
    _office,
    find_briefing,
    get_briefing,
    is_office,
    own_representative,
)
from lianxin.people.models import Representative, RepresentativeGroup
from lianxin.storage import owners as storage_owners
from lianxin.storage.models import StoredFile
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case


def _check_choice(township: Township, data: dict[str, Any]) -> None:
    """Groups and representatives of this township (another township's: 404); the briefing a
    correction refers to is a sent one of this township."""
    for group_id in data.get("group_ids") or ():
        if db.session.get(RepresentativeGroup, (township.id, int(group_id))) is None:
            raise NotFound(_("未找到该代表小组"))
    for rep_id in data.get("representative_ids") or ():
        if db.session.get(Representative, (township.id, int(rep_id))) is None:
            raise NotFound(_("未找到该代表"))
    corrects_id = data.get("corrects_id")
    if corrects_id is not None:
        old = find_briefing(township, corrects_id)
        if old.state != State.SENT:
            raise ValidationFailed(errors={"corrects_id": [_("只能更正已发出的通报")]})


def _check_audience(briefing: Briefing) -> None:
    if briefing.audience == Audience.GROUPS and not briefing.group_ids:
        raise ValidationFailed(errors={"group_ids": [_("请至少选择一个代表小组")]})
    if briefing.audience == Audience.NAMED and not briefing.representative_ids:
        raise ValidationFailed(errors={"representative_ids": [_("请至少选择一名代表")]})


@use_case
def create_briefing(actor: Actor, township: Township, data: BriefingInput) -> Briefing:
    """A new draft (a correction names the sent briefing it corrects)."""
    _office(actor, township)
    values = asdict(data)
    _check_choice(township, values)
    values["group_ids"] = sorted({int(i) for i in data.group_ids})
    values["representative_ids"] = sorted({int(i) for i in data.representative_ids})
    briefing = Briefing(**values, state=State.DRAFT, created_by_id=actor.user_id)
    db.session.add(briefing)
    db.session.flush()
    _audit(
        "briefing.create",
        actor,
        township,
        briefing,
        title=briefing.title,
        kind=briefing.kind,
        audience=briefing.audience,
        corrects_id=briefing.corrects_id,
    )
    return briefing


@use_case
def update_briefing(
    actor: Actor, township: Township, briefing_id: int, changes: Changes[BriefingInput]
) -> Briefing:
    """Change the named fields of a draft (loaded with `partial=True`)."""
    briefing = _draft(actor, township, briefing_id)
    _check_choice(township, dict(changes))
    if changes.get("corrects_id") == briefing.id:
        raise ValidationFailed(errors={"corrects_id": [_("只能更正已发出的通报")]})
    for key, value in changes.items():
        if key in ("group_ids", "representative_ids"):
            value = sorted({int(i) for i in value})
        setattr(briefing, key, value)
    _check_audience(briefing)
    _audit(
        "briefing.update",
        actor,
        township,
        briefing,
        **{k: str(v) for k, v in changes.items() if k in ("title", "kind", "audience")},
    )
    return briefing


@use_case
def delete_draft(actor: Actor, township: Township, briefing_id: int) -> None:
    """Throw a draft away (a sent briefing stays for ever)."""
    briefing = _draft(actor, township, briefing_id)
    db.session.execute(delete(BriefingFile).where(BriefingFile.briefing_id == briefing.id))
    _audit("briefing.delete", actor, township, briefing, title=briefing.title)
    db.session.delete(briefing)
    db.session.flush()


@use_case
def attach_file(
    actor: Actor, township: Township, briefing_id: int, stream: IO[bytes], filename: str
) -> StoredFile:
    """A file of a draft, kept by the storage service."""
    from lianxin.storage import service as files

    briefing = _draft(actor, township, briefing_id)
    stored = files.save_upload(actor, township, stream, filename, purpose="briefing")
    db.session.add(BriefingFile(briefing_id=briefing.id, file_id=stored.id))
    _audit("briefing.attach", actor, township, briefing, filename=stored.filename)
    return stored


@use_case
def remove_file(actor: Actor, township: Township, briefing_id: int, file_id: int) -> None:
    briefing = _draft(actor, township, briefing_id)
    link = db.session.scalar(
        select(BriefingFile).where(
            BriefingFile.briefing_id == briefing.id, BriefingFile.file_id == file_id
        )
    )
    if link is None:
        raise NotFound(_("未找到该文件"))
    db.session.delete(link)
    _audit("briefing.detach", actor, township, briefing, file_id=file_id)


def files_of(actor: Actor, township: Township, briefing_id: int) -> list[StoredFile]:
    briefing = get_briefing(actor, township, briefing_id)
    return briefing_files(briefing)


def briefing_files(briefing: Briefing) -> list[StoredFile]:
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(
                BriefingFile,
                and_(
                    BriefingFile.file_id == StoredFile.id,
                    BriefingFile.tenant_id == StoredFile.tenant_id,
                ),
            )
            .where(BriefingFile.briefing_id == briefing.id)
            .order_by(BriefingFile.id)
        )
    )


@storage_owners.reader("briefing")
def _file_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A briefing's file is read by whoever may read the briefing, while the module is on."""
    briefing_id = db.session.scalar(
        select(BriefingFile.briefing_id).where(BriefingFile.file_id == file_id).limit(1)
    )
    if briefing_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_briefing(actor, township, briefing_id)
    return True


# --- the list ------------------------------------------------------------------------------------


def page_briefings(
    actor: Actor,
    township: Township,
    *,
    state: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Briefing], int]:
    """The office: every briefing, newest first; a representative: those sent to them."""
    permissions.require_member(actor, township)
    query = select(Briefing)
    if not is_office(actor, township):
        rep = own_representative(actor, township)
        mine = exists().where(
            Recipient.briefing_id == Briefing.id,
            Recipient.representative_id == (rep.id if rep else -1),
        )
        query = query.where(Briefing.state == State.SENT, mine)
    elif state:
        query = query.where(Briefing.state == state)
    newest = func.coalesce(Briefing.sent_at, Briefing.created_at)
    return paged(query, newest.desc(), Briefing.id.desc(), offset=offset, limit=limit)


def list_briefings(actor: Actor, township: Township, *, state: str | None = None) -> list[Briefing]:
    return page_briefings(actor, township, state=state)[0]
