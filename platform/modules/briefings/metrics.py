"""The county's figures of briefings (通报):

- Briefings sent: briefings sent in the period (Shanghai dates).
- Read within N days: among the recipients of briefings sent in the period whose reading days
  are over (remind_on ≤ today), the share who opened it before the reminder day (read_on <
  remind_on; N is the township's setting frozen when each was sent).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from lianxin.db import db
from lianxin.modules import kit
from lianxin.modules.briefings.models import Briefing, Recipient, State
from lianxin.modules.registry import Metric, MetricSet, rate

METRICS = (
    Metric("briefings_sent", _l("发出通报"), description=_l("期内发出的通报份数")),
    Metric(
        "briefings_read_in_time",
        _l("通报按时阅读率"),
        kind="rate",
        description=_l("期内发出、阅读期限已过的通报中，代表在期限内阅读的人次比例"),
    ),
)


def figures(start: date, end: date) -> dict[str, Any]:
    in_period = (
        Briefing.state == State.SENT,
        Briefing.sent_on >= start,
        Briefing.sent_on < end,
    )
    sent = db.session.scalar(select(func.count()).select_from(Briefing).where(*in_period)) or 0
    due, in_time = db.session.execute(
        select(
            func.count(Recipient.id),
            func.count(Recipient.id).filter(
                Recipient.read_on.is_not(None), Recipient.read_on < Briefing.remind_on
            ),
        )
        .select_from(Recipient)
        .join(
            Briefing,
            and_(Briefing.id == Recipient.briefing_id, Briefing.tenant_id == Recipient.tenant_id),
        )
        .where(*in_period, Briefing.remind_on <= kit.today())
    ).one()
    return {"briefings_sent": sent, "briefings_read_in_time": rate(int(in_time), int(due))}


BRIEFING_METRICS = MetricSet(metrics=METRICS, compute=figures)
