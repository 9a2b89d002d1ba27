"""Province API clients: registration, secret rotation, revocation, authentication, and the keys that sign
their access tokens (JWT, RS256, `kid` in the header, published as a JWKS)."""
import base64
import hashlib
import hmac
import os
import secrets
import uuid

from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.config import secret_key
from ausm_common.errors import NotAuthenticated, not_found

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
            "previous_secret_valid_until": client.previous_valid_until.isoformat()
            if client.previous_valid_until and client.previous_secret_hash else None,
            "revoked_at": client.revoked_at.isoformat() if client.revoked_at else None}


def caller_claims(client: ApiClient, scopes: list[str] | None = None) -> dict:
    """What the gateway signs into the RPC context for a call made with this client's token."""
    held = list(client.scopes or [])
    return {"kind": "client", "id": client.client_id, "client_id": client.client_id, "name": client.name,
            "province_code": client.province_code, "department_code": client.province_code,
            "scopes": [s for s in held if scopes is None or s in scopes]}


def register(session, hasher, staff: dict, data: dict, now) -> tuple[ApiClient, str]:
    province = rules.check_province(data["province_code"])
    rules.require_manager(staff, province)
    secret = secrets.token_urlsafe(32)
    client = ApiClient(client_id=f"pc_{province[:2]}_{secrets.token_hex(8)}", name=data["name"].strip(),
                       province_code=province, scopes=rules.check_scopes(data["scopes"]),
                       secret_hash=hasher.hash(secret), created_by=staff["id"], created_at=now)
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


def rotate(session, hasher, client: ApiClient, overlap_seconds, now) -> str:
    overlap = rules.overlap_for(overlap_seconds)
    secret = secrets.token_urlsafe(32)
    client.previous_secret_hash, client.previous_valid_until = client.secret_hash, now + overlap
    client.secret_hash, client.rotated_at = hasher.hash(secret), now
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
    if not any(_verify(hasher, h, secret) for h in hashes) or not rules.is_active(client.revoked_at):
        raise refused
    return client


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
