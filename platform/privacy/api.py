"""The privacy API (township administrator): export a person's data, erase it."""

from __future__ import annotations

from flask.views import MethodView

from lianxin.api.base import Blueprint
from lianxin.privacy import service
from lianxin.privacy.schemas import (
    ConfirmSchema,
    ErasedSchema,
    PhoneQuerySchema,
    SubmitterEraseSchema,
)
from lianxin.web.scope import township_scope

blp = Blueprint(
    "privacy_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>/privacy",
    description="个人信息保护",
)


@blp.route("/representatives/<int:rep_id>/export")
class RepresentativeExport(MethodView):
    @blp.response(200)
    def get(self, rep_id: int):
        """Everything held about one representative, as JSON (audited)"""
        return service.export_representative(*township_scope(), rep_id)


@blp.route("/representatives/<int:rep_id>/anonymise")
class RepresentativeAnonymise(MethodView):
    @blp.arguments(ConfirmSchema)
    @blp.response(200, ErasedSchema)
    def post(self, args, rep_id: int):
        """Anonymise a former representative: personal fields cleared, history kept"""
        return service.anonymise_representative(*township_scope(), rep_id, confirm=args["confirm"])


# POST: the number travels in the body, never in a URL (access logs).
@blp.route("/submitters/export")
class SubmitterExport(MethodView):
    @blp.arguments(PhoneQuerySchema)
    @blp.response(200)
    def post(self, args):
        """Everything held about whoever raised cases from one number (audited)"""
        return service.export_submitter(*township_scope(), args["phone"])


@blp.route("/submitters/erase")
class SubmitterErase(MethodView):
    @blp.arguments(SubmitterEraseSchema)
    @blp.response(200, ErasedSchema)
    def post(self, args):
        """Clear the name and number on every case raised from one number"""
        return service.erase_submitter(*township_scope(), args["phone"], confirm=args["confirm"])
