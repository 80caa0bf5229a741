"""The liaison chain's lines of a representative's duty record (履职档案): the contacts they made
with the party members they keep in touch with (代表联系党员), their quarterly reports up the
chain (向联系委员报告履职情况), and the reports they owed and did not file.

A contact counts on its day (Asia/Shanghai). A report counts for its quarter, and a quarter
counts in the period its last day falls in. A report is owed, as in the quarter's compliance
(stages/compliance.py), when the township asks for them (`reports_per_quarter`) by a
representative in office at the quarter's end (and on the roll by then); it is missed once that
quarter is over. A
line names the way of the contact, never the person contacted nor what they raised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.db.tenancy import current_tenant_id
from lianxin.modules import kit
from lianxin.modules.duty_lines import Lines, local_day, today
from lianxin.modules.liaison.models import Contact, Link, Report
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import METHOD_LABELS
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet
from lianxin.people.models import Representative

CONTACTS = "liaison.contacts"
REPORTS = "liaison.reports"
REPORTS_MISSED = "liaison.reports_missed"

ITEMS = (
    DutyItem(
        CONTACTS,
        _l("联系党员群众"),
        unit=_l("次"),
        description=_l("期内本人作为联系人记录的联系（走访、谈心、座谈、电话、活动）次数"),
    ),
    DutyItem(
        REPORTS,
        _l("季度履职报告"),
        unit=_l("篇"),
        description=_l("季度末在期内的各季度，本人向联系委员报告履职情况的篇数"),
    ),
    DutyItem(
        REPORTS_MISSED,
        _l("季度履职报告未报"),
        unit=_l("次"),
        kind="missed",
        description=_l("已结束的季度中，应报告而未报告履职情况的次数"),
    ),
)


def _quarters(start: date, end: date) -> list[Quarter]:
    """The quarters whose last day is in [start, end)."""
    out, quarter = [], Quarter.of(start)
    while quarter.starts_on < end:
        if start <= quarter.ends_on < end:
            out.append(quarter)
        quarter = quarter.next()
    return out


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    ids = list(representative_ids)
    lines = Lines(start, end)
    contacts = db.session.execute(
        select(Link.upper_rep_id, Contact.contacted_on, Contact.method)
        .join(Link, and_(Link.id == Contact.link_id, Link.tenant_id == Contact.tenant_id))
        .where(
            Link.upper_rep_id.in_(ids),
            Contact.contacted_on >= start,
            Contact.contacted_on < end,
        )
    ).all()
    for rep_id, day, method in contacts:
        how = METHOD_LABELS.get(method, method)
        lines.add(rep_id, CONTACTS, day, _("联系党员群众（%(m)s）", m=how))
    quarters = _quarters(start, end)
    if not quarters:
        return lines.result()
    years = sorted({q.year for q in quarters})
    filed: set[tuple[int, int, int]] = set()
    for rep_id, year, number, submitted_at in db.session.execute(
        select(Report.representative_id, Report.year, Report.quarter, Report.submitted_at).where(
            Report.representative_id.in_(ids), Report.year.in_(years)
        )
    ):
        quarter = Quarter(year, number)
        if quarter not in quarters:
            continue
        filed.add((rep_id, year, number))
        what = _("%(q)s履职报告", q=quarter.label)
        lines.add(rep_id, REPORTS, local_day(submitted_at), what)
    tenant_id = current_tenant_id()
    if tenant_id is None or not kit.module_settings(tenant_id, "liaison")["reports_per_quarter"]:
        return lines.result()
    now = today()
    reps = list(db.session.scalars(select(Representative).where(Representative.id.in_(ids))))
    for quarter in quarters:
        if quarter.ends_on >= now:
            continue  # not over yet
        for rep in reps:
            due = rep.in_office or (rep.ended_on is not None and rep.ended_on > quarter.ends_on)
            # On the roll by the quarter's end: a roster entered later owed nothing before.
            due = due and local_day(rep.created_at) <= quarter.ends_on
            if due and (rep.id, quarter.year, quarter.number) not in filed:
                what = _("%(q)s未报告履职情况", q=quarter.label)
                lines.add(rep.id, REPORTS_MISSED, quarter.ends_on, what)
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
