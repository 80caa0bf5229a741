"""One transaction per use case: recording a contact registers its case through casework (a
nested use case that only flushes), so a failure after the registration takes the case back
with the contact — nothing of the submission is left."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.errors import Conflict
from lianxin.modules.liaison import service
from lianxin.modules.liaison.inputs import CaseInput, ContactInput, LinkInput
from lianxin.modules.liaison.models import Contact
from lianxin.modules.liaison.stages import contacts
from lianxin.notify.models import OutboxMessage
from tests.factories import actor


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_failure_after_the_case_is_registered_leaves_no_case(
    world, chain, office, clock, tctx, monkeypatch
):
    t = world.township
    rep_a = actor(world.users["representative"])
    link = service.add_link(
        office,
        t,
        LinkInput(
            year=2026,
            level="rep_member",
            upper_id=chain.reps["a"].id,
            lower_id=chain.members["m1"].id,
        ),
    ).link
    outbox_before = _count(OutboxMessage)
    seen: dict[str, int] = {}

    def fail_after_registering(*_args, **_kwargs):
        # The case is written (flushed) by now, inside the contact's transaction.
        seen["cases"], seen["contacts"] = _count(Case), _count(Contact)
        raise Conflict("a failure late in the use case")

    monkeypatch.setattr(contacts, "_contact_view", fail_after_registering)
    with pytest.raises(Conflict):
        service.record_contact(
            rep_a,
            t,
            ContactInput(
                link_id=link.id,
                contacted_on=date(2026, 5, 19),
                method="visit",
                summary="走访了解家庭情况",
                client_key="key-late-failure",
                case=CaseInput(title="灌溉渠堵塞", body="", category="其他"),
            ),
        )
    assert seen == {"cases": 1, "contacts": 1}
    assert _count(Case) == 0 and _count(Contact) == 0
    assert _count(OutboxMessage) == outbox_before  # nor the office's "new case" notice
