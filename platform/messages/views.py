"""The delivery report's pages (/t/<slug>/messages): the township's messages, newest first,
and one message with each recipient reached or not, by which channel, and why not."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from lianxin.messages import service
from lianxin.web.scope import township_scope

bp = Blueprint(
    "messages", __name__, url_prefix="/t/<township_slug>/messages", template_folder="templates"
)

PAGE_SIZE = 20


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    kind = request.args.get("kind") or None
    status = request.args.get("status") or None
    if status not in service.FILTER_LABELS:
        status = None
    page = _page_number()
    rows, total = service.page_messages(
        actor, township, kind=kind, status=status, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    return render_template(
        "messages/list.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters={"kind": kind, "status": status},
        kinds=service.kinds_in_use(actor, township),
        svc=service,
    )


@bp.get("/<int:outbox_id>", endpoint="detail")
def detail(outbox_id: int):
    actor, township = township_scope()
    unreached = request.args.get("unreached") == "1"
    report = service.get_message(actor, township, outbox_id, unreached_only=unreached)
    return render_template("messages/detail.html", m=report, unreached=unreached, svc=service)
