"""Reading: a recipient's first read (from their account or their link), what the office sees
of who read and who did not (not secret), a reading link handed out again, and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import NotFound
from lianxin.modules import kit
from lianxin.modules.briefings.models import Briefing, Recipient, State
from lianxin.modules.briefings.stages.common import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    _audit,
    _digest,
    _office,
    find_briefing,
    get_briefing,
    own_representative,
    recipient_of,
)
from lianxin.modules.briefings.stages.drafting import briefing_files
from lianxin.modules.briefings.stages.sending import new_token
from lianxin.modules.registry import SHANGHAI
from lianxin.people.models import Representative
from lianxin.storage import service as storage
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def _mark_read(recipient: Recipient) -> None:
    """The first read only: a conditional UPDATE, so two phones opening it at once keep one."""
    if recipient.read_at is not None:
        return
    db.session.execute(
        update(Recipient)
        .where(Recipient.id == recipient.id, Recipient.read_at.is_(None))
        .values(read_at=utcnow(), read_on=kit.today())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(recipient)


@use_case
def read_briefing(actor: Actor, township: Township, briefing_id: int) -> Briefing:
    """Open a briefing; a recipient's first opening is their read receipt."""
    briefing = get_briefing(actor, township, briefing_id)
    recipient = recipient_of(briefing, own_representative(actor, township))
    if recipient is not None:
        _mark_read(recipient)
    return briefing


def my_receipt(actor: Actor, township: Township, briefing: Briefing) -> Recipient | None:
    return recipient_of(briefing, own_representative(actor, township))


@use_case
def read_by_link(township: Township, token: str | None) -> tuple[Briefing, Recipient]:
    """Open a briefing from the link sent by SMS to someone without an account."""
    recipient = db.session.scalar(
        select(Recipient).where(Recipient.token_hash == _digest(token or ""))
    )
    if recipient is None:
        raise NotFound(_("链接无效或已失效"))
    briefing = find_briefing(township, recipient.briefing_id)
    _mark_read(recipient)
    return briefing, recipient


def linked_file(township: Township, token: str | None, file_id: int) -> storage.Download:
    """A file attached to the briefing a reading link opens, for the link's holder: the same
    link the page takes (a reissued one stops it), and only a file of that one briefing (any
    other file id, of another briefing too, is 404)."""
    recipient = db.session.scalar(
        select(Recipient).where(Recipient.token_hash == _digest(token or ""))
    )
    if recipient is None or not token:
        raise NotFound(_("链接无效或已失效"))
    briefing = find_briefing(township, recipient.briefing_id)
    held = [f.id for f in briefing_files(briefing)]
    return storage.open_linked_download(township, file_id, held)


@dataclass(frozen=True)
class Receipt:
    recipient: Recipient
    name: str
    phone: str | None
    has_account: bool

    @property
    def read(self) -> bool:
        return self.recipient.read_at is not None


def receipts(actor: Actor, township: Township, briefing_id: int) -> list[Receipt]:
    """Every recipient and their first read: unread first, then by name."""
    briefing = get_briefing(actor, township, briefing_id)
    _office(actor, township)
    rows = db.session.execute(
        select(Recipient, Representative)
        .join(
            Representative,
            (Representative.id == Recipient.representative_id)
            & (Representative.tenant_id == Recipient.tenant_id),
        )
        .where(Recipient.briefing_id == briefing.id)
        .order_by(Recipient.read_at.is_not(None), Representative.name_pinyin)
    ).all()
    return [Receipt(r, rep.name, rep.phone, rep.user_id is not None) for r, rep in rows]


@dataclass(frozen=True)
class Counts:
    recipients: int = 0
    read: int = 0

    @property
    def unread(self) -> int:
        return self.recipients - self.read


def read_counts(briefing_ids: list[int]) -> dict[int, Counts]:
    """(recipients, read) of each briefing, in one query."""
    if not briefing_ids:
        return {}
    rows = db.session.execute(
        select(Recipient.briefing_id, func.count(), func.count(Recipient.read_at))
        .where(Recipient.briefing_id.in_(briefing_ids))
        .group_by(Recipient.briefing_id)
    ).all()
    return {bid: Counts(int(n), int(done)) for bid, n, done in rows}


def corrections_of(briefing: Briefing) -> list[Briefing]:
    """The sent briefings that correct this one."""
    return list(
        db.session.scalars(
            select(Briefing)
            .where(Briefing.corrects_id == briefing.id, Briefing.state == State.SENT)
            .order_by(Briefing.sent_at)
        )
    )


@use_case
def issue_link(
    actor: Actor, township: Township, briefing_id: int, recipient_id: int
) -> tuple[Recipient, str]:
    """A new reading link for one recipient (to hand out when they have no account or phone):
    the old link stops working. Shown once."""
    briefing = get_briefing(actor, township, briefing_id)
    _office(actor, township)
    recipient = db.session.get(Recipient, (township.id, int(recipient_id)))
    if recipient is None or recipient.briefing_id != briefing.id:
        raise NotFound(_("未找到该通报对象"))
    token = new_token(recipient)
    _audit(
        "briefing.link", actor, township, briefing, representative_id=recipient.representative_id
    )
    return recipient, token


# --- exports -------------------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_register(actor: Actor, township: Township) -> bytes:
    """The register of sent briefings with their read counts (.xlsx)."""
    _office(actor, township)
    sent = list(
        db.session.scalars(
            select(Briefing).where(Briefing.state == State.SENT).order_by(Briefing.sent_at)
        )
    )
    counts = read_counts([b.id for b in sent])
    rows = []
    for b in sent:
        c = counts.get(b.id, Counts())
        rows.append(
            [
                b.id,
                b.sent_on,
                str(KIND_LABELS.get(b.kind, b.kind)),
                b.title,
                str(AUDIENCE_LABELS.get(b.audience, b.audience)),
                c.recipients,
                c.read,
                c.unread,
                f"{c.read / c.recipients * 100:.0f}%" if c.recipients else "",
                b.corrects_id or "",
            ]
        )
    return spreadsheets.table(
        _("通报登记"),
        [
            _("编号"),
            _("发出日期"),
            _("类型"),
            _("标题"),
            _("通报对象"),
            _("应阅人数"),
            _("已阅人数"),
            _("未阅人数"),
            _("阅读率"),
            _("更正的通报"),
        ],
        rows,
        widths=(8, 12, 12, 40, 14, 10, 10, 10, 10, 12),
    )


def export_receipts(actor: Actor, township: Township, briefing_id: int) -> bytes:
    """One briefing's read receipts (.xlsx)."""
    briefing = get_briefing(actor, township, briefing_id)
    _office(actor, township)
    rows = [
        [
            r.name,
            _("已阅") if r.read else _("未阅"),
            _local(r.recipient.read_at),
            r.recipient.reminded_on or "",
        ]
        for r in receipts(actor, township, briefing.id)
    ]
    return spreadsheets.table(
        _("阅读情况"),
        [_("代表"), _("状态"), _("首次阅读时间"), _("提醒日期")],
        rows,
        widths=(14, 8, 20, 12),
    )
