"""The tracking code reaches the person without retyping (issue 21): 查看进展 posts it, the SMS
and the receipt's QR code carry it in the URL's fragment, the office prints the receipt of a
case it registered for a visitor — and the code never travels in a request's path or query."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.casework import service
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.notify.models import Delivery, OutboxMessage
from lianxin.web import qr
from tests.casework.test_public import FORM, new_path, submit, submitted_code, track_path
from tests.factories import actor
from tests.helpers import login

LAN = "http://192.168.1.20:8080"


class Forms(HTMLParser):
    """The page's forms as a browser submits them: method, action and every named input."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, Any]] = {}
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._current = {"method": a.get("method", "get"), "action": a.get("action")}
            self._current["fields"] = {}
            self._current["target"] = a.get("target")
            self.forms[a.get("id") or f"form{len(self.forms)}"] = self._current
        elif tag == "input" and self._current is not None and a.get("name"):
            self._current["fields"][a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_of(html: str) -> dict[str, dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Browsing:
    """A test client that remembers every URL it asked for (what an access log would hold)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.urls: list[str] = []

    def get(self, url: str, **kw: Any) -> Any:
        self.urls.append(url)
        return self.client.get(url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        self.urls.append(url)
        return self.client.post(url, **kw)

    def submit(self, form: dict[str, Any]) -> Any:
        assert form["method"] == "post"
        return self.post(form["action"], data=form["fields"])


def _code(html: str) -> str:
    found = re.search(r'id="tracking-code"[^>]*>\s*([0-9A-Z-]+)\s*<', html)
    assert found, html[:800]
    return found.group(1)


def _messages(township: Any, kind: str) -> list[OutboxMessage]:
    with tenant_context(township.id):
        rows = [
            m
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if (m.payload or {}).get("kind") == kind
        ]
    return rows


# --- 查看进展 without retyping ----------------------------------------------------------------


def test_view_progress_opens_the_case_without_retyping_and_no_url_carries_the_code(
    app, world, client
):
    browsing = Browsing(client)
    browsing.get(new_path(world.township))
    done = browsing.post(new_path(world.township), data=FORM)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    code = _code(html)
    forms = forms_of(html)
    # The button is a form that posts the code, not a link that would put it in the address.
    track = forms["track-now"]
    assert track["action"] == track_path(world.township) and track["fields"]["code"] == code
    page = browsing.submit(track)
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert FORM["title"] in shown and "已登记" in shown and 'id="case"' in shown
    # …and from there the receipt, again by POST.
    receipt = browsing.submit(forms_of(shown)["print-receipt"])
    assert receipt.status_code == 200 and code in receipt.get_data(as_text=True)
    plain = code.replace("-", "")
    for url in browsing.urls:
        assert code not in url and plain not in url and code.lower() not in url, url


def test_the_tracking_page_opens_a_case_from_the_fragment(app, world, client):
    """The QR code's address is …/track#code=…: the server never sees the fragment; the page's
    script (nonce'd, run by the browser test) fills the form and posts it."""
    html = client.get(track_path(world.township)).get_data(as_text=True)
    assert 'id="track-form"' in html and 'method="post"' in html
    assert "location.hash" in html and "history.replaceState" in html
    nonce = re.search(r"<script nonce=\"([^\"]+)\">\s*\(function", html)
    assert nonce, "the fragment reader is an inline script with this response's nonce"


# --- the SMS ----------------------------------------------------------------------------------


def test_the_code_is_texted_when_a_phone_was_given(app, world, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    from lianxin.notify import service as notify_service

    handed: list[dict[str, Any]] = []  # what the channels were handed, before the row forgets it
    original = notify_service.deliver_notification

    def _seen(message: OutboxMessage) -> None:
        if message.payload.get("kind") == "tracking_code":
            handed.append(json.loads(json.dumps(message.payload)))
        original(message)

    monkeypatch.setattr(notify_service, "deliver_notification", _seen)
    response = client.post(new_path(world.township), data=FORM, base_url=LAN)
    html = response.get_data(as_text=True)
    code = _code(html)
    assert "查询码已通过短信发送到您的手机 138****8000" in html
    sent = _messages(world.township, "tracking_code")
    assert len(sent) == 1 and len(handed) == 1
    message, payload = sent[0], handed[0]
    assert message.topic == "notify" and message.tenant_id == world.township.id
    assert payload["user_ids"] == []
    assert payload["phones"] == [{"name": FORM["raiser_name"], "phone": "13800138000"}]
    assert payload["params"]["tracking_code"] == code and code in payload["body"]
    # The delivery report shows titles only: the code is not in the title.
    assert code not in payload["title"]
    # The link opens the case on the address the person used, the code in the fragment.
    assert payload["link"] == f"{LAN}/p/{world.township.slug}/cases/track#code={code}"
    # Delivered through the SMS channel (the log channel here), recorded for the report.
    with tenant_context(world.township.id):
        rows = db.session.scalars(select(Delivery).where(Delivery.outbox_id == message.id)).all()
    assert [(r.channel, r.kind, r.phone_masked) for r in rows] == [
        ("sms", "tracking_code", "138****8000")
    ]
    # Once delivered, the outbox row no longer holds the code: a copy of the database (a
    # backup, a superuser's read) cannot open the case with it.
    kept = json.dumps(message.payload, ensure_ascii=False)
    assert code not in kept and code.replace("-", "") not in kept
    assert message.payload["title"] == payload["title"]


def test_no_text_without_a_phone_nor_for_a_bot(app, world, client):
    html = submit(client, world.township, raiser_phone="", anonymous="1").get_data(as_text=True)
    assert _code(html) and "短信" not in html
    submit(client, world.township, website="http://spam.example")  # the honeypot
    assert _messages(world.township, "tracking_code") == []


def test_a_case_registered_for_a_visitor_texts_them_the_code(app, world, client):
    login(client, world.users["township_staff"])
    response = client.post(
        f"/t/{world.township.slug}/cases/new",
        data={
            "channel": "phone",
            "category": "其他",
            "title": "代为登记的事项",
            "body": "来访群众反映的情况",
            "raiser_name": "李大爷",
            "raiser_phone": "13900139000",
            "on_behalf": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    sent = _messages(world.township, "tracking_code")
    assert [m.payload["phones"] for m in sent] == [[{"name": "李大爷", "phone": "13900139000"}]]


# --- the receipt ------------------------------------------------------------------------------


def test_the_receipt_shows_the_code_and_a_qr_of_the_tracking_url(app, world, client):
    code = submitted_code(client, world.township)
    response = client.post(
        f"/p/{world.township.slug}/cases/receipt", data={"code": code.lower().replace("-", "")}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    assert world.township.name in html and FORM["title"] in html
    assert f'id="receipt-code">{code}<' in html  # as issued, however it was typed
    with tenant_context(world.township.id):
        case = db.session.scalars(select(Case)).one()
        china = case.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert china.strftime("%Y年%m月%d日 %H:%M") in html
    # The QR code is made, by the platform's one QR maker, of the tracking page's address with
    # the code in its fragment.
    url = f"http://testserver/p/{world.township.slug}/cases/track#code={code}"
    assert str(qr.qr_svg(url)) in html
    with app.test_request_context():
        assert service.tracking_url(world.township, code) == url
    # Printable: no header or menus on paper, sized for A5 within A4.
    assert "@media print" in html and ".receipt-tools { display: none" in html
    assert f"http://testserver/p/{world.township.slug}/cases/track<" in html  # typed by hand


def test_the_receipt_is_made_with_the_url_passed_to_the_qr_maker(app, world, client, monkeypatch):
    from lianxin.casework import public_views

    seen: list[str] = []
    monkeypatch.setattr(public_views, "qr_svg", lambda url: seen.append(url) or "<svg></svg>")
    code = submitted_code(client, world.township)
    client.post(f"/p/{world.township.slug}/cases/receipt", data={"code": code})
    assert seen == [f"http://testserver/p/{world.township.slug}/cases/track#code={code}"]


def test_a_wrong_or_foreign_code_prints_nothing(app, world, client):
    theirs = submitted_code(client, world.other)
    for code in ("WRONG-CODE", theirs, ""):
        response = client.post(f"/p/{world.township.slug}/cases/receipt", data={"code": code})
        assert response.status_code == 404
        assert "诉求回执" not in response.get_data(as_text=True)
    # Only by POST: a GET (a code in a query string) is not served.
    assert client.get(f"/p/{world.township.slug}/cases/receipt?code={theirs}").status_code == 405


def test_the_office_prints_the_receipt_of_a_case_it_registered(app, world, client):
    login(client, world.users["township_staff"])
    made = client.post(
        f"/t/{world.township.slug}/cases/new",
        data={
            "channel": "phone",
            "category": "其他",
            "title": "来访登记的路灯问题",
            "body": "村口路灯不亮",
            "raiser_name": "李大爷",
            "raiser_phone": "13900139000",
            "on_behalf": "1",
        },
    )
    assert made.status_code == 302
    case_url = made.headers["Location"]
    page = client.get(case_url).get_data(as_text=True)
    form = forms_of(page)
    printing = next(f for f in form.values() if f["action"].endswith("/cases/receipt"))
    assert printing["action"] == f"/p/{world.township.slug}/cases/receipt"
    assert printing["target"] == "_blank"
    code = printing["fields"]["code"]
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    receipt = client.post(printing["action"], data=printing["fields"])
    assert receipt.status_code == 200
    text = receipt.get_data(as_text=True)
    assert "来访登记的路灯问题" in text and code in text
    # Shown on that one view only, like the flash that announced it.
    assert 'id="case-receipt"' not in client.get(case_url).get_data(as_text=True)


def test_the_receipt_offer_is_for_that_case_only(app, world, client):
    login(client, world.users["township_staff"])
    staff = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        other = service.register(
            staff,
            world.township,
            service.load_case_input(
                {"channel": "phone", "category": "其他", "title": "另一件", "body": "内容"}
            ),
        )
        db.session.commit()
    made = client.post(
        f"/t/{world.township.slug}/cases/new",
        data={"channel": "phone", "category": "其他", "title": "这一件", "body": "内容"},
    )
    assert made.status_code == 302
    elsewhere = client.get(f"/t/{world.township.slug}/cases/{other.case.id}")
    assert 'id="case-receipt"' not in elsewhere.get_data(as_text=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "PUBLIC_TRACK_RATE_LIMIT": "2 per minute"}]
)
def test_receipts_count_against_the_lookup_limit(app, world, client):
    for _ in range(2):
        client.post(f"/p/{world.township.slug}/cases/receipt", data={"code": "WRONG"})
    limited = client.post(f"/p/{world.township.slug}/cases/receipt", data={"code": "WRONG"})
    assert limited.status_code == 429
