"""The site's icon: an SVG with a 32×32 PNG beside it, linked from every page, and
`/favicon.ico` answering (browsers ask for it whatever the page links)."""

from __future__ import annotations

import struct


def test_favicon_ico_answers_without_login(app, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    body = response.get_data()
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind) == (0, 1) and count >= 1
    sizes = {body[6 + 16 * i] for i in range(count)}
    assert 32 in sizes
    assert "max-age" in response.headers.get("Cache-Control", "")
    response.close()


def test_the_svg_and_png_are_served(app, client):
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.get_data() and b"viewBox" in svg.get_data()
    svg.close()
    png = client.get("/static/favicon-32.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    data = png.get_data()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (32, 32)
    png.close()


def test_every_page_links_the_icon(app, world, client):
    for path in ("/login", f"/p/{world.township.slug}/"):
        html = client.get(path).get_data(as_text=True)
        head = html[: html.index("</head>")]
        assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in head, path
        assert 'rel="icon" href="/static/favicon-32.png" sizes="32x32"' in head, path
