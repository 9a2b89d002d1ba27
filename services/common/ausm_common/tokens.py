"""Random tokens and their stored hashes."""
import hashlib
import hmac
import secrets
import time


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "|".join(parts).encode(), hashlib.sha256).hexdigest()


# A file link is for looking at a file now, not for sharing: it never lives longer than this.
MAX_LINK_TTL = 15 * 60


def file_link(secret: bytes, key: str, ttl_seconds: int = 300, now: float | None = None) -> str:
    """A short-lived link to an object, served by the gateway's /files route (TTL clamped to 15 minutes)."""
    ttl = min(max(int(ttl_seconds), 1), MAX_LINK_TTL)
    expires = str(int((time.time() if now is None else now) + ttl))
    return f"/files/{key}?expires={expires}&sig={sign(secret, key, expires)}"


def check_file_link(secret: bytes, key: str, expires: str, sig: str, now: float | None = None) -> bool:
    """Signed for this key, not expired, and not expiring further ahead than any link is issued for."""
    now = time.time() if now is None else now
    if not expires.isdigit() or not now <= int(expires) <= now + MAX_LINK_TTL:
        return False
    return hmac.compare_digest(sign(secret, key, expires), sig or "")
