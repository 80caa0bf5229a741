"""The contacts register (民情台账) as a spreadsheet: the list page's rows, with its filters."""

from __future__ import annotations

from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.modules.liaison.stages.common import state_label
from lianxin.modules.liaison.stages.contacts import list_contacts
from lianxin.people.privacy import viewer_for
from lianxin.tenants.models import Township

# The whole register, not a page of it: a township's year is a few thousand contacts.
EXPORT_LIMIT = 100_000


def contacts_xlsx(
    actor: Actor,
    township: Township,
    *,
    year: int | None = None,
    quarter: int | None = None,
    link_id: int | None = None,
    mine: bool = False,
) -> bytes:
    """The contacts this actor may see, filtered as on the list; names as the page shows them."""
    views = list_contacts(
        actor,
        township,
        year=year,
        quarter=quarter,
        link_id=link_id,
        mine=mine,
        limit=EXPORT_LIMIT,
    )
    viewer = viewer_for(actor, township.id)
    rows = [
        (
            v.contact.contacted_on,
            viewer.shown(v.link.upper, "name"),
            v.link.upper.kind_label,
            viewer.shown(v.link.lower, "name"),
            v.link.lower.kind_label,
            v.method_label,
            v.contact.summary,
            "、".join(f"{c.title}（{state_label(c.state)}）" for c in v.cases),
        )
        for v in views
    ]
    return spreadsheets.table(
        _("民情台账"),
        [
            _("日期"),
            _("联系人"),
            _("联系人类别"),
            _("联系对象"),
            _("对象类别"),
            _("方式"),
            _("情况"),
            _("诉求"),
        ],
        rows,
        widths=(12, 10, 10, 10, 10, 8, 60, 40),
    )
