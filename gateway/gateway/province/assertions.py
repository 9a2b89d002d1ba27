"""`private_key_jwt` client authentication at the token endpoint (RFC 7523 §2.2, OpenID Connect Core §9), on
Authlib's JWTBearerClientAssertion: the client posts `client_assertion_type=urn:ietf:params:oauth:client-assertion-
type:jwt-bearer` and `client_assertion`, a JWT it signed with its private key.

Authlib reads the assertion, finds the client by `sub`, verifies signature and claims, and asks for the jti to be
used; what is ours:
- the keys: the identity service gives the public keys in force of an active client (the current one and, during
  a rotation overlap, the previous one); revoked, unknown and secret-only clients are refused there;
- algorithms: RS256 and ES256 only (never `none` nor HS*), the key chosen by the header's `kid` when it has one;
- claims: iss == sub == client_id, aud the token endpoint URL (or the API's issuer identifier), exp required and at
  most MAX_LIFETIME seconds ahead, jti required;
- replay: the jti is taken with one Redis `SET NX` until the assertion expires, so of any number of concurrent
  identical assertions exactly one gets a token.
"""
import hashlib
import math
import time

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from redis.exceptions import RedisError

from ausm_common.errors import unavailable

ASSERTION_TYPE = JWTBearerClientAssertion.CLIENT_ASSERTION_TYPE
METHOD = "private_key_jwt"
ALGORITHMS = ["RS256", "ES256"]
MAX_LIFETIME = 300          # seconds: an assertion may not be valid for longer than this from now
LEEWAY = 30                 # seconds of clock skew allowed on exp/nbf/iat
MAX_JTI = 256


class JtiStore:
    """Assertion ids already used, per client, until the assertion expires (Redis `SET NX EX`: atomic)."""

    def __init__(self, redis, namespace: str):
        self.redis, self.namespace = redis, namespace

    def use(self, client_id: str, jti: str, ttl_seconds: int) -> bool:
        """True the first time this client presents this jti (and records it); False for a replay."""
        digest = hashlib.sha256(f"{client_id}\0{jti}".encode()).hexdigest()
        try:
            return bool(self.redis.set(f"{self.namespace}:assertion-jti:{digest}", b"1", nx=True,
                                       ex=max(1, int(ttl_seconds))))
        except RedisError:       # no record of used jtis: refuse (503) rather than risk a replay
            raise unavailable() from None


class PrivateKeyJWT(JWTBearerClientAssertion):
    """Authlib's RFC 7523 client assertion with the platform's keys, audiences, algorithms and replay store.

    `keys_of(client)` returns the client's public JWKs in force (and may refuse with InvalidClientError);
    `audiences()` the accepted `aud` values; `jti_store()` the JtiStore; `clock()` Unix seconds now."""

    CLIENT_AUTH_METHOD = METHOD

    def __init__(self, keys_of, audiences, jti_store, clock=time.time, leeway=LEEWAY):
        super().__init__(validate_jti=True, leeway=leeway)
        self._keys_of, self._audiences, self._jti_store, self._clock = keys_of, audiences, jti_store, clock

    def get_audiences(self):
        return list(self._audiences())

    def resolve_client_public_key(self, client):
        keys = self._keys_of(client)
        try:
            return KeySet.import_key_set({"keys": [dict(k) for k in keys]})
        except (JoseError, ValueError, TypeError, KeyError):
            raise InvalidClientError(description="The client's registered key cannot be used.") from None

    def process_assertion_claims(self, assertion, resolve_key):
        """The signature checked with RS256/ES256 only, against the key named by `kid` or, without one, each key
        in force (two during a rotation overlap); then the claims (verify_claims)."""
        token = None
        for key in _candidates(resolve_key, assertion):
            try:
                token = jwt.decode(assertion, key, algorithms=ALGORITHMS)
                break
            except JoseError:
                continue
        if token is None:
            raise InvalidClientError(description="Invalid client assertion: signature, key or algorithm refused.")
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims):
        now = self._clock()
        exp, jti = claims.get("exp"), claims.get("jti")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool) or not math.isfinite(exp):
            raise InvalidClientError(description="Missing or invalid claim: 'exp'.")
        if exp > now + MAX_LIFETIME + self.leeway:
            raise InvalidClientError(description=f"The assertion must expire within {MAX_LIFETIME} seconds.")
        if exp < now - self.leeway:
            raise InvalidClientError(description="The assertion has expired.")
        if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI:
            raise InvalidClientError(description="Missing or invalid JWT ID ('jti').")
        if claims.get("iss") != claims.get("sub"):
            raise InvalidClientError(description="Issuer and Subject MUST match.")
        registry = jwt.JWTClaimsRegistry(now=int(now), leeway=self.leeway, iss={"essential": True},
                                         sub={"essential": True}, exp={"essential": True},
                                         aud={"essential": True, "values": self.get_audiences()})
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise InvalidClientError(description=exc.description) from exc
        if not self.validate_jti(claims, jti):
            raise InvalidClientError(description="JWT ID is used before.")

    def validate_jti(self, claims, jti):
        ttl = int(claims["exp"] - self._clock()) + self.leeway + 1
        return self._jti_store().use(claims["sub"], jti, ttl)


def _candidates(key_set: KeySet, assertion: str) -> list:
    """The keys to try: the one named by the header's kid (only it), else every key in force."""
    try:
        from joserfc.jws import extract_compact
        kid = extract_compact(assertion.encode() if isinstance(assertion, str) else assertion).headers().get("kid")
    except (JoseError, ValueError, AttributeError):
        return []
    keys = list(key_set.keys)
    return [k for k in keys if k.kid == kid] if kid else keys


def python_example(base: str) -> str:
    """The Python a province's developer runs to get a token with private_key_jwt (Authlib and joserfc, the
    libraries this platform pins), shown on /province/developers and in the token endpoint's OpenAPI text."""
    return f'''# 生成密钥对（只需一次）：私钥留在省级系统，公钥（PEM 或 JWK）交本省财政厅管理员登记
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client_private_key.pem
#   openssl pkey -in client_private_key.pem -pubout -out client_public_key.pem
# 依赖：pip install Authlib==1.9.6 joserfc==1.8.0 requests
import requests
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from joserfc.jwk import RSAKey            # EC P-256 密钥用 ECKey，alg 为 "ES256"

TOKEN_URL = "{base}/api/province/v1/oauth/token"
with open("client_private_key.pem", "rb") as f:
    PRIVATE_KEY = RSAKey.import_key(f.read())

def token(client_id, scope="candidates:read"):
    # iss = sub = client_id，aud = TOKEN_URL，jti 每次随机生成（只能使用一次），有效期不得超过 300 秒
    assertion = private_key_jwt_sign(PRIVATE_KEY, client_id, TOKEN_URL, alg="RS256", expires_in=120)
    answer = requests.post(TOKEN_URL, data={{
        "grant_type": "client_credentials", "scope": scope,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion}}, timeout=10)
    answer.raise_for_status()
    return answer.json()["access_token"]      # 10 分钟有效；每次获取都重新签一个断言'''
