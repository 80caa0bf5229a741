"""Pages of the roster import (preview, commit with progress) and export.

Every page is for the township office only (the roster holds phones: personal data).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.errors import DomainError, PermissionDenied
from lianxin.people import imports
from lianxin.people.models import ImportStatus
from lianxin.web.scope import township_scope

bp = Blueprint(
    "people_import",
    __name__,
    url_prefix="/t/<township_slug>/people/import",
    template_folder="templates",
)

# A multipart body carries a little more than the file: its boundaries, the CSRF field.
MULTIPART_SLACK = 64 * 1024
PLAN_SHOWN = 500


def status_words() -> dict[str, str]:
    return {
        ImportStatus.PREVIEWED: _("待确认"),
        ImportStatus.QUEUED: _("排队中"),
        ImportStatus.RUNNING: _("导入中"),
        ImportStatus.DONE: _("已完成"),
        ImportStatus.FAILED: _("失败"),
    }


def request_too_large() -> bool:
    """Refuse by the declared length, before the upload is read or parsed."""
    length = request.content_length
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    return length is not None and length > limit + MULTIPART_SLACK


@bp.before_request
def _office_only() -> None:
    # A county drilling down reads as the office does, but not the roster's every phone and
    # birth date (nor an import's rows, quoted in its errors): people/privacy.py.
    if not imports.can_import(*township_scope()):
        raise PermissionDenied(_("只有乡镇联络办公室的工作人员可以导入和导出代表名册。"))


def _index(status: int = 200) -> tuple[str, int]:
    actor, township = township_scope()
    return render_template(
        "people/import.html",
        jobs=imports.recent_imports(actor, township),
        statuses=status_words(),
        columns=imports.COLUMNS,
        required={imports.HEADER_OF[f] for f in imports.REQUIRED_FIELDS},
        max_mb=imports.megabytes(current_app.config["MAX_UPLOAD_BYTES"]),
    ), status


def _flash_error(exc: DomainError) -> None:
    details = [m for ms in exc.errors.values() for m in ms if m not in exc.message]
    flash(" ".join([exc.message, *details]), "error")


@bp.route("/", methods=["GET", "POST"], endpoint="index")
def index() -> Any:
    if request.method == "GET":
        return _index()
    if request_too_large():
        flash(imports.too_large().message, "error")
        return _index(413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("请选择要导入的名册文件（.xlsx 或 .csv）。"), "error")
        return _index(422)
    actor, township = township_scope()
    try:
        preview = imports.preview_upload(actor, township, upload.stream, upload.filename)
    except DomainError as exc:
        _flash_error(exc)
        return _index(exc.status)
    return render_template(
        "people/import_job.html",
        job=preview.job,
        plan=preview.checked.rows[:PLAN_SHOWN],
        plan_total=len(preview.checked.rows),
        statuses=status_words(),
    )


@bp.get("/<int:import_id>", endpoint="job")
def job(import_id: int) -> Any:
    found = imports.get_import(*township_scope(), import_id)
    return render_template(
        "people/import_job.html", job=found, plan=None, plan_total=0, statuses=status_words()
    )


@bp.post("/<int:import_id>/commit", endpoint="commit")
def commit(import_id: int) -> Any:
    actor, township = township_scope()
    try:
        done, queued = imports.commit_import(actor, township, import_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        _flash_error(exc)
        return redirect(url_for(".job", import_id=import_id))
    # A finished (or failed) import shows its result on the job page itself.
    if queued and done.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        flash(_("导入已在后台进行，本页会显示进度。"), "success")
    return redirect(url_for(".job", import_id=import_id))


@bp.get("/<int:import_id>/progress", endpoint="progress")
def progress(import_id: int) -> Any:
    found = imports.get_import(*township_scope(), import_id)
    body = imports.progress_of(found)
    body["status_text"] = status_words().get(found.status, found.status)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _xlsx(data: bytes, filename: str) -> Response:
    ascii_name = "roster.xlsx" if filename == imports.EXPORT_FILENAME else "template.xlsx"
    response: Response = spreadsheets.response(data, filename, ascii_name=ascii_name)
    return response


def _roster_filter() -> imports.RosterFilter:
    """The roster page's filters, as its export link carries them (none: the whole roster)."""
    status = request.args.get("status") or None
    return imports.RosterFilter(
        q=request.args.get("q") or None,
        status=None if status == "all" else status,
        branch_id=request.args.get("branch_id", type=int),
        group_id=request.args.get("group_id", type=int),
    )


@bp.get("/export", endpoint="export")
def export() -> Response:
    data = imports.export_roster(*township_scope(), _roster_filter())
    return _xlsx(data, imports.EXPORT_FILENAME)


@bp.get("/template", endpoint="template")
def template() -> Response:
    data = imports.blank_template(*township_scope())
    return _xlsx(data, imports.TEMPLATE_FILENAME)
