"""The attachments of a briefing reached through the SMS reading link of someone without an
account: the page links them, and the download works for the link's holder only — a file of
that one briefing, while the link works. As the attacker: a valid link asking for another
briefing's file, no link at all, a link replaced by a reissued one, another township's URL."""

from __future__ import annotations

import io

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.briefings import service
from lianxin.modules.briefings.inputs import BriefingInput
from lianxin.modules.briefings.models import Recipient
from lianxin.modules.briefings.stages.common import _digest
from tests.factories import actor

CONTENT = "通报附件：村道进展表".encode()


def _sent_with_file(world, title: str, content: bytes) -> tuple[int, int]:
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        b = service.create_briefing(
            office, world.township, BriefingInput(kind="progress", title=title, text="正文")
        )
        stored = service.attach_file(
            office, world.township, b.id, io.BytesIO(content), f"{title}.txt"
        )
        service.send_briefing(office, world.township, b.id)
        db.session.commit()
        return b.id, stored.id


def _link(world, roll, briefing_id: int, token: str) -> None:
    with tenant_context(world.township.id):
        recipient = db.session.scalar(
            select(Recipient).where(
                Recipient.briefing_id == briefing_id,
                Recipient.representative_id == roll.reps["b"].id,
            )
        )
        recipient.token_hash = _digest(token)
        db.session.commit()


def test_the_link_holder_downloads_the_briefings_own_files_only(app, world, roll, clock):
    bid, fid = _sent_with_file(world, "村道进展", CONTENT)
    other_bid, other_fid = _sent_with_file(world, "另一通报", "另一份附件".encode())
    _link(world, roll, bid, "holder-token")
    public = f"/p/{world.township.slug}/briefings"

    holder = app.test_client()
    page = holder.get(f"{public}/read/holder-token", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert f'href="{public}/read/files/{fid}"' in text and "村道进展.txt" in text
    assert "请登录后查看" not in text
    got = holder.get(f"{public}/read/files/{fid}")
    assert got.status_code == 200 and got.data == CONTENT
    assert got.headers["Cache-Control"] == "no-store"
    assert got.headers["Referrer-Policy"] == "no-referrer"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment")

    # The attacker holds a valid link and asks for another briefing's file, or any id.
    assert holder.get(f"{public}/read/files/{other_fid}").status_code == 404
    assert holder.get(f"{public}/read/files/{fid + 999}").status_code == 404
    # Without a link (another browser), the same file is refused.
    stranger = app.test_client()
    assert stranger.get(f"{public}/read/files/{fid}").status_code == 404
    stranger.get(f"{public}/read/wrong-token")
    assert stranger.get(f"{public}/read/files/{fid}").status_code == 404
    # Through another township's URL, the link of this one opens nothing there.
    far = f"/p/{world.other.slug}/briefings"
    assert holder.get(f"{far}/read/files/{fid}").status_code == 404
    assert other_bid != bid


def test_a_reissued_link_ends_the_downloads_of_the_old_one(app, world, roll, clock):
    bid, fid = _sent_with_file(world, "村道进展", CONTENT)
    _link(world, roll, bid, "old-token")
    public = f"/p/{world.township.slug}/briefings"
    holder = app.test_client()
    holder.get(f"{public}/read/old-token")
    assert holder.get(f"{public}/read/files/{fid}").status_code == 200
    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        recipient = db.session.scalar(
            select(Recipient).where(
                Recipient.briefing_id == bid, Recipient.representative_id == roll.reps["b"].id
            )
        )
        _recipient, new_token = service.issue_link(office, world.township, bid, recipient.id)
        db.session.commit()
    assert holder.get(f"{public}/read/files/{fid}").status_code == 404  # the old link expired
    fresh = app.test_client()
    fresh.get(f"{public}/read/{new_token}")
    assert fresh.get(f"{public}/read/files/{fid}").status_code == 200
