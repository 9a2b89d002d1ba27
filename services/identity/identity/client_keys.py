"""Public keys of province API clients that authenticate with `private_key_jwt` (RFC 7523, OpenID Connect Core §9),
as plain functions (no database, no nameko).

Staff paste the client's public key as a JWK (JSON) or PEM. Only RSA keys of at least 2048 bits and EC keys on
P-256 are taken; a private key is refused (the platform must never hold it). The key is kept as a public JWK with a
`kid` (the one pasted, or its RFC 7638 thumbprint) and the algorithm it signs with (RS256 or ES256).
"""
import json

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from ausm_common.errors import DomainError

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
KEY_METHOD = "private_key_jwt"
AUTH_METHODS = SECRET_METHODS + (KEY_METHOD,)
ALGORITHMS = {"RSA": "RS256", "EC": "ES256"}
MIN_RSA_BITS = 2048
MAX_KEY_TEXT = 8192
FIELD = "public_key"


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, FIELD)


def check_auth_method(method: str | None, public_key) -> str:
    """The registered token endpoint auth method: private_key_jwt exactly when a public key is given."""
    if method is None:
        return KEY_METHOD if public_key else SECRET_METHODS[0]
    if method not in AUTH_METHODS:
        raise DomainError("AUTH_METHOD_INVALID", "认证方式应为 client_secret_basic、client_secret_post 或 private_key_jwt",
                          "token_endpoint_auth_method")
    if method == KEY_METHOD and not public_key:
        raise _refuse("PUBLIC_KEY_REQUIRED", "private_key_jwt 认证方式须提供客户端公钥（JWK 或 PEM）")
    if method != KEY_METHOD and public_key:
        raise DomainError("AUTH_METHOD_INVALID", "提供公钥时认证方式应为 private_key_jwt", "token_endpoint_auth_method")
    return method


def parse_public_key(text) -> dict:
    """The pasted key as a public JWK with kid, alg and use; DomainError (field public_key) when it is not a
    public RSA ≥ 2048 or EC P-256 key."""
    if isinstance(text, dict):
        text = json.dumps(text)
    if not isinstance(text, str) or not text.strip():
        raise _refuse("PUBLIC_KEY_REQUIRED", "请粘贴客户端公钥（JWK 或 PEM 格式）")
    text = text.strip()
    if len(text) > MAX_KEY_TEXT:
        raise _refuse("PUBLIC_KEY_INVALID", "公钥内容过长，请只粘贴一个公钥")
    if "PRIVATE KEY" in text:
        raise _refuse("PUBLIC_KEY_IS_PRIVATE", "这是私钥，请只粘贴公钥；私钥应只保存在省级系统中")
    if text.startswith("{"):
        key, pasted_kid = _from_jwk(text)
    elif text.startswith("-----BEGIN"):
        key, pasted_kid = _from_pem(text), None
    else:
        raise _refuse("PUBLIC_KEY_INVALID", "无法识别的公钥格式，请粘贴 JWK（JSON）或 PEM（-----BEGIN PUBLIC KEY-----）")
    _check_strength(key)
    public = key.as_dict(private=False)
    for extra in ("kid", "alg", "use", "key_ops"):
        public.pop(extra, None)
    kid = pasted_kid or key.thumbprint()
    return {**public, "kid": kid, "alg": ALGORITHMS[key.key_type], "use": "sig"}


def _from_jwk(text: str):
    try:
        data = json.loads(text)
    except ValueError:
        raise _refuse("PUBLIC_KEY_INVALID", "JWK 不是有效的 JSON") from None
    if isinstance(data, dict) and "keys" in data:
        keys = data.get("keys")
        if not isinstance(keys, list) or len(keys) != 1:
            raise _refuse("PUBLIC_KEY_INVALID", "请只粘贴一个公钥（JWKS 中应恰好有一个密钥）")
        data = keys[0]
    if not isinstance(data, dict):
        raise _refuse("PUBLIC_KEY_INVALID", "JWK 应为 JSON 对象")
    if data.get("kty") not in ALGORITHMS:
        raise _refuse("PUBLIC_KEY_TYPE", "只支持 RSA（至少 2048 位）或 EC P-256 公钥")
    if any(data.get(p) is not None for p in ("d", "p", "q", "dp", "dq", "qi")):
        raise _refuse("PUBLIC_KEY_IS_PRIVATE", "这是私钥，请只粘贴公钥；私钥应只保存在省级系统中")
    alg = data.get("alg")
    if alg is not None and alg != ALGORITHMS[data["kty"]]:
        raise _refuse("PUBLIC_KEY_ALG", f"该公钥只能用于 {ALGORITHMS[data['kty']]} 签名（JWK 中 alg 为 {alg}）")
    if data.get("use") not in (None, "sig"):
        raise _refuse("PUBLIC_KEY_INVALID", "该公钥不是签名用途（use 应为 sig）")
    kid = data.get("kid")
    if kid is not None and (not isinstance(kid, str) or not 1 <= len(kid) <= 128):
        raise _refuse("PUBLIC_KEY_INVALID", "JWK 的 kid 应为 1～128 个字符")
    fields = {k: v for k, v in data.items() if k not in ("kid", "alg", "use", "key_ops")}
    try:
        key = (RSAKey if data["kty"] == "RSA" else ECKey).import_key(fields)
    except Exception:        # noqa: BLE001 — whatever a malformed JWK raises, it is not a usable key
        raise _refuse("PUBLIC_KEY_INVALID", "JWK 内容不完整或无效") from None
    return key, kid


def _from_pem(text: str):
    try:
        loaded = serialization.load_pem_public_key(text.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise _refuse("PUBLIC_KEY_INVALID", "PEM 公钥无效，请粘贴完整的 -----BEGIN PUBLIC KEY----- … "
                                            "-----END PUBLIC KEY-----") from None
    if isinstance(loaded, rsa.RSAPublicKey):
        return RSAKey.import_key(loaded)
    if isinstance(loaded, ec.EllipticCurvePublicKey):
        return ECKey.import_key(loaded)
    raise _refuse("PUBLIC_KEY_TYPE", "只支持 RSA（至少 2048 位）或 EC P-256 公钥")


def _check_strength(key) -> None:
    if key.is_private:
        raise _refuse("PUBLIC_KEY_IS_PRIVATE", "这是私钥，请只粘贴公钥；私钥应只保存在省级系统中")
    if key.key_type == "RSA":
        bits = key.raw_value.key_size
        if bits < MIN_RSA_BITS:
            raise _refuse("PUBLIC_KEY_TOO_WEAK", f"RSA 公钥至少需要 {MIN_RSA_BITS} 位（当前 {bits} 位）")
    elif key.key_type == "EC":
        if key.as_dict(private=False).get("crv") != "P-256":
            raise _refuse("PUBLIC_KEY_TYPE", "EC 公钥只支持 P-256 曲线（ES256）")
    else:
        raise _refuse("PUBLIC_KEY_TYPE", "只支持 RSA（至少 2048 位）或 EC P-256 公钥")


def keys_in_force(public_jwk: dict | None, previous_jwk: dict | None, previous_valid_until, now) -> list[dict]:
    """The keys an assertion may be signed with: the current one, and the previous one during the overlap."""
    keys = [public_jwk] if public_jwk else []
    if previous_jwk and previous_valid_until and now < previous_valid_until:
        keys.append(previous_jwk)
    return keys
