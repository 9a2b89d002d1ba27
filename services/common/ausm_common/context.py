"""Who is calling, carried in the RPC context and signed, never as an argument a client chooses.

The gateway authenticates a request and signs the caller (person, staff, later a province client) into the
`ausm_caller` header of every call it makes; a service calling another service forwards that header unchanged and
adds its own signed `ausm_via` header. A service trusts only what verifies with the platform's key (derived from
SECRET_KEY, the same in every process). Tokens are short-lived: a replayed header stops working within minutes.
"""
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

from .config import secret_key
from .errors import Forbidden, NotAuthenticated

CALLER_HEADER = "ausm_caller"
VIA_HEADER = "ausm_via"
REQUEST_ID_HEADER = "request_id"
TOKEN_TTL = 300
_PREFIX = "c1"


def _key() -> bytes:
    return hmac.new(secret_key(), b"ausm caller context v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict, ttl: int = TOKEN_TTL, now: float | None = None) -> str:
    body = {**claims, "exp": int((now or time.time()) + ttl)}
    payload = _b64(json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode())
    mac = _b64(hmac.new(_key(), f"{_PREFIX}.{payload}".encode(), hashlib.sha256).digest())
    return f"{_PREFIX}.{payload}.{mac}"


def verify(token: str | None, now: float | None = None) -> dict | None:
    """The claims of a valid token; None for a missing, forged, malformed or expired one."""
    if not token or not isinstance(token, str):
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _PREFIX:
        return None
    expected = _b64(hmac.new(_key(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return None
    if not isinstance(claims, dict) or claims.get("exp", 0) < (now or time.time()):
        return None
    claims.pop("exp", None)
    return claims


def service_token(service: str) -> str:
    return sign({"kind": "service", "service": service})


@dataclass
class CallContext:
    """The verified caller of one RPC: `user` (person, staff, client) and `via` (the calling service)."""

    user: dict | None = None
    via: str | None = None
    raw: dict = field(default_factory=dict)   # the headers to forward on onward calls

    @classmethod
    def from_headers(cls, data: dict) -> "CallContext":
        user = verify(data.get(CALLER_HEADER))
        via = verify(data.get(VIA_HEADER))
        forward = {CALLER_HEADER: data[CALLER_HEADER]} if user else {}
        if data.get(REQUEST_ID_HEADER):
            forward[REQUEST_ID_HEADER] = data[REQUEST_ID_HEADER]
        return cls(user=user, via=via.get("service") if via and via.get("kind") == "service" else None, raw=forward)

    # --- who -----------------------------------------------------------------------------
    @property
    def kind(self) -> str | None:
        return self.user.get("kind") if self.user else None

    def person_id(self) -> str:
        """The person calling; refuses anyone else."""
        if self.kind != "person":
            raise NotAuthenticated("NOT_AUTHENTICATED", "请先登录")
        return self.user["id"]

    def staff(self) -> dict:
        if self.kind != "staff":
            raise NotAuthenticated("STAFF_REQUIRED", "请使用管理部门工作人员账号登录")
        return self.user

    def client(self, scope: str | None = None) -> dict:
        """A province's API client (OAuth client credentials, verified at the gateway), holding `scope`.

        Its claims: client_id, name, province_code (also as department_code, so jurisdiction rules written for
        staff apply unchanged) and scopes."""
        if self.kind != "client":
            raise NotAuthenticated("CLIENT_REQUIRED", "仅限省级系统的接口客户端调用")
        if scope and scope not in (self.user.get("scopes") or []):
            raise Forbidden("SCOPE_REQUIRED", f"该接口客户端未被授予权限范围 {scope}", extra={"scope": scope})
        return self.user

    def staff_or_client(self, scope: str) -> dict:
        """Staff (jurisdiction by department) or a province client with `scope` (jurisdiction by province)."""
        return self.client(scope) if self.kind == "client" else self.staff()

    def service(self, *allowed: str) -> str:
        """A platform service calling (optionally one of `allowed`)."""
        if not self.via or (allowed and self.via not in allowed):
            raise Forbidden("SERVICE_ONLY", "仅限平台内部服务调用")
        return self.via

    def backend(self) -> str:
        """One of the platform's back-end services (the registry), not the gateway acting for a browser."""
        from .registry import names
        return self.service(*names())

    def is_service(self, *allowed: str) -> bool:
        return bool(self.via) and (not allowed or self.via in allowed)

    def ops(self) -> str:
        """Operations: the ops command line (signed as service `ops`) or staff with the ops role."""
        if self.via == "ops" or (self.kind == "staff" and "ops" in (self.user.get("roles") or [])):
            return self.via or self.user["id"]
        raise Forbidden("OPS_ONLY", "仅限运维人员操作")

    @property
    def request_id(self) -> str | None:
        return self.raw.get(REQUEST_ID_HEADER)
