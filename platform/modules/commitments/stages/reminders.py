"""The daily reminder: each approved, open commitment whose deadline is within the township's
`remind_days` reminds its representative once (inbox, or SMS without an account). The dedupe
key names the commitment and its deadline, so a day's second run — or a revised deadline's
first — behaves."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.db import db
from lianxin.modules.commitments.models import Commitment, Status
from lianxin.modules.commitments.stages.common import commitment_url, settings, short
from lianxin.modules.kit import today as kit_today
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


@use_case
def remind_due(township: Township, *, today: date | None = None) -> int:
    """How many representatives were reminded (one message per commitment, ever)."""
    day = kit_today(today)
    days = int(settings(township.id)["remind_days"])
    if days <= 0:
        return 0
    rows = db.session.execute(
        select(Commitment, Representative)
        .join(
            Representative,
            (Representative.id == Commitment.representative_id)
            & (Representative.tenant_id == Commitment.tenant_id),
        )
        .where(
            Commitment.status == Status.APPROVED,
            Commitment.due_on >= day,
            Commitment.due_on <= day + timedelta(days=days),
        )
        .order_by(Commitment.id)
    ).all()
    sent = 0
    for row, rep in rows:
        with_account = [rep.user_id] if rep.user_id is not None else []
        by_phone = [(rep.name, rep.phone)] if rep.user_id is None and rep.phone else []
        if not with_account and not by_phone:
            continue
        notify.notify(
            with_account,
            _("承诺即将到期：%(d)s", d=row.due_on.isoformat()),
            _("承诺：%(c)s。请抓紧落实并报告进展。", c=short(row.content)),
            tenant_id=township.id,
            link=commitment_url(township, row.id),
            phones=by_phone,
            dedupe_key=f"cm:{township.id}:{row.id}:remind:{row.due_on.isoformat()}",
            kind="commitment.reminder",
        )
        sent += 1
    return sent
