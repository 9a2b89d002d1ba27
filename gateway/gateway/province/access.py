"""A request of the province API: its bearer token verified here (signature, kid, audience, expiry), then the
client checked with the identity service on every call (revocation takes effect at once); the caller of kind
"client" (client id, province, scopes) is signed into every RPC the request makes, so the service that owns
the data enforces province and scope, as it does staff jurisdiction."""
import os

import redis
from flask import current_app, g, request

from ausm_common.clock import build_clock
from ausm_common.config import env, redis_url

from ..rpc import gateway_services
from .idempotency import IdempotencyStore
from .tokens import JwksCache, key_id, verify_access_token

AUDIENCE = os.environ.get("PROVINCE_TOKEN_AUDIENCE", "ausm-province-api")


def _jwks_cache() -> JwksCache:
    ext = current_app.extensions
    if "province_jwks" not in ext:
        ext["province_jwks"] = JwksCache(lambda: gateway_services.identity.client_jwks(), ttl=300, min_refresh=5)
    return ext["province_jwks"]


def jwks() -> dict:
    return _jwks_cache().get()


def _clock():
    ext = current_app.extensions
    if "province_clock" not in ext:
        ext["province_clock"] = build_clock(current_app.config["SANDBOX"])
    return ext["province_clock"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def current_client() -> dict:
    """The verified client of this request (cached on g); NotAuthenticated when the token or client fails."""
    if g.get("province_client") is None:
        token = bearer_token()
        kid = key_id(token) if token else None
        if kid is None:       # refused before anything is fetched
            verify_access_token(token, {"keys": []}, AUDIENCE, 0)
        keys = _jwks_cache().get(kid)
        claims = verify_access_token(token, keys, AUDIENCE, _clock().now().timestamp())
        caller = gateway_services.identity.resolve_client(claims["sub"], (claims.get("scope") or "").split())
        g.province_client = caller
        g.caller = caller              # rpc.call_context signs it into every call of this request
    return g.province_client


def client_key() -> str:
    """The rate limit's key: the verified client (so one client's burst never throttles another)."""
    return "client:" + current_client()["client_id"]


def idempotency_store() -> IdempotencyStore:
    ext = current_app.extensions
    if "province_idempotency" not in ext:
        client = current_app.config.get("IDEMPOTENCY_REDIS") or redis.Redis.from_url(redis_url())
        ext["province_idempotency"] = IdempotencyStore(client, f"{env('CLOCK_NAMESPACE', 'ausm')}:province")
    return ext["province_idempotency"]


def client_id() -> str:
    return current_client()["client_id"]
