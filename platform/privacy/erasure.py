"""Erasing what the law lets go (PIPL art. 47), keeping the record of the work done.

A representative whose qualification has ended becomes "原代表（已匿名·N）": their personal
fields are cleared, their history rows stay (and keep counting in every figure), their account
is switched off. A member of the public loses the name and number on their cases; the cases
stay. Both are irreversible, confirmed by typing the name or the number, and audited without
the data erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from lianxin.audit import service as audit
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, SetupLink, User
from lianxin.casework.models import Case, Channel
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.people.models import Representative
from lianxin.people.stages.common import pinyin_of
from lianxin.privacy.common import (
    FORMER_PREFIX,
    FORMER_REPRESENTATIVE,
    NAME_COPIES,
    REP_COLUMNS,
    require_admin,
    scrub_case_messages,
    submitter_phone,
    tenant_classes,
)
from lianxin.storage import service as files
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


@dataclass(frozen=True)
class Erased:
    """What an erasure changed, in counts (the page and the audit entry say the same)."""

    name: str  # what the person is called from now on ("" for a member of the public)
    cases_cleared: int
    copies_renamed: int
    messages_scrubbed: int
    account_disabled: bool = False
    memberships_removed: int = 0
    photo_removed: bool = False  # the photo's file row and bytes (once committed) deleted


def is_anonymised(rep: Representative) -> bool:
    return rep.name.startswith(FORMER_PREFIX)


def _clear_raisers(township: Township, cases: list[Case]) -> tuple[int, int]:
    for case in cases:
        case.raiser_name, case.raiser_phone = None, None
    db.session.flush()
    return len(cases), scrub_case_messages(township.id, [c.id for c in cases])


def _rename_copies(rep_id: int, user_id: int | None, name: str) -> int:
    """Copies of the person's name beside a pointer to them (`NAME_COPIES`), in this township."""
    renamed = 0
    for cls in tenant_classes():
        columns = {c.key for c in cls.__table__.columns}
        for pointer, copy in NAME_COPIES:
            if pointer not in columns or copy not in columns:
                continue
            value = rep_id if pointer in REP_COLUMNS else user_id
            if value is None:
                continue
            result = db.session.execute(
                update(cls)
                .where(getattr(cls, pointer) == value)
                .values({copy: name})
                .execution_options(synchronize_session=False)
            )
            renamed += int(getattr(result, "rowcount", 0) or 0)
    return renamed


def _close_account(township: Township, user: User, name: str) -> tuple[bool, int]:
    """This township's memberships end; an account that acts nowhere else is switched off and
    keeps nothing personal. One that also acts in another township or county is that place's
    business too: it keeps its name there (the township admin cannot close it alone)."""
    removed = db.session.execute(
        delete(Membership)
        .where(Membership.user_id == user.id, Membership.tenant_id == township.id)
        .execution_options(synchronize_session=False)
    )
    elsewhere = db.session.scalar(
        select(Membership.id).where(Membership.user_id == user.id).limit(1)
    )
    if elsewhere is not None:
        return False, int(getattr(removed, "rowcount", 0) or 0)
    user.is_active = False
    user.password_hash = None
    user.display_name = name
    user.username = f"erased-{user.id}"
    user.phone, user.email = None, None
    accounts.end_credentials(user, utcnow())
    db.session.execute(delete(SetupLink).where(SetupLink.user_id == user.id))
    return True, int(getattr(removed, "rowcount", 0) or 0)


@use_case
def anonymise_representative(
    actor: Actor, township: Township, rep_id: int, *, confirm: str
) -> Erased:
    """A former representative's personal data goes; their history stays, nameless."""
    require_admin(actor, township)
    # Under the representative's row lock, held to the commit, and read afresh: a photo set
    # at the same time (which takes the same lock) is either in place and removed here, or
    # waits and then finds the representative anonymised.
    rep = db.session.get(
        Representative,
        (township.id, rep_id),
        with_for_update={"key_share": True},  # FOR NO KEY UPDATE
        populate_existing=True,
    )
    if rep is None:
        raise NotFound(_("未找到该代表"))
    if is_anonymised(rep):
        raise Conflict(_("该代表的个人信息已经匿名化"))
    if rep.in_office:
        raise Conflict(
            _("该代表仍在任，不能匿名化。请先办理资格终止，再删除其个人信息。"),
            code="in_office",
        )
    if (confirm or "").strip() != rep.name:
        raise ValidationFailed(
            errors={"confirm": [_("请输入该代表的姓名以确认（此操作不可撤销）")]}
        )
    old_name, old_phone = rep.name, rep.phone
    name = FORMER_REPRESENTATIVE.format(id=rep.id)
    user = db.session.get(User, rep.user_id) if rep.user_id else None

    # Cases raised from their own number, or in their name through the liaison chain.
    raised = db.session.scalars(
        select(Case).where(
            (Case.raiser_phone == old_phone)
            if old_phone
            else (Case.raiser_name == old_name) & (Case.channel == Channel.LIAISON)
        )
    ).all()
    if old_phone:
        raised = [
            *raised,
            *db.session.scalars(
                select(Case).where(
                    Case.raiser_name == old_name,
                    Case.channel == Channel.LIAISON,
                    Case.raiser_phone.is_distinct_from(old_phone),
                )
            ),
        ]
    cases_cleared, scrubbed = _clear_raisers(township, list(raised))

    rep.name = name
    rep.name_pinyin, rep.name_initials = pinyin_of(name)
    # The year stays, for the age structure of past years; the day that identifies goes.
    rep.birth_date = date(rep.birth_date.year, 7, 1)
    rep.phone = rep.workplace = rep.post = rep.ended_note = None
    photo_id, rep.photo_file_id = rep.photo_file_id, None
    rep.publish_contact = False
    rep.user_id = None
    db.session.flush()
    # The face goes with the name: the file's row now, its bytes once this commits.
    photo_removed = photo_id is not None and files.delete_file(township, photo_id)
    copies = _rename_copies(rep.id, user.id if user is not None else None, name)
    disabled, memberships = _close_account(township, user, name) if user is not None else (False, 0)
    erased = Erased(name, cases_cleared, copies, scrubbed, disabled, memberships, photo_removed)
    audit.record(
        "privacy.representative_anonymised",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after={
            "name": name,
            "cases_cleared": cases_cleared,
            "copies_renamed": copies,
            "messages_scrubbed": scrubbed,
            "account_id": user.id if user is not None else None,
            "account_disabled": disabled,
            "memberships_removed": memberships,
            "photo_removed": photo_removed,
        },
    )
    return erased


@use_case
def erase_submitter(actor: Actor, township: Township, phone: str | None, *, confirm: str) -> Erased:
    """The name and number a member of the public left on their cases go; the cases stay."""
    require_admin(actor, township)
    number = submitter_phone(phone)
    if (confirm or "").strip() != number:
        raise ValidationFailed(errors={"confirm": [_("请再次输入该号码以确认（此操作不可撤销）")]})
    cases = db.session.scalars(select(Case).where(Case.raiser_phone == number)).all()
    if not cases:
        raise NotFound(_("未找到以该号码提交的诉求"))
    cleared, scrubbed = _clear_raisers(township, list(cases))
    audit.record(
        "privacy.submitter_erased",
        actor=actor,
        tenant_id=township.id,
        target_type="submitter",
        after={"case_ids": sorted(c.id for c in cases), "messages_scrubbed": scrubbed},
    )
    return Erased("", cleared, 0, scrubbed)
