"""API of the roster import and export (township office only).

POST / takes a multipart `file` and answers the preview (201); POST /<id>/commit writes it
(200 when done inline, 202 when it went to the task queue); GET /<id> is the status, progress
and errors; GET /export is the roster as .xlsx. The stable key is name + birth date.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from lianxin.api.base import BaseSchema, Blueprint
from lianxin.people import imports
from lianxin.people.models import ImportJob
from lianxin.web.scope import township_scope

blp = Blueprint(
    "people_import_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>/representatives/imports",
    description="代表名册导入与导出（两步：预览、提交；同一人按姓名+出生日期识别）",
)

MULTIPART_SLACK = 64 * 1024


@blp.before_request
def _refuse_oversize_early() -> None:
    """A body larger than the upload limit is refused before it is read, let alone parsed."""
    length = request.content_length
    if (
        request.method == "POST"
        and length is not None
        and length > current_app.config["MAX_UPLOAD_BYTES"] + MULTIPART_SLACK
    ):
        raise imports.too_large()


class RosterUploadSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": ".xlsx 或 .csv（UTF-8 / GB18030）"})


class ImportRowErrorSchema(BaseSchema):
    row = fields.Integer(metadata={"description": "表格中的行号（表头为第1行）", "example": 5})
    column = fields.String(metadata={"example": "出生日期"})
    message = fields.String(metadata={"example": "日期无效：1990.13.01"})


class ImportJobSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "previewed / queued / running / done / failed"})
    filename = fields.String()
    total_rows = fields.Integer()
    valid_rows = fields.Integer()
    error_count = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowErrorSchema))
    processed_rows = fields.Integer()
    percent = fields.Integer()
    created_rows = fields.Integer(
        metadata={"description": "预览时为计划新增人数，完成后为实际新增人数"}
    )
    updated_rows = fields.Integer(
        metadata={"description": "预览时为计划更新人数，完成后为实际更新人数"}
    )
    message = fields.String(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class ImportPlannedRowSchema(BaseSchema):
    row = fields.Integer()
    name = fields.String()
    birth_date = fields.Date()
    action = fields.String(metadata={"description": "create 或 update（按姓名+出生日期匹配）"})


class ImportPreviewSchema(ImportJobSchema):
    warnings = fields.List(fields.String())
    stable_key = fields.List(fields.String(), metadata={"example": ["姓名", "出生日期"]})
    rows = fields.List(fields.Nested(ImportPlannedRowSchema))


def _job_out(job: ImportJob) -> dict[str, Any]:
    progress = imports.progress_of(job)
    return {
        "id": job.id,
        "status": job.status,
        "filename": job.filename,
        "total_rows": job.total_rows,
        "valid_rows": job.valid_rows,
        "error_count": len(job.errors or []),
        "errors": job.errors or [],
        "processed_rows": progress["processed_rows"],
        "percent": progress["percent"],
        "created_rows": job.created_rows,
        "updated_rows": job.updated_rows,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@blp.route("/")
class Imports(MethodView):
    @blp.response(200, ImportJobSchema(many=True))
    def get(self):
        """Recent imports"""
        return [_job_out(j) for j in imports.recent_imports(*township_scope())]

    @blp.arguments(RosterUploadSchema, location="files")
    @blp.response(201, ImportPreviewSchema)
    def post(self, data):
        """Upload a roster and preview it (nothing is written to the roster)"""
        upload = data["file"]
        preview = imports.preview_upload(
            *township_scope(), upload.stream, upload.filename or "file"
        )
        return {
            **_job_out(preview.job),
            "warnings": preview.checked.warnings,
            "stable_key": list(imports.STABLE_KEY),
            "rows": [
                {"row": r.row, "name": r.key[0], "birth_date": r.key[1], "action": r.action}
                for r in preview.checked.rows
            ],
        }


@blp.route("/<int:import_id>")
class ImportById(MethodView):
    @blp.response(200, ImportJobSchema)
    def get(self, import_id: int):
        """Status, progress and errors of an import"""
        return _job_out(imports.get_import(*township_scope(), import_id))


@blp.route("/<int:import_id>/commit")
class ImportCommit(MethodView):
    @blp.response(200, ImportJobSchema, description="已在本次请求中写入（或失败，见 status）")
    @blp.alt_response(202, schema=ImportJobSchema, description="已交给后台任务，轮询 GET 查看进度")
    def post(self, import_id: int):
        """Commit a previewed import without errors: all rows in one transaction, or none"""
        job, queued = imports.commit_import(*township_scope(), import_id)
        return _job_out(job), 202 if queued else 200


@blp.route("/export")
class Export(MethodView):
    @blp.response(200, description="代表名册.xlsx")
    def get(self):
        """Export the roster as .xlsx (the import's headers; it imports back)"""
        data = imports.export_roster(*township_scope())
        return Response(
            data,
            mimetype=imports.XLSX_MIME,
            headers={
                "Content-Disposition": imports.content_disposition(imports.EXPORT_FILENAME),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )


@blp.route("/template")
class Template(MethodView):
    @blp.response(200, description="空白模板.xlsx")
    def get(self):
        """A blank roster template with the headers and a sheet of instructions"""
        data = imports.blank_template(*township_scope())
        return Response(
            data,
            mimetype=imports.XLSX_MIME,
            headers={"Content-Disposition": imports.content_disposition(imports.TEMPLATE_FILENAME)},
        )
