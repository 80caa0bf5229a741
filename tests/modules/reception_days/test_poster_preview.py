"""The reception-day poster: the public still gets a 404 before the notice date (Shanghai
calendar), the office gets a preview marked 预览（未公布） at any time once the day is scheduled;
the poster carries its issue date (发布日期 = the notice date) and shows posts, and a phone only
where the representative agreed to publish it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.modules.reception_days import service
from lianxin.people import service as people
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import login

from .test_notice import _published, _staffed

SHANGHAI = ZoneInfo("Asia/Shanghai")
REAL_SHANGHAI_TODAY = deadlines.shanghai_today
FIRST_DAY = date(2026, 1, 16)  # the first reception day of 2026; notice_days 7: notice on 9 Jan


@pytest.fixture
def wall_clock(monkeypatch):
    """Stop the platform's clock at a Shanghai wall time (the real `shanghai_today`)."""
    real = datetime
    state: dict[str, datetime] = {}

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            instant = state.get("now") or real.now(UTC)
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(deadlines, "shanghai_today", REAL_SHANGHAI_TODAY)
    monkeypatch.setattr(deadlines, "datetime", Frozen)

    def stop(text: str) -> datetime:
        state["now"] = real.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)
        return state["now"]

    return stop


def _first_day_id(view) -> int:
    day = view.days[0].day
    assert day.day == FIRST_DAY
    return day.id


def _post_and_consent(tctx, office, cast) -> None:
    """Posts for two people on duty the first day; one of them publishes their phone."""
    r = cast.reps
    for rep, post, publish in (
        (r["cadre1"], "镇党委副书记", True),
        (r["a"], "甲村妇女主任", False),
    ):
        people.update_representative(
            office,
            tctx,
            rep.id,
            load_input(
                people.RepresentativeInputSchema,
                {"post": post, "publish_contact": publish, "phone": f"1390000000{rep.id % 10}"},
                partial=True,
            ),
        )


@pytest.mark.parametrize(
    ("wall", "public_status", "watermarked"),
    [
        ("2026-01-08 23:59", 404, True),  # N-1 in Shanghai: not public yet
        ("2026-01-09 00:01", 200, False),  # N in Shanghai (still 8 January in UTC): public
    ],
)
def test_public_404_before_the_notice_date_office_preview_any_time(
    cast, tctx, office, world, client, clock, wall_clock, wall, public_status, watermarked
):
    day_id = _first_day_id(_published(cast, tctx, office))
    db.session.commit()
    wall_clock(wall)
    slug = world.township.slug
    public = client.get(f"/p/{slug}/reception_days/{day_id}/poster")
    assert public.status_code == public_status
    if public_status == 200:
        text = public.get_data(as_text=True)
        assert "发布日期：2026年1月9日" in text and 'id="watermark"' not in text
    login(client, world.users["township_staff"])
    preview = client.get(f"/t/{slug}/reception_days/days/{day_id}/poster")
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert ('id="watermark"' in text) is watermarked
    assert ("预览（未公布）" in text) is watermarked
    assert "发布日期：2026年1月9日" in text  # the issue date is the notice date, before and after


def test_a_draft_schedule_is_previewed_never_public(cast, tctx, office, world, client, clock):
    day_id = _first_day_id(_staffed(cast, tctx, office))
    db.session.commit()
    clock.today = date(2026, 1, 12)  # inside the notice window, but the schedule is a draft
    slug = world.township.slug
    assert client.get(f"/p/{slug}/reception_days/{day_id}/poster").status_code == 404
    login(client, world.users["township_staff"])
    text = client.get(f"/t/{slug}/reception_days/days/{day_id}/poster").get_data(as_text=True)
    assert "日程尚未发布" in text and "预览（未公布）" in text
    day_page = client.get(f"/t/{slug}/reception_days/days/{day_id}").get_data(as_text=True)
    assert f"/t/{slug}/reception_days/days/{day_id}/poster" in day_page


def test_a_past_day_preview_says_it_was_taken_down(cast, tctx, office, world, client, clock):
    day_id = _first_day_id(_published(cast, tctx, office))
    db.session.commit()
    clock.today = date(2026, 1, 17)
    slug = world.township.slug
    assert client.get(f"/p/{slug}/reception_days/{day_id}/poster").status_code == 404
    login(client, world.users["township_staff"])
    text = client.get(f"/t/{slug}/reception_days/days/{day_id}/poster").get_data(as_text=True)
    assert "预览（已撤下）" in text


def test_posts_on_the_poster_phone_only_when_published(cast, tctx, office, world, client, clock):
    day_id = _first_day_id(_published(cast, tctx, office))
    _post_and_consent(tctx, office, cast)
    db.session.commit()
    r = cast.reps
    shown_phone = f"1390000000{r['cadre1'].id % 10}"
    hidden_phone = f"1390000000{r['a'].id % 10}"
    clock.today = date(2026, 1, 9)
    slug = world.township.slug
    public = client.get(f"/p/{slug}/reception_days/{day_id}/poster").get_data(as_text=True)
    login(client, world.users["township_staff"])
    preview = client.get(f"/t/{slug}/reception_days/days/{day_id}/poster").get_data(as_text=True)
    for text in (public, preview):  # the office's preview shows no more than the public poster
        assert "镇党委副书记" in text and "甲村妇女主任" in text
        assert shown_phone in text
        if hidden_phone != shown_phone:
            assert hidden_phone not in text
        assert "甲镇某村" in text  # the consenting one's workplace; the other's is not shown
        assert text.count("甲镇某村") == 1


def test_only_the_office_previews_and_a_foreign_day_is_404(
    cast, tctx, office, world, client, clock, other_township
):
    day_id = _first_day_id(_published(cast, tctx, office))
    db.session.commit()
    slug = world.township.slug
    login(client, world.users["representative"])
    assert client.get(f"/t/{slug}/reception_days/days/{day_id}/poster").status_code == 403
    client.post("/logout")
    # Our day's id in the other township, by its own office: not found there.
    login(client, world.users["other_admin"])
    other = other_township.slug
    assert client.get(f"/t/{other}/reception_days/days/{day_id}/poster").status_code == 404
    client.post("/logout")
    login(client, world.users["township_staff"])
    assert client.get(f"/t/{slug}/reception_days/days/{day_id + 999}/poster").status_code == 404


def test_the_service_refuses_a_non_office_member(cast, tctx, office, world, clock):
    from lianxin.errors import PermissionDenied

    day_id = _first_day_id(_published(cast, tctx, office))
    with pytest.raises(PermissionDenied):
        service.poster_preview(actor(world.users["representative"]), tctx, day_id)
    poster = service.poster_preview(office, tctx, day_id, today=date(2026, 1, 8))
    assert poster.preview and poster.issued_on == date(2026, 1, 9)
    assert service.poster_preview(office, tctx, day_id, today=date(2026, 1, 9)).preview is None


def test_a_day_moved_at_short_notice_is_issued_when_it_was_announced(
    cast, tctx, office, world, client, clock
):
    """Moved on 12 January to the 15th (fewer than 7 days' notice): the poster cannot have been
    issued on its rule's notice date (the 8th, before the move); it is issued on the day the
    move was announced (the daily sweep's `notice_published_at`, Shanghai date), and until the
    sweep has run, on the day it is read."""
    import time_machine

    from lianxin.modules.reception_days.inputs import MoveInput

    day_id = _first_day_id(_published(cast, tctx, office))
    clock.today = date(2026, 1, 12)
    service.move_day(
        office,
        tctx,
        day_id,
        MoveInput(date(2026, 1, 15), "镇党委会", short_notice_reason="县委巡察进驻"),
    )
    db.session.commit()
    slug = world.township.slug
    login(client, world.users["township_staff"])
    preview = client.get(f"/t/{slug}/reception_days/days/{day_id}/poster").get_data(as_text=True)
    assert "发布日期：2026年1月12日" in preview  # not yet announced: today
    clock.today = date(2026, 1, 13)
    # The sweep announces it at 00:10 on the 13th in Shanghai (still the 12th in UTC).
    with time_machine.travel(datetime(2026, 1, 12, 16, 10, tzinfo=UTC), tick=False):
        service.run_daily(tctx, today=date(2026, 1, 13))
    db.session.commit()
    public = client.get(f"/p/{slug}/reception_days/{day_id}/poster").get_data(as_text=True)
    assert "发布日期：2026年1月13日" in public
    clock.today = date(2026, 1, 14)
    preview = client.get(f"/t/{slug}/reception_days/days/{day_id}/poster").get_data(as_text=True)
    assert "发布日期：2026年1月13日" in preview
