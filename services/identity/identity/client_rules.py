"""Rules of the province API clients, as plain functions (no database, no nameko).

A province's system authenticates with OAuth 2.0 client credentials. Its client belongs to one province and holds
scopes; staff with the admin role register clients for their own province, national admins for any. A secret is
shown once and only its argon2 hash is kept; rotating it keeps the previous secret working for an overlap period so
the province can redeploy without an outage; revoking takes effect on the next call (the gateway asks on every call).
"""
from datetime import datetime, timedelta

from ausm_common import divisions
from ausm_common.errors import DomainError, Forbidden

SCOPES = {
    "candidates:read": "读取本省人员信息（脱敏）",
    "candidates:unmask": "读取本省人员未脱敏信息（每次读取均记录并告知本人）",
    "legacy:import": "导入原省平台数据",
    "enrollments:read": "读取本省考试报名",
    "scores:import": "导入本省考试成绩",
    "cpe:report": "报送继续教育培训",
    "events:subscribe": "订阅本省事件（Webhook）",
}
DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=7)
TOKEN_TTL = timedelta(minutes=10)
KEY_SIGNS_FOR = timedelta(days=1)


def check_scopes(scopes) -> list[str]:
    """The requested scopes, known and without repeats, in a stable order; refuses unknown or empty lists."""
    if not isinstance(scopes, (list, tuple)) or not scopes:
        raise DomainError("SCOPES_REQUIRED", "请至少选择一个权限范围", "scopes")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise DomainError("SCOPE_UNKNOWN", f"不支持的权限范围：{'、'.join(map(str, unknown))}", "scopes")
    return [s for s in SCOPES if s in scopes]


def check_province(code: str) -> str:
    if not isinstance(code, str) or divisions.level_of(code) != "province" or not divisions.name_of(code):
        raise DomainError("PROVINCE_INVALID", "请选择有效的省级行政区", "province_code")
    return code


def require_manager(staff: dict, province_code: str) -> None:
    """Admins of the province's department manage its clients; national admins manage every province's."""
    if "admin" not in (staff.get("roles") or []):
        raise Forbidden("ROLE_REQUIRED", "只有管理员可以管理接口客户端")
    own = staff.get("department_code") or ""
    if own != divisions.NATIONAL and not (divisions.level_of(own) == "province" and own == province_code):
        raise Forbidden("OUT_OF_JURISDICTION", "只能管理本省的接口客户端", {"province_code": "只能管理本省的接口客户端"})


def granted_scopes(requested: str | None, allowed: list[str]) -> list[str]:
    """OAuth `scope` (space separated) against what the client holds: none asked = everything it holds."""
    if not requested:
        return list(allowed)
    asked = requested.split()
    missing = [s for s in asked if s not in allowed]
    if missing:
        raise DomainError("SCOPE_NOT_GRANTED", f"该客户端未被授予权限范围：{' '.join(missing)}", "scope")
    return [s for s in allowed if s in asked]


def overlap_for(seconds: int | None) -> timedelta:
    if seconds is None:
        return DEFAULT_OVERLAP
    if not isinstance(seconds, int) or seconds < 0 or timedelta(seconds=seconds) > MAX_OVERLAP:
        raise DomainError("OVERLAP_INVALID", "新旧密钥并行期应在 0～7 天之间", "overlap_seconds")
    return timedelta(seconds=seconds)


def secret_hashes_in_force(secret_hash: str | None, previous_hash: str | None, previous_valid_until: datetime | None,
                           now: datetime) -> list[str]:
    """The hashes a presented secret may match: the current one, and the previous one during the overlap."""
    hashes = [secret_hash] if secret_hash else []
    if previous_hash and previous_valid_until and now < previous_valid_until:
        hashes.append(previous_hash)
    return hashes


def is_active(revoked_at: datetime | None) -> bool:
    return revoked_at is None


def key_needs_rotation(signs_until: datetime | None, now: datetime) -> bool:
    """A new signing key once the active one has signed for its period (or there is none)."""
    return signs_until is None or now >= signs_until


def key_lifetimes(now: datetime, signs_for: timedelta = KEY_SIGNS_FOR,
                  token_ttl: timedelta = TOKEN_TTL) -> tuple[datetime, datetime]:
    """(signs_until, published_until): a key stays in the JWKS until the last token it signed has expired."""
    signs_until = now + signs_for
    return signs_until, signs_until + token_ttl + timedelta(minutes=1)
