"""Public pages: raise an issue without an account, follow it with a tracking code, rate it.

No login: the request runs in the township's context (web/scope.py), so a code is looked up
among this township's cases only. The tracking code is shown once, right after submission (and
sent by SMS when a phone was given), and is only ever sent back by POST — never in a URL's path
or query, so it does not land in access logs or Referer headers. 查看进展 on the confirmation
posts it; the receipt's QR code carries it in the URL's fragment (`#code=…`), which browsers
never send, and a small script on the tracking page posts it from there. Submitting, looking up,
rating and printing a receipt are rate-limited per IP; the submission form carries a honeypot
field. A suspended township's pages say so and accept nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.casework import service, states
from lianxin.casework.deadlines import shanghai_today
from lianxin.casework.inputs import CaseInputSchema, RatingInputSchema
from lianxin.casework.models import Case, CaseState, Channel, Rating
from lianxin.casework.states import STATE_LABELS
from lianxin.errors import DomainError, NotFound, ValidationFailed
from lianxin.extensions import limiter
from lianxin.notify.channels import mask_phone
from lianxin.usecases import load_input
from lianxin.web import links
from lianxin.web.qr import qr_svg
from lianxin.web.scope import client_ip, current_township

log = logging.getLogger("lianxin.casework.public")

bp = Blueprint(
    "public_cases", __name__, url_prefix="/p/<township_slug>/cases", template_folder="templates"
)

HONEYPOT = "website"  # a hidden field people never see; bots fill it
MAX_CODE_LENGTH = 40  # a code is 19 characters with its dashes; anything far longer is junk
RATING_LABELS = {
    Rating.SATISFIED: _l("满意"),
    Rating.BASICALLY_SATISFIED: _l("基本满意"),
    Rating.UNSATISFIED: _l("不满意"),
}
FORM_FIELDS = ("category", "title", "body", "raiser_name", "raiser_phone")
# Still being worked on as the person sees it: the reply clock runs (at the branch too).
OPEN_STATES = states.OPEN_STATES


def _submit_limit() -> str:
    return str(current_app.config.get("PUBLIC_SUBMIT_RATE_LIMIT", "5 per minute; 30 per day"))


def _track_limit() -> str:
    return str(current_app.config.get("PUBLIC_TRACK_RATE_LIMIT", "10 per minute"))


def _private(response: Any) -> Any:
    """Pages with a code or an answer on them are never cached by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _paused() -> Any:
    return _private(
        make_response(render_template("casework/public_paused.html", public_page=True), 403)
    )


# --- raising an issue -------------------------------------------------------------------------


def _render_form(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> Any:
    return _private(
        make_response(
            render_template(
                "casework/public_new.html",
                public_page=True,
                categories=service.CATEGORIES,
                values=values,
                errors=errors,
                honeypot=HONEYPOT,
            ),
            status,
        )
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@limiter.limit(_submit_limit, methods=["POST"])
def new():
    township = current_township()
    if not township.is_active:
        return _paused() if request.method == "POST" else _render_form({}, {})
    if request.method == "GET":
        return _render_form({}, {})
    values: dict[str, Any] = {name: request.form.get(name, "").strip() for name in FORM_FIELDS}
    values["anonymous"] = request.form.get("anonymous") in {"1", "on", "true", "yes"}
    if request.form.get(HONEYPOT, "").strip():
        # A bot: it sees the same page a person would, with a code that leads nowhere.
        log.warning(
            "public case form: honeypot filled (township %s, ip %s)", township.slug, client_ip()
        )
        return _render_done(service.new_tracking_code(), values["raiser_phone"])
    try:
        # Only the form's own fields: the channel is the public one, whatever else is posted.
        data = load_input(CaseInputSchema, {**values, "channel": Channel.PUBLIC_WEB})
        created = service.register(None, township, data)
    except ValidationFailed as exc:
        return _render_form(values, exc.errors, 422)
    return _render_done(created.tracking_code, created.case.raiser_phone)


def _render_done(code: str, phone: str | None) -> Any:
    return _private(
        make_response(
            render_template(
                "casework/public_done.html",
                public_page=True,
                tracking_code=code,
                # Where the code was texted to, masked (the register use case queued the SMS).
                texted_to=mask_phone(phone) if phone else None,
            )
        )
    )


# --- following it with the code -----------------------------------------------------------------


def _lookup(code: str) -> Case:
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise NotFound(_("查询码不正确"))
    return service.find_by_code(current_township(), code)


def _render_track(
    *,
    case: Case | None = None,
    code: str = "",
    error: str | None = None,
    rating_errors: dict[str, list[str]] | None = None,
    just_rated: bool = False,
    status: int = 200,
) -> Any:
    view = None
    if case is not None:
        view = {
            "title": case.title,
            "submitted_on": shanghai_today(case.created_at) if case.created_at else None,
            "state_label": STATE_LABELS[CaseState(case.state)],
            "answer": case.answer,
            "answered_on": shanghai_today(case.answered_at) if case.answered_at else None,
            "due_on": case.due_on,
            "open": case.state in OPEN_STATES,
            "rating_label": RATING_LABELS.get(Rating(case.rating)) if case.rating else None,
            "rating_comment": case.rating_comment,
            "can_rate": case.state in service.RATEABLE,
        }
    return _private(
        make_response(
            render_template(
                "casework/public_track.html",
                public_page=True,
                case=view,
                # The code goes back into the rating form only once it proved right.
                code=code if case is not None else "",
                error=error,
                rating_errors=rating_errors or {},
                rating_labels=RATING_LABELS,
                just_rated=just_rated,
            ),
            status,
        )
    )


@bp.route("/track", methods=["GET", "POST"], endpoint="track")
@limiter.shared_limit(_track_limit, scope="public_cases_track", methods=["POST"])
def track():
    township = current_township()
    if not township.is_active:
        return _paused() if request.method == "POST" else _render_track()
    if request.method == "GET":
        return _render_track()
    code = request.form.get("code", "")
    try:
        case = _lookup(code)
    except NotFound:
        return _render_track(error=_("查询码不正确"), status=404)
    return _render_track(case=case, code=code.strip())


def _canonical(code: str) -> str:
    """The code as it was issued (XXXX-XXXX-XXXX-XXXX), however it was typed."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(plain) != 16:
        return code.strip()
    return "-".join(plain[i : i + 4] for i in range(0, 16, 4))


def track_url() -> str:
    """The tracking page's address, as printed for typing (no code in it)."""
    return links.public_url("public_cases.track", township_slug=current_township().slug)


@bp.post("/receipt", endpoint="receipt")
@limiter.shared_limit(_track_limit, scope="public_cases_track", methods=["POST"])
def receipt():
    """A printable receipt (回执): the township, the case, the date, the code and a QR code that
    opens the tracking page with the code. Posted from the confirmation page, or by the office
    from the case page right after registering a visitor's case."""
    township = current_township()
    if not township.is_active:
        return _paused()
    code = request.form.get("code", "").strip()
    try:
        case = _lookup(code)
    except NotFound:
        return _render_track(error=_("查询码不正确"), status=404)
    code = _canonical(code)
    url = service.tracking_url(township, code)
    return _private(
        make_response(
            render_template(
                "casework/public_receipt.html",
                public_page=True,
                title=case.title,
                submitted_at=case.created_at,
                due_on=case.due_on if case.state in OPEN_STATES else None,
                code=code,
                qr=qr_svg(url),
                qr_url=url,
                plain_url=track_url(),
            )
        )
    )


@bp.post("/track/rate", endpoint="rate")
@limiter.shared_limit(_track_limit, scope="public_cases_track", methods=["POST"])
def rate():
    township = current_township()
    if not township.is_active:
        return _paused()
    code = request.form.get("code", "").strip()
    try:
        case = _lookup(code)
    except NotFound:
        return _render_track(error=_("查询码不正确"), status=404)
    try:
        data = load_input(
            RatingInputSchema,
            {
                "rating": request.form.get("rating", ""),
                "comment": request.form.get("comment", "").strip()[:1000],
            },
        )
        case = service.rate_by_code(township, code, data.rating, data.comment)
    except ValidationFailed as exc:
        return _render_track(case=case, code=code, rating_errors=exc.errors, status=422)
    except DomainError as exc:  # rated already (maybe in another tab), or not answered yet
        return _render_track(case=case, code=code, error=exc.message, status=exc.status)
    return _render_track(case=case, code=code, just_rated=True)
