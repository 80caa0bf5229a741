"""REST API of the briefings module (通报), mounted at /api/v1/t/<slug>/briefings.

Every rule lives in the service. Lists come in pages (`page`, `page_size`; the total in the
`X-Pagination` header). Reading a briefing as a recipient (`POST …/read`) records the first
read; the office reads the receipts of everyone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.briefings import service
from lianxin.modules.briefings.inputs import (
    BriefingInput,
    BriefingInputSchema,
    BriefingPatchSchema,
)
from lianxin.modules.briefings.models import Briefing
from lianxin.modules.briefings.schemas import (
    BriefingFileSchema,
    BriefingFileUploadSchema,
    BriefingQuerySchema,
    BriefingReceiptSchema,
    BriefingSchema,
)
from lianxin.usecases import Changes
from lianxin.web.scope import township_scope

api = ApiBlueprint("briefings_api", __name__, description="通报（决策事项、工作进展的知情通报）")


def _out(briefings: list[Briefing]) -> list[dict[str, Any]]:
    counts = service.read_counts([b.id for b in briefings])
    out = []
    for b in briefings:
        c = counts.get(b.id, service.Counts())
        row = {k: getattr(b, k) for k in BriefingSchema().fields if hasattr(b, k)}
        out.append({**row, "recipients": c.recipients, "read": c.read})
    return out


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, **kw: Any) -> list:
    rows, total = list_page(
        *township_scope(), offset=pagination.first_item, limit=pagination.page_size, **kw
    )
    pagination.item_count = total
    return rows


@api.route("/briefings")
class Briefings(MethodView):
    @api.arguments(BriefingQuerySchema, location="query")
    @api.response(200, BriefingSchema(many=True))
    @api.paginate()
    def get(self, query, pagination_parameters):
        """List briefings (the office: all; a representative: those sent to them)"""
        return _out(_page(service.page_briefings, pagination_parameters, state=query["state"]))

    @api.arguments(BriefingInputSchema)
    @api.response(201, BriefingSchema)
    def post(self, data: BriefingInput):
        """Draft a briefing (a correction names the sent one in corrects_id)"""
        return _out([service.create_briefing(*township_scope(), data)])[0]


@api.route("/briefings/<int:briefing_id>")
class BriefingById(MethodView):
    @api.response(200, BriefingSchema)
    def get(self, briefing_id: int):
        """One briefing"""
        return _out([service.get_briefing(*township_scope(), briefing_id)])[0]

    @api.arguments(BriefingPatchSchema)
    @api.response(200, BriefingSchema)
    def patch(self, data: Changes[BriefingInput], briefing_id: int):
        """Change a draft"""
        return _out([service.update_briefing(*township_scope(), briefing_id, data)])[0]

    @api.response(204)
    def delete(self, briefing_id: int):
        """Throw a draft away"""
        service.delete_draft(*township_scope(), briefing_id)


@api.route("/briefings/<int:briefing_id>/send")
class Send(MethodView):
    @api.response(200, BriefingSchema)
    def post(self, briefing_id: int):
        """Send a draft to its recipients (it never changes afterwards)"""
        return _out([service.send_briefing(*township_scope(), briefing_id)])[0]


@api.route("/briefings/<int:briefing_id>/read")
class Read(MethodView):
    @api.response(200, BriefingSchema)
    def post(self, briefing_id: int):
        """Open a briefing; a recipient's first opening is their read receipt"""
        return _out([service.read_briefing(*township_scope(), briefing_id)])[0]


@api.route("/briefings/<int:briefing_id>/receipts")
class Receipts(MethodView):
    @api.response(200, BriefingReceiptSchema(many=True))
    def get(self, briefing_id: int):
        """Who read the briefing and who did not (the office)"""
        return [
            {
                "id": r.recipient.id,
                "representative_id": r.recipient.representative_id,
                "name": r.name,
                "channel": r.recipient.channel,
                "read_at": r.recipient.read_at,
                "reminded_on": r.recipient.reminded_on,
            }
            for r in service.receipts(*township_scope(), briefing_id)
        ]


@api.route("/briefings/<int:briefing_id>/files")
class Files(MethodView):
    @api.response(200, BriefingFileSchema(many=True))
    def get(self, briefing_id: int):
        """The briefing's files (download them through the files API)"""
        return service.files_of(*township_scope(), briefing_id)

    @api.arguments(BriefingFileUploadSchema, location="files")
    @api.response(201, BriefingFileSchema)
    def post(self, data, briefing_id: int):
        """Attach a file to a draft"""
        upload = data["file"]
        return service.attach_file(
            *township_scope(), briefing_id, upload.stream, upload.filename or "file"
        )
