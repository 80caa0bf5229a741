"""Checking in on the day without leaving the roll (issue 21): asked for JSON, a tap answers the
person's new row and the roll; a plain form post comes back to the row; the roll is searched
without script too; two representatives of the same name are told apart on it."""

from __future__ import annotations

from datetime import date

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from tests.helpers import login
from tests.modules.annual_sessions.conftest import SESSION_DAY

JSON = {"Accept": "application/json"}


def _base(world, cast) -> str:
    return f"/t/{world.township.slug}/annual_sessions/{cast.session}"


def _staff(app, world):
    client = app.test_client()
    login(client, world.users["township_staff"])
    return client


def _fixed(world, cast, office):
    from lianxin.modules.annual_sessions import service
    from lianxin.modules.annual_sessions.inputs import ItemInput
    from tests.factories import actor

    committee = actor(world.users["committee_member"])
    with tenant_context(world.township.id):
        item = service.propose_item(
            committee,
            world.township,
            cast.session,
            ItemInput(title="议题", kind="motion", proposer="committee"),
        )
        service.decide_item(committee, world.township, item.id, accept=True)
        service.fix_agenda(office, world.township, cast.session)


def test_a_tap_answers_the_row_and_the_roll_as_json(app, clock, world, cast, office):
    _fixed(world, cast, office)
    staff = _staff(app, world)
    url = f"{_base(world, cast)}/attendance/{cast.reps[5]}/check-in"

    early = staff.post(url, headers=JSON)  # the day before the session: refused, said why
    assert early.status_code == 409
    body = early.get_json()
    assert body["ok"] is False and "只能在会议当天" in body["message"]
    assert body["roll"]["present"] == 0 and "未签到" in body["row"]

    clock.today = SESSION_DAY
    done = staff.post(url, headers=JSON)
    assert done.status_code == 200 and done.headers["Content-Type"].startswith("application/json")
    body = done.get_json()
    assert body["ok"] is True and body["rep_id"] == cast.reps[5] and body["status"] == "present"
    assert body["row"].lstrip().startswith(f'<tr id="rep-{cast.reps[5]}"')
    assert "已签到" in body["row"] and "form-check-in" not in body["row"]
    assert body["roll"]["present"] == 1 and body["roll"]["expected"] == 100

    again = staff.post(url, headers=JSON)  # twice (a double tap, or the QR code first)
    assert again.status_code == 409 and again.get_json()["code"] == "already_checked_in"
    assert again.get_json()["roll"]["present"] == 1


def test_a_plain_post_comes_back_to_the_row(app, clock, world, cast, office):
    _fixed(world, cast, office)
    clock.today = SESSION_DAY
    staff = _staff(app, world)
    back = staff.post(f"{_base(world, cast)}/attendance/{cast.reps[7]}/check-in")
    assert back.status_code == 302
    assert back.headers["Location"].endswith(f"/attendance#rep-{cast.reps[7]}")
    page = staff.get(f"{_base(world, cast)}/attendance").get_data(as_text=True)
    row = page.split(f'id="rep-{cast.reps[7]}"')[1].split("</tr>")[0]
    assert "已签到" in row and "lx-checkin-done" in row


def test_a_representative_cannot_check_others_in(app, clock, world, cast, office):
    from tests.helpers import login as log_in

    _fixed(world, cast, office)
    clock.today = SESSION_DAY
    rep = app.test_client()
    log_in(rep, cast.users[0])
    refused = rep.post(f"{_base(world, cast)}/attendance/{cast.reps[9]}/check-in", headers=JSON)
    assert refused.status_code == 403
    with tenant_context(world.township.id):
        from lianxin.modules.annual_sessions import service

        session = service.get_session(office, world.township, cast.session)
        assert service.roll(world.township, session).present == 0


def test_the_roll_is_searched_and_same_names_are_told_apart(app, clock, world, cast, office):
    with tenant_context(world.township.id):
        first = db.session.get(Representative, (world.township.id, cast.reps[0]))
        twin = db.session.get(Representative, (world.township.id, cast.reps[1]))
        for rep in (first, twin):
            rep.name, rep.name_pinyin, rep.name_initials = "王秀英", "wang xiu ying", "wxy"
        twin.birth_date = date(1985, 6, 1)
        twin.branch_id = world.branches["t"].id
        db.session.commit()
    staff = _staff(app, world)
    page = staff.get(f"{_base(world, cast)}/attendance").get_data(as_text=True)
    one = page.split(f'id="rep-{cast.reps[0]}"')[1].split("</tr>")[0]
    two = page.split(f'id="rep-{cast.reps[1]}"')[1].split("</tr>")[0]
    assert "1970年生" in one and "1985年生" in two
    assert world.branches["t"].name in two
    assert 'id="roll-q"' in page and "显示 100 / 100 人" in page

    found = staff.get(f"{_base(world, cast)}/attendance?q=wxy").get_data(as_text=True)
    assert f'id="rep-{cast.reps[0]}"' in found and f'id="rep-{cast.reps[1]}"' in found
    assert f'id="rep-{cast.reps[2]}"' not in found and "显示 2 / 100 人" in found
    by_pinyin = staff.get(f"{_base(world, cast)}/attendance?q=daibiao 007").get_data(as_text=True)
    assert f'id="rep-{cast.reps[7]}"' in by_pinyin and "显示 1 / 100 人" in by_pinyin
    by_village = staff.get(
        f"{_base(world, cast)}/attendance", query_string={"q": world.branches["t"].name}
    ).get_data(as_text=True)
    assert "显示 1 / 100 人" in by_village and f'id="rep-{cast.reps[1]}"' in by_village
