"""The delivery report's API: the township's messages and, per message, its recipients."""

from __future__ import annotations

from flask.views import MethodView

from lianxin.api.base import Blueprint
from lianxin.messages import service
from lianxin.messages.schemas import MessageDetailSchema, MessageQuerySchema, MessageSchema
from lianxin.web.scope import township_scope

blp = Blueprint(
    "messages_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>/messages",
    description="消息送达",
)


@blp.route("/")
class Messages(MethodView):
    @blp.arguments(MessageQuerySchema, location="query")
    @blp.response(200, MessageSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The township's messages, newest first, with how many each reached (liaison office)"""
        rows, total = service.page_messages(
            *township_scope(),
            kind=args["kind"],
            status=args["status"],
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return rows


@blp.route("/<int:outbox_id>")
class MessageById(MethodView):
    @blp.response(200, MessageDetailSchema)
    def get(self, outbox_id: int):
        """One message: each recipient, reached or not, by which channel, and why not"""
        return service.get_message(*township_scope(), outbox_id)
