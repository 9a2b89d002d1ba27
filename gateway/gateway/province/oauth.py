"""The token endpoint: OAuth 2.0 client credentials (RFC 6749 §4.4) with Authlib's authorization server. Client
authentication (client_secret_basic, client_secret_post, or private_key_jwt: a JWT assertion signed with the
client's private key, assertions.py), grant and scope checks and the RFC error answers are Authlib's; the identity
service checks the secret (argon2, the previous one during a rotation overlap) or gives the client's public keys in
force, and signs the access token with its current key."""
import os

import redis
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidScopeError
from flask import current_app, request

from ausm_common.config import env, redis_url
from ausm_common.errors import AppError

from ..rpc import gateway_services
from .assertions import METHOD as PRIVATE_KEY_JWT
from .assertions import JtiStore, PrivateKeyJWT

SECRET_METHODS = ["client_secret_basic", "client_secret_post"]
TOKEN_PATH = "/api/province/v1/oauth/token"
ISSUER_PATH = "/api/province/v1"

SCOPES = ["candidates:read", "candidates:unmask", "legacy:import", "enrollments:read", "scores:import",
          "cpe:report", "events:subscribe"]


class ProvinceClient(ClientMixin):
    """Known only by id until its secret is checked, or its public keys given, by the identity service."""

    def __init__(self, client_id: str):
        self.client_id, self.info, self.keys = client_id, None, None

    def get_client_id(self):
        return self.client_id

    def check_client_secret(self, client_secret):
        try:
            self.info = gateway_services.identity.authenticate_api_client(
                {"client_id": self.client_id[:40], "client_secret": client_secret[:128]})
        except AppError:
            return False
        return True

    def assertion_keys(self) -> list[dict]:
        """The public keys an assertion of this client may be signed with; InvalidClientError for a client that
        is unknown, revoked or has no key (one answer for all: no probing)."""
        try:
            found = gateway_services.identity.api_client_assertion_keys(self.client_id[:40])
        except AppError:
            raise InvalidClientError(description="The client cannot authenticate with private_key_jwt.") from None
        self.info, self.keys = found["client"], found["keys"]
        return self.keys

    def check_endpoint_auth_method(self, method, endpoint):
        if endpoint != "token":
            return False
        if method == PRIVATE_KEY_JWT:
            return self.keys is not None
        return method in SECRET_METHODS

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope):
        held = (self.info or {}).get("scopes") or []
        if not scope:
            return " ".join(held)
        return " ".join(s for s in scope.split() if s in held)


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = [*SECRET_METHODS, PRIVATE_KEY_JWT]

    def validate_requested_scope(self):
        super().validate_requested_scope()          # scopes the platform knows
        scope = self.request.payload.scope
        held = set((self.client.info or {}).get("scopes") or [])
        if scope and not set(scope.split()) <= held:
            raise InvalidScopeError(description="requested scope not granted to this client")


def _generate(grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=False):
    return gateway_services.identity.issue_client_token(client.client_id, client.get_allowed_scope(scope) or None)


def audiences() -> list[str]:
    """What a client assertion's `aud` may be: the token endpoint's URL or the API's issuer identifier, at the
    public address (PUBLIC_BASE_URL when set, else the address of this request)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or os.environ.get("PUBLIC_BASE_URL") or request.host_url)
    base = base.rstrip("/")
    return [base + TOKEN_PATH, base + ISSUER_PATH]


def jti_store() -> JtiStore:
    ext = current_app.extensions
    if "province_jti" not in ext:
        client = current_app.config.get("IDEMPOTENCY_REDIS") or redis.Redis.from_url(redis_url())
        ext["province_jti"] = JtiStore(client, f"{env('CLOCK_NAMESPACE', 'ausm')}:province")
    return ext["province_jti"]


def build(app) -> AuthorizationServer:
    server = AuthorizationServer(app, query_client=lambda client_id: ProvinceClient(client_id) if client_id else None,
                                 save_token=lambda token, request: None)   # JWTs are self-contained
    server.scopes_supported = SCOPES
    server.register_grant(ClientCredentials)
    server.register_client_auth_method(PRIVATE_KEY_JWT, PrivateKeyJWT(
        keys_of=lambda client: client.assertion_keys(), audiences=audiences, jti_store=jti_store))
    server.register_token_generator("client_credentials", _generate)
    return server
