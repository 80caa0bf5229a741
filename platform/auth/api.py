"""Account API: personal tokens, who am I, and administering other people's accounts."""

from __future__ import annotations

from flask.views import MethodView

from lianxin.api.base import Blueprint
from lianxin.auth import management, throttle
from lianxin.auth import service as accounts
from lianxin.auth.actor import actor_for
from lianxin.auth.schemas import (
    ApiTokenSchema,
    IssuedTokenSchema,
    MeSchema,
    SetupLinkSchema,
    TokenRequestSchema,
    UserAccountPatchSchema,
    UserAccountSchema,
)
from lianxin.errors import InvalidCredentials
from lianxin.notify.preferences import PreferencesInputSchema, PreferencesSchema
from lianxin.web.scope import client_ip, current_actor

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="账号与 API 令牌")


@blp.route("/auth/tokens")
class Tokens(MethodView):
    decorators = [throttle.failures_limited()]

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data):
        """Create a personal API token with username and password (shown once)"""
        try:
            user = accounts.authenticate(data["username"], data["password"], ip=client_ip())
        except InvalidCredentials:
            throttle.failed()
            raise
        issued = accounts.create_api_token(actor_for(user, client_ip()), data["name"])
        return {
            "id": issued.token.id,
            "name": issued.token.name,
            "prefix": issued.token.prefix,
            "created_at": issued.token.created_at,
            "last_used_at": None,
            "expires_at": issued.token.expires_at,
            "token": issued.plaintext,
        }

    @blp.response(200, ApiTokenSchema(many=True))
    def get(self):
        """List my API tokens that are not revoked (expired ones too, with their expiry)"""
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


@blp.route("/me/channels")
class MyChannels(MethodView):
    @blp.response(200, PreferencesSchema)
    def get(self):
        """My channels: the inbox always; SMS, email and WeCom on or off; my WeCom userid"""
        return accounts.channel_preferences(current_actor())

    @blp.arguments(PreferencesInputSchema(partial=True))
    @blp.response(200, PreferencesSchema)
    def patch(self, data):
        """Switch SMS, email or WeCom on or off, or set my WeCom userid (the keys given)"""
        return accounts.set_channel_preferences(current_actor(), data)


@blp.route("/accounts/<int:user_id>")
class AccountById(MethodView):
    @blp.response(200, UserAccountSchema)
    def get(self, user_id: int):
        """An account with a membership where I administer (404 otherwise)"""
        return management.get_account(current_actor(), user_id)

    @blp.arguments(UserAccountPatchSchema)
    @blp.response(200, UserAccountSchema)
    def patch(self, data, user_id: int):
        """Switch an account off (its sessions end, its tokens are revoked) or on; only where I
        administer every place it acts in (403 otherwise)"""
        return management.set_active(current_actor(), user_id, data["is_active"])


@blp.route("/accounts/<int:user_id>/setup-link")
class AccountSetupLink(MethodView):
    @blp.response(201, SetupLinkSchema)
    def post(self, user_id: int):
        """Send an account a new one-time set-up link (a password reset; older links stop
        working); only where I administer every place it acts in (403 otherwise)"""
        issued = management.issue_setup_link(current_actor(), user_id)
        return {"setup_url": accounts.setup_url(issued.token), "expires_at": issued.expires_at}
