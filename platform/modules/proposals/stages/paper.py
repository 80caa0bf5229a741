"""Paper: the blank 提案提议表 representatives sign by hand, and the office keying one in.

Townships will collect proposals on paper for years beside the platform (a representative
without a phone, a group's form passed round at a meeting). The office keys the form in for
its author: the same draft, the co-signers as signed (their signatures are on the paper), and
the same submission as the author's own (`signing.submit_draft`: the collection window judged
on the day the form was handed in, the signers in office counted against the township's
minimum). The proposal says it was registered from paper, on its page, in the API and in the
audit log."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework.deadlines import a_year_before
from lianxin.db import db, utcnow
from lianxin.errors import ValidationFailed
from lianxin.modules import kit
from lianxin.modules.kit import find_representative
from lianxin.modules.proposals.inputs import PaperInput
from lianxin.modules.proposals.models import (
    Kind,
    Proposal,
    Signature,
    SignatureStatus,
    State,
)
from lianxin.modules.proposals.stages.common import (
    _audit,
    _event,
    _require_office,
    settings,
)
from lianxin.modules.proposals.stages.signing import submit_draft
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

SIGNATURE_ROWS = 10  # co-signers' lines on the blank form, at least


@dataclass(frozen=True)
class BlankForm:
    """What the printed form says of the township's rules."""

    min_signers: int  # the author included
    signature_rows: int


def blank_form(actor: Actor, township: Township) -> BlankForm:
    """The blank form's rules: for the office and the representatives (who hand them out)."""
    from lianxin.auth import permissions

    permissions.require_member(actor, township)
    needed = int(settings(township.id)["min_signers"])
    return BlankForm(needed, max(SIGNATURE_ROWS, needed))


def signers_to_pick() -> list[Representative]:
    """The representatives in office, for the office's form (author and co-signers)."""
    return list(
        db.session.scalars(
            select(Representative)
            .where(Representative.status == RepStatus.IN_OFFICE)
            .order_by(Representative.name_pinyin, Representative.id)
        )
    )


@use_case
def register_from_paper(actor: Actor, township: Township, data: PaperInput) -> Proposal:
    """The office keys in a paper form: a draft for its author with the co-signers signed,
    submitted at once under the rules of the day the form was handed in (within the last year,
    not after today). A rule it breaks (window closed that day, too few signers in office)
    refuses it and keeps nothing."""
    _require_office(actor, township)
    author = find_representative(township, data.author_id)
    cosigners = [find_representative(township, i) for i in dict.fromkeys(data.cosigner_ids)]
    # The form's date (after the ids: another township's representative is 404 whatever it says).
    today = kit.today()
    if data.paper_form_on > today:
        raise ValidationFailed(errors={"paper_form_on": [_("纸质表的递交日期不能晚于今天")]})
    if data.paper_form_on < a_year_before(today):
        raise ValidationFailed(errors={"paper_form_on": [_("纸质表的递交日期不能早于一年前")]})
    if any(rep.id == author.id for rep in cosigners):
        raise ValidationFailed(
            errors={"cosigner_ids": [_("领衔代表不必再列为联名代表")]},
        )
    if data.kind != Kind.PROPOSAL and cosigners:
        raise ValidationFailed(
            errors={"cosigner_ids": [_("建议意见和质询由代表个人提出，没有联名代表")]},
        )
    proposal = Proposal(
        author_id=author.id,
        state=State.DRAFT,
        kind=data.kind,
        title=data.title,
        body=data.body,
        category=data.category,
        from_paper=True,
        paper_form_on=data.paper_form_on,
    )
    db.session.add(proposal)
    db.session.flush()
    now = utcnow()
    for rep in (author, *cosigners):
        db.session.add(
            Signature(
                proposal_id=proposal.id,
                representative_id=rep.id,
                status=SignatureStatus.SIGNED,
                responded_at=now,
            )
        )
    db.session.flush()
    _event(
        proposal,
        "create",
        actor,
        None,
        State.DRAFT,
        _("据纸质提案提议表登记（递交日期 %(d)s）", d=data.paper_form_on.isoformat()),
    )
    _audit(
        "register_paper",
        actor,
        township,
        proposal,
        kind=proposal.kind,
        from_paper=True,
        paper_form_on=data.paper_form_on.isoformat(),
        author_id=author.id,
        signers=sorted(rep.id for rep in cosigners),
    )
    return submit_draft(actor, township, proposal, author, today=data.paper_form_on)
