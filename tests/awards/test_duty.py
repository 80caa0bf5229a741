"""The adopted items (采纳) on a representative's duty record (履职档案): the awards' line counts
the representative's items the office marked as adopted in the record's year (by the adoption
day), with the date; another year's adoption, or another township's, never counts. Read on the
duty record's own page, as the representative and the office see it, and weighed by the
county's formula like any other line."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from lianxin.awards import service
from lianxin.awards.duty import ADOPTED
from lianxin.awards.inputs import AdoptionInput
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.duty_records.stages.formula import all_items, get_formula
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, make_represented
from tests.helpers import login

T = "/t/jia-zhen/duty_records"
OTHER = "/t/yi-zhen/duty_records"


@pytest.fixture
def app_modules():
    from lianxin.modules.proposals.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def proposals_on(world):
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "proposals").values(enabled=True)
    )
    db.session.commit()


def _answered(township, author_id: int, title: str) -> int:
    from lianxin.modules.proposals.models import Kind, Proposal, State

    with tenant_context(township.id):
        row = Proposal(
            kind=Kind.PROPOSAL,
            title=title,
            body="正文",
            category="城建",
            author_id=author_id,
            state=State.ANSWERED,
            number=None,
            submitted_at=datetime(2025, 3, 1, 2, tzinfo=UTC),
            answer="已采纳并列入计划",
            answered_at=datetime(2025, 6, 1, 2, tzinfo=UTC),
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def _reps(township, n: int, prefix: str) -> tuple[int, int, object]:
    """Two representatives' ids (readable outside the township's context) and the first's
    account."""
    made, users = make_represented(township, n, prefix)
    with tenant_context(township.id):
        return made[0].id, made[1].id, users[0]


def _adopt(township, office, proposal_id: int, on: date) -> None:
    with tenant_context(township.id):
        service.mark_adopted(office, township, AdoptionInput("proposal", proposal_id, "both", on))


def _line(html: str) -> str | None:
    found = re.search(rf'<li id="line-{re.escape(ADOPTED)}" data-count="([^"]+)"', html)
    return found.group(1) if found else None


def test_one_adopted_proposal_is_one_on_the_record_of_its_year(world, clock, proposals_on, client):
    clock.today = date(2027, 1, 15)
    rep, other_rep, user = _reps(world.township, 2, "aw.duty")
    far_rep, _far_other, _far_user = _reps(world.other, 2, "aw.duty.o")
    office = actor(world.users["township_staff"])
    other_office = actor(world.users["other_admin"])
    this_year = _answered(world.township, rep, "关于修缮村道的提案")
    last_year = _answered(world.township, rep, "去年采纳的提案")
    theirs = _answered(world.other, far_rep, "乙镇采纳的提案")
    _adopt(world.township, office, this_year, date(2026, 3, 9))
    _adopt(world.township, office, last_year, date(2025, 12, 31))  # the day before the year
    _adopt(world.other, other_office, theirs, date(2026, 3, 9))

    login(client, user)  # the representative's own record, from the menu's link
    mine = client.get(f"{T}/mine?year=2026", follow_redirects=True)
    html = mine.get_data(as_text=True)
    assert mine.status_code == 200 and "意见建议被采纳" in html
    assert _line(html) == "1"
    assert "3月9日 提案建议《关于修缮村道的提案》（党委政府采纳）" in html
    assert "去年采纳的提案" not in html and "乙镇采纳的提案" not in html

    login(client, world.users["township_staff"])
    assert _line(client.get(f"{T}/{rep}?year=2025").get_data(as_text=True)) == "1"
    assert _line(client.get(f"{T}/{other_rep}?year=2026").get_data(as_text=True)) == "0"
    # Another township's representative is not found here, and its office sees its own only.
    assert client.get(f"{T}/{far_rep}?year=2026").status_code == 404
    login(client, world.users["other_admin"])
    theirs_html = client.get(f"{OTHER}/{far_rep}?year=2026").get_data(as_text=True)
    assert _line(theirs_html) == "1" and "关于修缮村道的提案" not in theirs_html


def test_the_county_formula_weighs_the_line_by_its_key(world):
    keys = {item.key: item for _name, item in all_items()}
    assert keys[ADOPTED].kind == "done" and not keys[ADOPTED].suggestion
    weight = get_formula(world.county.id).weight(keys[ADOPTED])
    # Weighed by default (as work done) until the county sets its own weight for the key.
    assert weight.points > 0 and weight.cap > 0


def test_a_case_answer_is_named_by_its_number_and_counts_for_who_received_it(world, scene, client):
    from lianxin.casework.models import Case

    rep, other_rep, _user = _reps(world.township, 2, "aw.case")
    office = actor(world.users["township_staff"])
    case_id = scene.cases["t"][0]
    with tenant_context(world.township.id):
        db.session.execute(update(Case).where(Case.id == case_id).values(received_by_id=rep))
        db.session.commit()
        service.mark_adopted(
            office, world.township, AdoptionInput("case", case_id, "government", date(2026, 1, 10))
        )
    login(client, world.users["township_staff"])
    html = client.get(f"{T}/{rep}?year=2026").get_data(as_text=True)
    assert _line(html) == "1"
    assert f"1月10日 诉求 #{case_id} 的答复（政府采纳）" in html
    assert "甲镇的诉求0" not in html  # the public's words stay out of the record
    assert _line(client.get(f"{T}/{other_rep}?year=2026").get_data(as_text=True)) == "0"
