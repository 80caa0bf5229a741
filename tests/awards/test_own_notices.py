"""When a township publishes its own selection (乡镇评先), as the county tells its townships'
offices when it publishes its own: the township's committee (党委委员) is told the roll is out,
and each representative chosen who has an account is told what they were chosen as. No one
else: not the representative left unchosen, not the office that published it, not the county,
not another township."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.awards import service
from lianxin.awards.inputs import ChoiceInput, SelectionInput
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.notify.models import OutboxMessage
from tests.awards.test_own_selection import _reps
from tests.factories import actor


def _told() -> dict[int, list[dict]]:
    """Each account's 'awards.own_published' notices: their payloads."""
    out: dict[int, list[dict]] = {}
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like("awards.own_published:%"))
    ):
        for user_id in message.payload["user_ids"]:
            out.setdefault(user_id, []).append({**message.payload, "tenant": message.tenant_id})
    return out


def test_publishing_tells_the_committee_and_the_winners_only(app, world, scene):
    best, second = _reps(world.township, "aw.n", [2, 1])
    _reps(world.other, "aw.n.o", [1])
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        selection = service.open_own_selection(
            office, world.township, SelectionInput(2025, "甲镇评先", quota_representative=1)
        )
        service.start_own_choosing(office, world.township, selection.id)
        assert _told() == {}  # opening and fixing tell no one
        roll = service.own_roll(office, world.township, selection.id)
        [winner] = [c for c in roll.candidates["representative"] if c.entity_id == best]
        service.choose_own(office, world.township, winner.id, ChoiceInput("履职积分第一"))
        assert _told() == {}
        with app.test_request_context():  # as the office's page publishes it: with a link
            service.close_own_selection(office, world.township, selection.id)
        db.session.commit()
    from lianxin.people.models import Representative

    with tenant_context(world.township.id):
        accounts = {
            r.id: r.user_id
            for r in db.session.scalars(
                select(Representative).where(Representative.id.in_([best, second]))
            )
        }
    told = _told()
    committee = world.users["committee_member"].id
    assert set(told) == {committee, accounts[best]}
    [to_committee] = told[committee]
    assert to_committee["kind"] == "awards.own_published" and "甲镇评先" in to_committee["title"]
    assert to_committee["tenant"] == world.township.id
    assert to_committee["link"].endswith("/p/jia-zhen/awards/")
    [to_winner] = told[accounts[best]]
    assert "十佳党代表" in to_winner["title"] + to_winner["body"]
    assert "履职积分第一" in to_winner["body"] and to_winner["tenant"] == world.township.id
    for nobody in ("township_staff", "township_admin", "county_admin", "other_admin"):
        assert world.users[nobody].id not in told, nobody
    assert accounts[second] not in told
    # Published once: a second close is refused, and tells no one again.
    with tenant_context(world.township.id):
        try:
            service.close_own_selection(office, world.township, selection.id)
        except service.AwardRuleBroken:
            db.session.rollback()
    assert sum(len(v) for v in _told().values()) == 2
