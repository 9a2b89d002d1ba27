"""Access tokens of province clients: JWTs signed by the identity service (RS256, `kid`), checked here against
its published key set. Every refusal names why (expired, wrong audience, unknown key, bad signature)."""
import threading
import time

from joserfc import jwt
from joserfc.errors import (BadSignatureError, DecodeError, ExpiredTokenError, InvalidClaimError, JoseError,
                            MissingClaimError)
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from ausm_common.errors import NotAuthenticated

ALGORITHMS = ["RS256"]
LEEWAY = 30        # seconds of clock skew allowed on exp/nbf


def _refuse(code: str, message: str) -> NotAuthenticated:
    return NotAuthenticated(code, message)


def key_id(token: str) -> str | None:
    try:
        return extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError, AttributeError):
        return None


def verify_access_token(token: str | None, jwks: dict, audience: str, now: float) -> dict:
    """The claims of a valid token, or NotAuthenticated with TOKEN_MISSING / TOKEN_INVALID / TOKEN_KEY_UNKNOWN /
    TOKEN_EXPIRED / TOKEN_AUDIENCE."""
    if not token:
        raise _refuse("TOKEN_MISSING", "缺少访问令牌")
    kid = key_id(token)
    if kid is None:
        raise _refuse("TOKEN_INVALID", "访问令牌无效")
    if kid not in {k.get("kid") for k in jwks.get("keys", [])}:
        raise _refuse("TOKEN_KEY_UNKNOWN", "访问令牌的签名密钥已失效或未知")
    try:
        keys = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, KeyError, TypeError):
        raise _refuse("TOKEN_KEY_UNKNOWN", "无法验证访问令牌的签名密钥")
    try:
        decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (BadSignatureError, DecodeError, JoseError, ValueError, KeyError):
        raise _refuse("TOKEN_INVALID", "访问令牌无效") from None
    if decoded.header.get("typ") not in ("at+jwt", "JWT", None):
        raise _refuse("TOKEN_INVALID", "访问令牌无效")
    registry = jwt.JWTClaimsRegistry(now=int(now), leeway=LEEWAY, aud={"essential": True, "value": audience},
                                     exp={"essential": True}, sub={"essential": True})
    try:
        registry.validate(decoded.claims)
    except ExpiredTokenError:
        raise _refuse("TOKEN_EXPIRED", "访问令牌已过期，请重新获取") from None
    except (InvalidClaimError, MissingClaimError) as exc:
        if getattr(exc, "claim", "") == "aud":
            raise _refuse("TOKEN_AUDIENCE", "访问令牌不是签发给本接口的") from None
        raise _refuse("TOKEN_INVALID", "访问令牌无效") from None
    except JoseError:
        raise _refuse("TOKEN_INVALID", "访问令牌无效") from None
    return decoded.claims


class JwksCache:
    """The identity service's key set, kept for `ttl` seconds; a token signed by a key not yet seen (a rotation
    since the last fetch) makes one early refresh, at most every `min_refresh` seconds."""

    def __init__(self, fetch, ttl: float = 300, min_refresh: float = 5, clock=time.monotonic):
        self._fetch, self._ttl, self._min_refresh, self._clock = fetch, ttl, min_refresh, clock
        self._jwks, self._fetched_at, self._lock = None, None, threading.Lock()

    def get(self, kid: str | None = None) -> dict:
        with self._lock:
            now = self._clock()
            stale = self._jwks is None or now - self._fetched_at >= self._ttl
            unknown = kid is not None and self._jwks is not None and \
                kid not in {k.get("kid") for k in self._jwks.get("keys", [])}
            if stale or (unknown and now - self._fetched_at >= self._min_refresh):
                self._jwks, self._fetched_at = self._fetch(), now
            return self._jwks
