"""Files API of the township in the URL: the office's index and uploads; downloads for whoever
may read what the file belongs to."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from lianxin.api.base import BaseSchema, Blueprint
from lianxin.storage import service as files
from lianxin.web.scope import current_actor, current_township

blp = Blueprint(
    "files_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>/files",
    description="文件：联络办的文件目录与上传；下载按文件所属对象的查看权限（按乡镇隔离）",
)


class FileUploadSchema(BaseSchema):
    file = Upload(required=True)


class StoredFileSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    sha256 = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


@blp.route("/")
class Files(MethodView):
    @blp.response(200, StoredFileSchema(many=True))
    def get(self):
        """The township's latest files (the liaison office only)"""
        return files.list_files(current_actor(), current_township())

    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, StoredFileSchema)
    def post(self, data):
        """Upload a file that belongs to nothing else (the liaison office only)

        Files of a case, a proposal or a session are uploaded to that object instead."""
        upload = data["file"]
        return files.save_office_file(
            current_actor(), current_township(), upload.stream, upload.filename or "file"
        )


@blp.route("/<int:file_id>")
class FileById(MethodView):
    @blp.response(200, description="文件内容")
    def get(self, file_id: int):
        """Download a file (404 unless one may read what it belongs to)"""
        result = files.open_download(current_actor(), current_township(), file_id)
        data = result.stream.read()
        result.stream.close()
        return Response(
            data, mimetype=result.file.content_type, headers={"X-Content-Type-Options": "nosniff"}
        )
