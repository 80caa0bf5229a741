"""API of the county's escalation queue: only the copies its townships sent up, and answers."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint
from lianxin.casework import service as cases
from lianxin.casework.inputs import CountyAnswerInput, CountyAnswerInputSchema
from lianxin.casework.models import CountyEscalation
from lianxin.casework.schemas import EscalationQuerySchema, EscalationSchema
from lianxin.tenants import service as tenants
from lianxin.web.scope import current_actor, current_county

blp = Blueprint(
    "county_cases_api",
    __name__,
    url_prefix="/api/v1/c/<county_slug>/escalations",
    description="县级：上报事项",
)


def _names() -> dict[int, str]:
    return {t.id: t.name for t in tenants.county_townships(current_actor(), current_county())}


def escalation_out(item: CountyEscalation, names: dict[int, str]) -> dict[str, Any]:
    out = {c.key: getattr(item, c.key) for c in CountyEscalation.__table__.columns}
    out["township_name"] = names.get(item.tenant_id, "")
    return out


@blp.route("/")
class Escalations(MethodView):
    @blp.arguments(EscalationQuerySchema, location="query")
    @blp.response(200, EscalationSchema(many=True))
    def get(self, args):
        """What the county's townships sent up (open, or answered)"""
        names = _names()
        return [
            escalation_out(item, names)
            for item in cases.county_queue(current_actor(), current_county(), status=args["status"])
        ]


@blp.route("/<int:escalation_id>/answer")
class Answer(MethodView):
    @blp.arguments(CountyAnswerInputSchema)
    @blp.response(200, EscalationSchema)
    def post(self, data: CountyAnswerInput, escalation_id: int):
        """The county answers; the answer becomes the township case's reply (an item not sent to
        this county is 404)"""
        item = cases.county_answer(current_actor(), current_county(), escalation_id, data.answer)
        return escalation_out(item, _names())
