"""Province API clients: registration, secret (or public key) rotation, revocation, authentication, and the keys
that sign their access tokens (JWT, RS256, `kid` in the header, published as a JWKS). A client authenticates with a
secret (client_secret_basic / client_secret_post) or with a JWT signed by its private key (private_key_jwt): the
gateway verifies that assertion (Authlib) against the public keys in force given by `assertion_keys`."""
import os
import secrets
import uuid

from argon2.exceptions import InvalidHashError, VerificationError
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.errors import NotAuthenticated, not_found

from . import client_keys
from . import client_rules as rules
from .models import ApiClient, SigningKey

ALGORITHM = "RS256"
AUDIENCE = os.environ.get("PROVINCE_TOKEN_AUDIENCE", "ausm-province-api")
ISSUER = "ausm-identity"


def view(client: ApiClient) -> dict:
    return {"client_id": client.client_id, "name": client.name, "province_code": client.province_code,
            "province_name": divisions.name_of(client.province_code), "scopes": list(client.scopes or []),
            "active": rules.is_active(client.revoked_at), "created_at": client.created_at.isoformat(),
            "rotated_at": client.rotated_at.isoformat() if client.rotated_at else None,
            "token_endpoint_auth_method": client.token_endpoint_auth_method or "client_secret_basic",
            "public_key": dict(client.public_jwk) if client.public_jwk else None,
            "previous_secret_valid_until": client.previous_valid_until.isoformat()
            if client.previous_valid_until and client.previous_secret_hash else None,
            "previous_key_valid_until": client.previous_valid_until.isoformat()
            if client.previous_valid_until and client.previous_public_jwk else None,
            "revoked_at": client.revoked_at.isoformat() if client.revoked_at else None}


def caller_claims(client: ApiClient, scopes: list[str] | None = None) -> dict:
    """What the gateway signs into the RPC context for a call made with this client's token."""
    held = list(client.scopes or [])
    return {"kind": "client", "id": client.client_id, "client_id": client.client_id, "name": client.name,
            "province_code": client.province_code, "department_code": client.province_code,
            "scopes": [s for s in held if scopes is None or s in scopes]}


def register(session, hasher, staff: dict, data: dict, now) -> tuple[ApiClient, str | None]:
    """A new client with a secret (returned once), or with the pasted public key (private_key_jwt; no secret)."""
    province = rules.check_province(data["province_code"])
    rules.require_manager(staff, province)
    scopes = rules.check_scopes(data["scopes"])
    method = client_keys.check_auth_method(data.get("token_endpoint_auth_method"), data.get("public_key"))
    jwk = client_keys.parse_public_key(data["public_key"]) if method == client_keys.KEY_METHOD else None
    secret = None if jwk else secrets.token_urlsafe(32)
    client = ApiClient(client_id=f"pc_{province[:2]}_{secrets.token_hex(8)}", name=data["name"].strip(),
                       province_code=province, scopes=scopes, token_endpoint_auth_method=method,
                       secret_hash=hasher.hash(secret) if secret else None, public_jwk=jwk,
                       created_by=staff["id"], created_at=now)
    session.add(client)
    session.flush()
    return client, secret


def managed(session, staff: dict, client_id: str, lock=False) -> ApiClient:
    client = session.scalars(select(ApiClient).where(ApiClient.client_id == client_id)
                             .with_for_update(of=ApiClient) if lock else
                             select(ApiClient).where(ApiClient.client_id == client_id)).first()
    if client is None:
        raise not_found("接口客户端")
    rules.require_manager(staff, client.province_code)
    return client


def listing(session, staff: dict) -> list[dict]:
    query = select(ApiClient).order_by(ApiClient.created_at.desc())
    if staff.get("department_code") != divisions.NATIONAL:
        query = query.where(ApiClient.province_code == staff.get("department_code"))
    return [view(c) for c in session.scalars(query)]


def rotate(session, hasher, client: ApiClient, overlap_seconds, now, public_key=None, method=None) -> str | None:
    """A new secret (returned once), or the new public key when one is given (the client then authenticates with
    private_key_jwt). The previous secret or key keeps working until the overlap ends, so a client can also move
    from a secret to a key (or back, naming a client_secret_* method) without an outage."""
    overlap = rules.overlap_for(overlap_seconds)
    if method is None and not public_key:
        method = client.token_endpoint_auth_method or client_keys.SECRET_METHODS[0]
    method = client_keys.check_auth_method(method, public_key)
    jwk = client_keys.parse_public_key(public_key) if method == client_keys.KEY_METHOD else None
    client.previous_secret_hash, client.previous_public_jwk = client.secret_hash, client.public_jwk
    client.previous_valid_until, client.rotated_at = now + overlap, now
    client.token_endpoint_auth_method = method
    if jwk:
        client.public_jwk, client.secret_hash = jwk, None
        return None
    secret = secrets.token_urlsafe(32)
    client.secret_hash, client.public_jwk = hasher.hash(secret), None
    return secret


def revoke(client: ApiClient, staff: dict, now):
    if client.revoked_at is None:
        client.revoked_at, client.revoked_by = now, staff["id"]


def authenticate(session, hasher, client_id: str, secret: str, now, dummy_hash: str) -> ApiClient:
    """The client for a presented id and secret; one message for every failure (no probing which part was wrong)."""
    client = session.scalars(select(ApiClient).where(ApiClient.client_id == client_id)).first()
    refused = NotAuthenticated("INVALID_CLIENT", "客户端身份验证失败")
    if client is None:
        _verify(hasher, dummy_hash, secret)     # the same work as for a real client
        raise refused
    hashes = rules.secret_hashes_in_force(client.secret_hash, client.previous_secret_hash,
                                          client.previous_valid_until, now)
    if not hashes:                              # a private_key_jwt client has no secret
        _verify(hasher, dummy_hash, secret)
        raise refused
    if not any(_verify(hasher, h, secret) for h in hashes) or not rules.is_active(client.revoked_at):
        raise refused
    return client


def assertion_keys(session, client_id: str, now) -> dict:
    """For the gateway's private_key_jwt check: the public keys an assertion of this active client may be signed
    with (the current one, and the previous one during a rotation overlap) and what the client holds."""
    client = session.scalars(select(ApiClient).where(ApiClient.client_id == client_id)).first()
    keys = client_keys.keys_in_force(client.public_jwk, client.previous_public_jwk, client.previous_valid_until,
                                     now) if client is not None else []
    if client is None or not keys or not rules.is_active(client.revoked_at):
        raise NotAuthenticated("INVALID_CLIENT", "客户端身份验证失败")
    return {"keys": [dict(k) for k in keys], "client": caller_claims(client)}


def _verify(hasher, hashed: str, secret: str) -> bool:
    try:
        return hasher.verify(hashed, secret or "")
    except (VerificationError, InvalidHashError):
        return False


def active(session, client_id: str) -> ApiClient:
    client = session.scalars(select(ApiClient).where(ApiClient.client_id == client_id)).first()
    if client is None or not rules.is_active(client.revoked_at):
        raise NotAuthenticated("CLIENT_REVOKED", "该接口客户端已停用")
    return client


# --- signing keys ----------------------------------------------------------------------------------------

def seal(data: bytes) -> str:
    """Encrypted under the current SECRET_KEY with its key id (sealing.py), for signing keys and webhook secrets."""
    from . import sealing
    return sealing.seal(data)


def unseal(text: str) -> bytes:
    """Opened with SECRET_KEY or a SECRET_KEY_PREVIOUS, the legacy format included (sealing.py)."""
    from . import sealing
    return sealing.unseal(text)


def signing_key(session, now) -> SigningKey:
    """The key that signs now, making a new one when the active one has signed for its period. Concurrent callers
    serialise on a transaction-level advisory lock so only one new key appears."""
    from ausm_common.db import advisory_xact_lock
    current = _newest(session)
    if current is not None and not rules.key_needs_rotation(current.signs_until, now):
        return current
    advisory_xact_lock(session, "identity", "signing-key")
    current = _newest(session)
    if current is not None and not rules.key_needs_rotation(current.signs_until, now):
        return current
    key = RSAKey.generate_key(2048, private=True)
    kid = f"{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    signs_until, published_until = rules.key_lifetimes(now)
    public = {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    row = SigningKey(kid=kid, algorithm=ALGORITHM, private_key=seal(key.as_pem(private=True)), public_jwk=public,
                     created_at=now, signs_until=signs_until, published_until=published_until)
    session.add(row)
    session.flush()
    return row


def _newest(session) -> SigningKey | None:
    return session.scalars(select(SigningKey).order_by(SigningKey.created_at.desc()).limit(1)).first()


def jwks(session, now) -> dict:
    """Every key whose tokens may still be valid: the signing one and the ones it replaced, until they expire."""
    signing_key(session, now)
    rows = session.scalars(select(SigningKey).where(SigningKey.published_until > now)
                           .order_by(SigningKey.created_at.desc()))
    return {"keys": [dict(r.public_jwk) for r in rows]}


def issue_token(session, client: ApiClient, scopes: list[str], now, ttl=rules.TOKEN_TTL) -> dict:
    row = signing_key(session, now)
    key = RSAKey.import_key(unseal(row.private_key))
    issued = int(now.timestamp())
    claims = {"iss": ISSUER, "sub": client.client_id, "aud": AUDIENCE, "iat": issued, "nbf": issued,
              "exp": issued + int(ttl.total_seconds()), "jti": uuid.uuid4().hex, "scope": " ".join(scopes),
              "province": client.province_code}
    token = jwt.encode({"alg": row.algorithm, "kid": row.kid, "typ": "at+jwt"}, claims, key)
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(ttl.total_seconds()),
            "scope": " ".join(scopes)}
