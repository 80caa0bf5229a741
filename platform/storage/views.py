"""File pages of a township: the office's index and uploads, and downloads for whoever may read
what the file belongs to — always within the township in the URL."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin.auth.forms import EmptyForm
from lianxin.errors import DomainError
from lianxin.storage import service as files
from lianxin.web.scope import current_actor, current_township

bp = Blueprint(
    "files", __name__, url_prefix="/t/<township_slug>/files", template_folder="templates"
)


@bp.route("/", methods=["GET", "POST"], endpoint="index")
def files_index():
    actor, township = current_actor(), current_township()
    rows = files.list_files(actor, township)  # the office's page: anyone else is refused (403)
    if request.method == "POST" and EmptyForm().validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("请选择文件。"), "error")
        else:
            try:
                files.save_office_file(actor, township, upload.stream, upload.filename)
                flash(_("文件已上传。"), "success")
                return redirect(url_for(".index"))
            except DomainError as exc:
                flash(
                    exc.message + " " + "；".join(m for ms in exc.errors.values() for m in ms),
                    "error",
                )
    return render_template("storage/files.html", files=rows, form=EmptyForm())


@bp.get("/<int:file_id>", endpoint="download")
def download(file_id: int):
    return download_response(files.open_download(current_actor(), current_township(), file_id))


def download_response(result: files.Download, *, private: bool = False) -> Response:
    """A stored file streamed as an attachment (`nosniff`); `private`: reached through a
    one-time link, so never cached and never sent on as a referrer."""

    def stream():
        try:
            while chunk := result.stream.read(64 * 1024):
                yield chunk
        finally:
            result.stream.close()

    response = Response(stream(), mimetype=result.file.content_type)
    response.headers["Content-Length"] = str(result.file.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(result.file.filename)}"
    )
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
