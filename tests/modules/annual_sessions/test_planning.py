"""Issue 19: the report's "last session" is the latest one actually held (a session planned and
never held in between is skipped); the number of groups that put a new item on the agenda
during the session is a township setting (moved in one township only); and planning a session
offers to open the proposal collection window a month before it starts, through the proposals
service (or says why not). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import SessionInput
from lianxin.modules.annual_sessions.models import ItemStatus, Resolution, Session, SessionState
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.modules.annual_sessions.test_service import _item, _opened


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE
    from lianxin.modules.proposals.module import MODULE as PROPOSALS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE, PROPOSALS)


@pytest.fixture
def proposals_on(world):
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.module_key == "proposals",
            TownshipModule.township_id == world.township.id,
        )
        .values(enabled=True)
    )
    db.session.commit()


@pytest.fixture
def windows_on(proposals_on, world):
    """The township takes proposals in collection windows (not all year)."""
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        tenants.update_township_settings(admin, world.township, "proposals", {"all_year": False})


def _session(title: str, on: date, state: str, opened: bool) -> Session:
    at = datetime(on.year, on.month, on.day, 1, tzinfo=UTC) if opened else None
    row = Session(
        title=title,
        held_on=on,
        place="镇会议室",
        state=state,
        checkin_token=title,
        opened_at=at,
        closed_at=at,
    )
    db.session.add(row)
    db.session.flush()
    return row


# --- the last session held -----------------------------------------------------------------------


def test_the_report_takes_the_latest_held_session_not_one_never_held(clock, cast, tctx, office):
    held = _session("第一次会议", date(2025, 3, 20), SessionState.CLOSED, opened=True)
    done = Resolution(session_id=held.id, title="去年的决议", text="……", implementation="已落实")
    db.session.add(done)
    # Planned for the autumn and never held: it has no resolutions to report on.
    _session("秋季会议（未召开）", date(2025, 9, 1), SessionState.PLANNING, opened=False)
    db.session.commit()
    report = service.session_report(office, tctx, cast.session)
    assert [r.title for r in report.previous] == ["去年的决议"]


# --- groups for a new item during the session ----------------------------------------------------


def test_groups_for_an_item_during_the_session_is_a_township_setting(
    clock, cast, tctx, office, world
):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "annual_sessions", {"session_item_groups": 3})
    assert service.settings(world.other.id)["session_item_groups"] == 2  # the other: default
    third = people.create_group(office, tctx, people.GroupInput(name="企业代表小组"))
    people.assign_to_group(office, tctx, rep_id=cast.reps[2], group_id=third.id, role="leader")
    _opened(clock, cast, tctx, office, world)
    item = _item(cast, tctx, cast.actors[0], proposer="group", group_id=cast.groups[0])
    service.join_item_as_group(cast.actors[1], tctx, item.id, cast.groups[1])
    assert item.during_session and item.status == ItemStatus.PROPOSED  # two of three
    service.join_item_as_group(cast.actors[2], tctx, item.id, third.id)
    assert item.status == ItemStatus.ON_AGENDA and item.by_rule


def test_the_setting_is_ranged_and_labelled(app):
    from lianxin.modules.annual_sessions.schemas import AnnualSessionSettings

    schema = AnnualSessionSettings()
    field = schema.fields["session_item_groups"]
    assert field.load_default == 2 and "小组" in str(field.metadata["label"])
    assert schema.validate({"session_item_groups": 0}) and not schema.validate(
        {"session_item_groups": 1}
    )


# --- the proposal collection window --------------------------------------------------------------


def _windows():
    from lianxin.modules.proposals.models import CollectionWindow

    return db.session.scalars(select(CollectionWindow).order_by(CollectionWindow.id)).all()


def test_planning_opens_the_collection_window_a_month_before(clock, cast, tctx, office, windows_on):
    planned = service.plan_session(
        office,
        tctx,
        SessionInput(
            title="第三次会议", held_on=date(2026, 5, 20), place="镇礼堂", open_proposal_window=True
        ),
    )
    assert planned.window is not None and planned.window.opened
    (window,) = _windows()
    assert (window.opens_on, window.closes_on) == (date(2026, 4, 20), date(2026, 5, 19))
    assert "第三次会议" in window.title and window.id == planned.window.window_id
    # Without the box ticked nothing is opened; a month before the 31st is the month's end.
    service.plan_session(
        office, tctx, SessionInput(title="第四次会议", held_on=date(2026, 3, 31), place="镇礼堂")
    )
    assert len(_windows()) == 1
    with pytest.raises(Conflict) as again:  # already covered: not twice
        service.open_proposal_window(office, tctx, planned.session.id)
    assert again.value.code == "proposal_window_exists" and len(_windows()) == 1
    late = service.plan_session(
        office,
        tctx,
        SessionInput(
            title="第五次", held_on=date(2026, 3, 31), place="镇", open_proposal_window=True
        ),
    )
    assert (late.window.opens_on, late.window.closes_on) == (date(2026, 2, 28), date(2026, 3, 30))


def test_windows_turned_off_are_said_instead(clock, cast, tctx, office, world, proposals_on):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "proposals", {"all_year": True})
    planned = service.plan_session(
        office,
        tctx,
        SessionInput(
            title="第三次会议", held_on=date(2026, 5, 20), place="镇", open_proposal_window=True
        ),
    )
    assert planned.session.id and planned.window is not None and not planned.window.opened
    assert "全年" in planned.window.message and _windows() == []
    with pytest.raises(Conflict) as off:
        service.open_proposal_window(office, tctx, planned.session.id)
    assert off.value.code == "proposal_windows_off"


def test_without_the_proposals_module_it_says_so(clock, cast, tctx, office):
    planned = service.plan_session(
        office,
        tctx,
        SessionInput(
            title="第三次会议", held_on=date(2026, 5, 20), place="镇", open_proposal_window=True
        ),
    )
    assert not planned.window.opened and "提案" in planned.window.message


def test_the_api_and_the_page_offer_the_window(app, client, clock, cast, world, windows_on):
    staff = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/annual_sessions"
    made = client.post(
        f"{base}/sessions",
        headers=staff,
        json={
            "title": "第三次会议",
            "held_on": "2026-05-20",
            "place": "镇礼堂",
            "open_proposal_window": True,
        },
    )
    assert made.status_code == 201, made.get_data(as_text=True)[:500]
    window = made.get_json()["proposal_window"]
    assert window["opened"] is True
    assert (window["opens_on"], window["closes_on"]) == ("2026-04-20", "2026-05-19")
    assert_error(
        client.post(f"{base}/sessions/{made.get_json()['id']}/proposal-window", headers=staff),
        409,
        "proposal_window_exists",
    )
    plain = client.post(
        f"{base}/sessions",
        headers=staff,
        json={"title": "第四次会议", "held_on": "2026-06-20", "place": "镇礼堂"},
    )
    assert plain.get_json()["proposal_window"] is None
    opened = client.post(f"{base}/sessions/{plain.get_json()['id']}/proposal-window", headers=staff)
    assert opened.status_code == 200 and opened.get_json()["opens_on"] == "2026-05-20"

    page = app.test_client()
    login(page, db.session.get(User, world.users["township_staff"].id))
    form = page.get(f"/t/{world.township.slug}/annual_sessions/").get_data(as_text=True)
    assert 'name="open_proposal_window"' in form
    done = page.post(
        f"/t/{world.township.slug}/annual_sessions/",
        data={
            "title": "第五次会议",
            "held_on": "2026-07-20",
            "place": "镇礼堂",
            "open_proposal_window": "1",
        },
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "已开启提案征集：2026-06-20 至 2026-07-19" in text
    with tenant_context(world.township.id):
        assert [(w.opens_on, w.closes_on) for w in _windows()][-1] == (
            date(2026, 6, 20),
            date(2026, 7, 19),
        )
