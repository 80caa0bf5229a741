"""Public pages of representatives (no login), linked from the contact card's QR code.

What they show is decided in `lianxin.people.cards.PublicRepresentative`. A suspended
township's pages say so and show nobody.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from lianxin.people import cards
from lianxin.web.scope import current_township

bp = Blueprint(
    "public_people",
    __name__,
    url_prefix="/p/<township_slug>/representatives",
    template_folder="templates",
)


@bp.get("/", endpoint="index")
def index():
    township = current_township()
    page = max(1, request.args.get("page", 1, type=int))
    reps, total = cards.public_roster(township, page) if township.is_active else ([], 0)
    return render_template(
        "people/public_list.html",
        public_page=True,
        reps=reps,
        total=total,
        page=page,
        pages=max(1, -(-total // cards.PUBLIC_PAGE_SIZE)),
    )


@bp.get("/<int:rep_id>", endpoint="representative")
def representative(rep_id: int):
    township = current_township()
    rep = cards.public_representative(township, rep_id)  # 404 for another township's id
    return render_template(
        "people/public_representative.html",
        public_page=True,
        rep=rep if township.is_active else None,
    )


@bp.get("/<int:rep_id>/photo", endpoint="photo")
def photo(rep_id: int):
    result = cards.public_photo(current_township(), rep_id)
    try:
        data = result.stream.read()
    finally:
        result.stream.close()
    response = Response(data, mimetype=result.file.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The page links the photo with ?v=<file id>: a new photo is a new address.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
