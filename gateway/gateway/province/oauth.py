"""The token endpoint: OAuth 2.0 client credentials (RFC 6749 §4.4) with Authlib's authorization server. Client
authentication (client_secret_basic or client_secret_post), grant and scope checks and the RFC error answers are
Authlib's; the identity service checks the secret (argon2, the previous one during a rotation overlap) and
signs the JWT with its current key."""
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidScopeError

from ausm_common.errors import AppError

from ..rpc import gateway_services

SCOPES = ["candidates:read", "candidates:unmask", "legacy:import", "enrollments:read", "scores:import",
          "cpe:report", "events:subscribe"]


class ProvinceClient(ClientMixin):
    """Known only by id until its secret is checked by the identity service."""

    def __init__(self, client_id: str):
        self.client_id, self.info = client_id, None

    def get_client_id(self):
        return self.client_id

    def check_client_secret(self, client_secret):
        try:
            self.info = gateway_services.identity.authenticate_api_client(
                {"client_id": self.client_id[:40], "client_secret": client_secret[:128]})
        except AppError:
            return False
        return True

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope):
        held = (self.info or {}).get("scopes") or []
        if not scope:
            return " ".join(held)
        return " ".join(s for s in scope.split() if s in held)


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self):
        super().validate_requested_scope()          # scopes the platform knows
        scope = self.request.payload.scope
        held = set((self.client.info or {}).get("scopes") or [])
        if scope and not set(scope.split()) <= held:
            raise InvalidScopeError(description="requested scope not granted to this client")


def _generate(grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=False):
    return gateway_services.identity.issue_client_token(client.client_id, client.get_allowed_scope(scope) or None)


def build(app) -> AuthorizationServer:
    server = AuthorizationServer(app, query_client=lambda client_id: ProvinceClient(client_id) if client_id else None,
                                 save_token=lambda token, request: None)   # JWTs are self-contained
    server.scopes_supported = SCOPES
    server.register_grant(ClientCredentials)
    server.register_token_generator("client_credentials", _generate)
    return server
