"""Account API: personal tokens and who am I."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from lianxin.api.base import Blueprint
from lianxin.auth import service as accounts
from lianxin.auth.actor import actor_for
from lianxin.auth.schemas import ApiTokenSchema, IssuedTokenSchema, MeSchema, TokenRequestSchema
from lianxin.extensions import limiter
from lianxin.web.scope import client_ip, current_actor

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="账号与 API 令牌")


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@blp.route("/auth/tokens")
class Tokens(MethodView):
    decorators = [limiter.limit(_login_limit, methods=["POST"])]

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data):
        """Create a personal API token with username and password (shown once)"""
        user = accounts.authenticate(data["username"], data["password"], ip=client_ip())
        issued = accounts.create_api_token(actor_for(user, client_ip()), data["name"])
        return {
            "id": issued.token.id,
            "name": issued.token.name,
            "prefix": issued.token.prefix,
            "created_at": issued.token.created_at,
            "last_used_at": None,
            "token": issued.plaintext,
        }

    @blp.response(200, ApiTokenSchema(many=True))
    def get(self):
        """List my active API tokens"""
        return accounts.list_api_tokens(current_actor())


@blp.route("/auth/tokens/<int:token_id>")
class TokenById(MethodView):
    @blp.response(204)
    def delete(self, token_id: int):
        """Revoke one of my API tokens"""
        accounts.revoke_api_token(current_actor(), token_id)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who am I: my memberships"""
        return current_actor()
