"""The documents of a consultation reached through the one-time link of a representative without
an account: the answer page links them, and the download works for the link's holder only — a
document of that one consultation, while the link works (answered or reissued, it stops). As
the attacker: a valid link asking for another consultation's file, no link, a used link, a
replaced link, another township's URL."""

from __future__ import annotations

import io

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.consultations import service

from .conftest import opinion_input

DRAFT = "方案全文（征求意见稿）".encode()


def _opened(world, office, reps, content: bytes, name: str):
    t = world.township
    with tenant_context(t.id):
        opened = service.open_consultation(
            office,
            t,
            opinion_input([*reps.ids(9), reps.unreachable.id]),
            [(io.BytesIO(content), name)],
        )
        db.session.commit()
        files = service.files_of(opened.consultation)
        return opened, [f.id for f in files]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_link_holder_downloads_the_consultations_own_documents_only(
    app, world, reps, office, clock
):
    opened, (fid,) = _opened(world, office, reps, DRAFT, "征求意见稿.txt")
    _other, (other_fid,) = _opened(world, office, reps, "另一份材料".encode(), "另一份.txt")
    public = f"/p/{world.township.slug}/consultations"
    holder = app.test_client()
    page = holder.get(_path(opened.links[0].url), follow_redirects=True)
    text = page.get_data(as_text=True)
    assert f'href="{public}/answer/files/{fid}"' in text and "征求意见稿.txt" in text
    got = holder.get(f"{public}/answer/files/{fid}")
    assert got.status_code == 200 and got.data == DRAFT
    assert got.headers["Cache-Control"] == "no-store"
    assert got.headers["Referrer-Policy"] == "no-referrer"
    assert got.headers["Content-Disposition"].startswith("attachment")

    # A valid link asking for another consultation's document, or any other id: refused.
    assert holder.get(f"{public}/answer/files/{other_fid}").status_code == 404
    assert holder.get(f"{public}/answer/files/{fid + 999}").status_code == 404
    # No link in the browser, or an unknown one: refused.
    stranger = app.test_client()
    assert stranger.get(f"{public}/answer/files/{fid}").status_code == 404
    stranger.get(f"{public}/answer/not-a-token")
    assert stranger.get(f"{public}/answer/files/{fid}").status_code == 404
    # Another township's URL: the link of this one opens nothing there.
    far = f"/p/{world.other.slug}/consultations"
    assert holder.get(f"{far}/answer/files/{fid}").status_code == 404


def test_the_documents_expire_with_the_link(app, world, reps, office, clock):
    opened, (fid,) = _opened(world, office, reps, DRAFT, "征求意见稿.txt")
    public = f"/p/{world.township.slug}/consultations"
    # Answered: the one-time link is spent, and its downloads with it.
    holder = app.test_client()
    form = holder.get(_path(opened.links[0].url)).headers["Location"]
    assert holder.get(f"{public}/answer/files/{fid}").status_code == 200
    done = holder.post(form, data={"stance": "agree"})
    assert "已提交您的答复" in done.get_data(as_text=True)
    assert holder.get(f"{public}/answer/files/{fid}").status_code == 404
    stale = app.test_client()
    stale.get(_path(opened.links[0].url))
    assert stale.get(f"{public}/answer/files/{fid}").status_code == 404


def test_a_reissued_link_ends_the_downloads_of_the_old_one(app, world, reps, office, clock):
    opened, (fid,) = _opened(world, office, reps, DRAFT, "征求意见稿.txt")
    public = f"/p/{world.township.slug}/consultations"
    holder = app.test_client()
    holder.get(_path(opened.links[0].url))
    assert holder.get(f"{public}/answer/files/{fid}").status_code == 200
    with tenant_context(world.township.id):
        issued = service.reissue_link(office, world.township, opened.links[0].invitee.id)
        db.session.commit()
    assert holder.get(f"{public}/answer/files/{fid}").status_code == 404
    fresh = app.test_client()
    fresh.get(_path(issued.url))
    assert fresh.get(f"{public}/answer/files/{fid}").status_code == 200
