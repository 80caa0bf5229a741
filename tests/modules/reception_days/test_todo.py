"""The reception days on the to-do home: the office is told of each duty to fill until someone
stands in; a representative sees their next duty; nobody else, and no other township, sees
either."""

from __future__ import annotations

from datetime import date

from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.reception_days import service, todo
from tests.factories import actor, grant, make_user
from tests.modules.reception_days.test_service import _duty_of, _published


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_a_duty_to_fill_waits_for_the_office_until_someone_stands_in(
    app, clock, cast, tctx, office, world
):
    view = _published(cast, tctx, office)
    user = make_user("rd.todo.a")
    grant(user, Role.REPRESENTATIVE, township=world.township)
    cast.reps["a"].user_id = user.id
    db.session.commit()
    rep = actor(user)
    first, second = view.days[0].day, view.days[1].day

    mine = _items(app, rep, tctx)
    assert set(mine) == {"reception_days.next_duty"}
    assert mine["reception_days.next_duty"].count == 12
    assert mine["reception_days.next_duty"].url == f"/t/{tctx.slug}/reception_days/mine"
    assert f"{first.day.month}月{first.day.day}日" in str(mine["reception_days.next_duty"].note)
    assert "镇接待室" in str(mine["reception_days.next_duty"].note)
    assert _items(app, office, tctx) == {}

    duty = _duty_of(cast.reps["a"], first.id)
    service.report_absence(rep, tctx, duty.id, "出差")
    waiting = _items(app, office, tctx)["reception_days.substitutes"]
    assert waiting.count == 1 and waiting.due_on == first.day
    assert waiting.url == f"/t/{tctx.slug}/reception_days/days/{first.id}"
    mine = _items(app, rep, tctx)["reception_days.next_duty"]
    assert mine.count == 11 and f"{second.day.month}月{second.day.day}日" in str(mine.note)
    # Only the office is told: not the representative, a committee member or a liaison.
    for key in ("committee_member", "branch_liaison", "representative"):
        assert _items(app, actor(world.users[key]), tctx) == {}

    service.substitute(office, tctx, duty.id, cast.reps["c"].id)
    assert _items(app, office, tctx) == {}


def test_another_township_sees_nothing_of_ours(app, clock, cast, tctx, office, world):
    view = _published(cast, tctx, office)
    service.report_absence(office, tctx, _duty_of(cast.reps["a"], view.days[0].day.id).id, "病")
    with tenant_context(world.other.id):
        assert _items(app, actor(world.users["other_admin"]), world.other) == {}


def test_the_notices_link_to_the_day_or_the_duties_they_are_about(
    app, client, clock, cast, tctx, office, world
):
    from sqlalchemy import select

    from lianxin.modules.reception_days.inputs import MoveInput
    from lianxin.notify import service as notify
    from lianxin.notify.models import Notification, OutboxMessage
    from tests.helpers import login

    view = _published(cast, tctx, office)
    first = view.days[0].day
    service.report_absence(office, tctx, _duty_of(cast.reps["a"], first.id).id, "出差")
    service.move_day(office, tctx, view.days[1].day.id, MoveInput(date(2026, 2, 26), "镇里开会"))
    for message_id in db.session.scalars(select(OutboxMessage.id)).all():
        notify.deliver(message_id)
    staff = world.users["township_staff"]
    told = db.session.scalars(select(Notification).where(Notification.user_id == staff.id)).all()
    absent = [n for n in told if "不能参加" in n.title]
    assert [n.link for n in absent] == [f"/t/{tctx.slug}/reception_days/days/{first.id}"]
    liaison = world.users["branch_liaison"]
    moved = db.session.scalars(select(Notification).where(Notification.user_id == liaison.id)).all()
    links = {n.title.split("：")[0]: n.link for n in moved}
    assert links == {
        "2026 年党代表接待日安排已发布": f"/t/{tctx.slug}/reception_days/2026",
        "接待日调整": f"/t/{tctx.slug}/reception_days/days/{view.days[1].day.id}",
    }
    login(client, staff)
    page = client.get(absent[0].link)
    assert page.status_code == 200 and "王芳" in page.get_data(as_text=True)
